// Messages between the benchmark (scripts/bench/run.ts) and its load generator process.

export type Scenario =
  | "signIn"
  | "register"
  | "listPasskeys"
  | "securityInfoPage"
  | "adminSearch"
  | "adminNextPage"
  | "trivialGet";

export interface PersonCredentials {
  email: string;
  /** A Temporary Access Pass, with which the load generator signs the person in over HTTP. */
  code: string;
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
  | { type: "run"; scenario: Scenario; concurrency: number; count: number; maxMs: number }
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
