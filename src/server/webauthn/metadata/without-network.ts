import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";

// @simplewebauthn/server fetches CRLs named in certificates' CRL distribution points while it
// checks a certificate path (blob signer chain, attestation chain). This app runs offline and must
// never reach out on an authenticator's say-so, so inside withoutNetwork() every fetch is refused.
// The library treats a failed CRL download as "not revoked" and carries on; revocation comes from
// the blob's own status reports instead (see drop-compromised-entries.ts, decision record 008).
//
// The guard wraps globalThis.fetch once and refuses only calls made inside withoutNetwork()'s
// asynchronous context, so every other fetch in the process is untouched. The context store lives
// on globalThis because Next may load this module more than once.
const STORE = Symbol.for("security-info.offline-context");
const GUARD = Symbol.for("security-info.offline-fetch-guard");

type Guarded = typeof fetch & { [GUARD]?: true };
type Holder = { [STORE]?: AsyncLocalStorage<true> };

function offlineContext(): AsyncLocalStorage<true> {
  const holder = globalThis as Holder;
  holder[STORE] ??= new AsyncLocalStorage<true>();
  return holder[STORE];
}

function installGuard(context: AsyncLocalStorage<true>): void {
  const current = globalThis.fetch as Guarded;
  if (current[GUARD]) return;
  const guarded: Guarded = Object.assign(
    (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) =>
      context.getStore()
        ? Promise.reject(new TypeError(`Network access refused while checking attestation or metadata (${String(input).slice(0, 200)})`))
        : current(input, init),
    { [GUARD]: true as const },
  );
  globalThis.fetch = guarded;
}

/** Runs `task` with every fetch() it makes, directly or through a library, refused. */
export function withoutNetwork<T>(task: () => Promise<T>): Promise<T> {
  const context = offlineContext();
  installGuard(context);
  return context.run(true, task);
}
