// `npm run db:seed`: on an empty database, creates an administrator and a demo user and prints a
// fresh Temporary Access Pass for each, so a newcomer can sign in at once.
import { pathToFileURL } from "node:url";
import { applyDatabaseEnv, openDatabase } from "../lib/database";
import { runMain } from "../lib/cli";

const SEED_USERS = [
  { email: "admin@example.com", displayName: "Administrator", role: "admin" as const },
  { email: "demo@example.com", displayName: "Demo User", role: "user" as const },
];

/** Seeds the database if it has no users; returns whether it did. */
export async function seedIfEmpty(baseUrl: string): Promise<boolean> {
  const { getDb } = await import("../../src/server/db");
  const { createUser } = await import("../../src/server/users");
  const { issueTemporaryAccessPass } = await import("../../src/server/tap/issue-temporary-access-pass");
  if ((await getDb().user.count()) > 0) return false;

  const ctx = { ip: null, userAgent: "seed" };
  const lines: string[] = [];
  for (const seed of SEED_USERS) {
    const user = await createUser(seed);
    const tap = await issueTemporaryAccessPass({ userId: user.id, ctx });
    lines.push(`  ${seed.email.padEnd(20)} ${seed.role.padEnd(6)} Temporary Access Pass: ${tap.code}`);
  }
  const { getConfig } = await import("../../src/server/config");
  console.log(
    [
      "",
      "Seeded an empty database with two accounts. Sign in with a Temporary Access Pass at",
      `  ${baseUrl}/signin`,
      ...lines,
      `The passes are shown only now and last ${getConfig().tapLifetimeMinutes} minutes.`,
      "Issue a new one with: npm run tap -- --email <email>",
      "",
    ].join("\n"),
  );
  return true;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await runMain(async () => {
    const db = await openDatabase();
    applyDatabaseEnv(db);
    const { getConfig } = await import("../../src/server/config");
    const { disconnectDb } = await import("../../src/server/db");
    try {
      const config = getConfig();
      const seeded = await seedIfEmpty(config.origins[0]!);
      if (!seeded) console.log("The database already has users: nothing seeded.");
    } finally {
      await disconnectDb();
      await db.stop();
    }
  });
}
