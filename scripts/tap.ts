// `npm run tap -- --email someone@example.com [--lifetime 60] [--one-time]`
// Issues a Temporary Access Pass for a user (replacing any earlier one) and prints it once.
import { applyDatabaseEnv, openDatabase } from "./lib/database";
import { parseArgs, runMain } from "./lib/cli";
import { runningServerOrigin } from "./lib/running-server";

const USAGE = "Usage: npm run tap -- --email someone@example.com [--lifetime <minutes>] [--one-time]";

await runMain(async () => {
  const args = parseArgs(process.argv.slice(2));
  const email = args.get("email");
  if (typeof email !== "string") throw new Error(USAGE);
  const lifetimeArg = args.get("lifetime");
  const lifetimeMinutes = lifetimeArg === undefined ? undefined : Number(lifetimeArg);
  if (lifetimeArg === true || (lifetimeMinutes !== undefined && !Number.isInteger(lifetimeMinutes))) {
    throw new Error(`--lifetime takes a whole number of minutes. ${USAGE}`);
  }

  const db = await openDatabase();
  applyDatabaseEnv(db);
  const { getConfig } = await import("../src/server/config");
  const { disconnectDb } = await import("../src/server/db");
  const { getUserByEmail } = await import("../src/server/users");
  const { issueTemporaryAccessPass } = await import("../src/server/tap/issue-temporary-access-pass");
  try {
    const config = getConfig();
    const user = await getUserByEmail(email);
    if (!user) throw new Error(`There is no user with the email ${email}.`);
    const tap = await issueTemporaryAccessPass({
      userId: user.id,
      lifetimeMinutes,
      oneTime: args.get("one-time") === true,
      ctx: { ip: null, userAgent: "cli" },
    });
    console.log(`Temporary Access Pass for ${user.email}: ${tap.code}`);
    console.log(`Valid until ${tap.expiresAt.toISOString()}${tap.oneTime ? ", one use only" : ""}.`);
    // The running `npm start`'s address when there is one: it may have its own PORT or ORIGINS.
    const origin = runningServerOrigin(db.url) ?? config.origins[0];
    console.log(`Sign in at ${origin}/signin`);
  } finally {
    await disconnectDb();
    await db.stop();
  }
});
