// Messages between the benchmark (scripts/bench/run.ts) and its load generator process.

export type Scenario =
  | "signIn"
  | "register"
  | "listPasskeys"
  | "securityInfoPage"
  | "adminSearch"
  | "adminNextPage"
  | "adminReportsPage"
  | "reportActivity"
  | "registrationDetailsFiltered"
  | "trivialGet";

export interface PersonCredentials {
  email: string;
  /** A Temporary Access Pass, with which the load generator signs the person in over HTTP. */
  code: string;
}

/** A person of the peer (bench/peers/better-auth), who signs up with an email address and a password. */
export interface PeerPerson {
  email: string;
  password: string;
}

export type ClientMessage =
  | {
      type: "setup";
      baseUrl: string;
      signIn: PersonCredentials[];
      register: PersonCredentials[];
      list: PersonCredentials;
      admin: PersonCredentials;
      adminQuery: string;
    }
  | {
      /** Drive the peer instead: sign `signIn` up, each registering one passkey (signIn and trivialGet only). */
      type: "setupPeer";
      baseUrl: string;
      signIn: PeerPerson[];
    }
  | {
      type: "run";
      scenario: Scenario;
      concurrency: number;
      count: number;
      maxMs: number;
      /** signIn only: app processes (base URLs) to spread the requests over, in turn; default the one of setup. */
      targets?: string[];
    }
  | { type: "exit" };

export interface RunResult {
  completed: number;
  /** Milliseconds per ceremony, in completion order. */
  latencies: number[];
  errors: number;
  errorSamples: string[];
  elapsedMs: number;
}

export type ClientReply = { type: "ready" } | { type: "result"; result: RunResult } | { type: "failed"; message: string };
