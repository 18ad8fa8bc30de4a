// What a passkey registration costs the database: the options in one statement, the verification
// in two (a read, then one statement that consumes the challenge, stores the passkey and audits
// it), each writing statement committing on its own. Counted off the pool, as the benchmark does.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/server/config";
import { disconnectDb } from "@/server/db";
import { isWritingStatement, watchStatements } from "@/server/db-statement-stats";
import { createRegistrationOptions } from "@/server/webauthn/create-registration-options";
import { verifyRegistration } from "@/server/webauthn/verify-registration";
import { makeUser, newBinding, signedIn, testCtx } from "../fixtures/factories";
import { SoftAuthenticator } from "../fixtures/soft-authenticator";
import { auditEvents, passkeyCount, registerPasskey, TEST_ORIGIN } from "./webauthn-helpers";

async function statementsOf<T>(call: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const statements: string[] = [];
  const stop = watchStatements((sql) => statements.push(sql.replace(/\s+/g, " ").trim()));
  try {
    return { result: await call(), statements };
  } finally {
    stop();
  }
}

describe("the statements of a passkey registration", () => {
  const dir = mkdtempSync(join(tmpdir(), "registration-statements-"));
  beforeAll(async () => {
    process.env.DB_STATEMENT_STATS_FILE = join(dir, "stats.json");
    resetConfigForTests();
    await disconnectDb();
  });
  afterAll(async () => {
    delete process.env.DB_STATEMENT_STATS_FILE;
    resetConfigForTests();
    await disconnectDb();
    rmSync(dir, { recursive: true, force: true });
  });

  it("takes one statement for the options and two for the verification, two commits in all", async () => {
    const user = await makeUser();
    await registerPasskey(user, undefined, "First");
    const session = signedIn(user);
    const binding = newBinding();

    const options = await statementsOf(() => createRegistrationOptions({ user: session, binding }));
    const response = new SoftAuthenticator().createCredential({ options: options.result, origin: TEST_ORIGIN });
    const verify = await statementsOf(() => verifyRegistration({ response, name: "Second", user: session, binding, ctx: testCtx }));

    expect(options.statements).toHaveLength(1);
    expect(verify.statements).toHaveLength(2);
    const all = [...options.statements, ...verify.statements];
    expect(all.filter((sql) => /^(BEGIN|COMMIT)/i.test(sql))).toEqual([]);
    expect(all.filter(isWritingStatement)).toHaveLength(2);
    // And it did what a registration does.
    expect(options.result.excludeCredentials).toHaveLength(1);
    expect(verify.result).toMatchObject({ name: "Second" });
    expect(await passkeyCount(user.id)).toBe(2);
    const audited = await auditEvents(user.id, { type: "passkey.registration", outcome: "success" });
    expect(audited.map((event) => (event.details as { passkeyId?: string }).passkeyId)).toContain(verify.result.id);
  });
});
