// `npm run db:seed:bulk -- --users 1000000 [--batch 20000]`: loads many realistic users and passkeys
// into DATABASE_URL (or the embedded database) for load testing the administrators' pages. Not for
// a real organisation's database: every loaded user is an ordinary user with made-up details.
//
// Speed: each batch is one INSERT ... SELECT over generate_series, so the rows are made inside
// PostgreSQL and nothing is sent per row. Loaded users with a password all share one precomputed
// hash of BULK_PASSWORD (scrypt is deliberately slow; hashing a million passwords would take hours).
// Passkey public keys are random bytes: the passkeys are listed, counted and deleted, never used.
import { pathToFileURL } from "node:url";
import pg from "pg";
import { runMain, parseArgs } from "../lib/cli";
import { applyDatabaseEnv, openDatabase } from "../lib/database";
import { migrate } from "./migrate";

export const BULK_PASSWORD = "bulk-load-password";

const FIRST_NAMES = [
  "Ada", "Alan", "Amara", "Ana", "Arjun", "Beatriz", "Bogdan", "Chen", "Chiara", "Dmitri", "Elena", "Emeka",
  "Fatima", "Felix", "Grace", "Hana", "Hiroshi", "Ines", "Isaac", "Jamal", "Jana", "Kai", "Karin", "Leila",
  "Liam", "Lucia", "Mateo", "Maya", "Mei", "Nadia", "Noah", "Olga", "Omar", "Priya", "Rafael", "Rosa",
  "Sakura", "Samir", "Sofia", "Tariq", "Thandiwe", "Tomás", "Uma", "Victor", "Wei", "Yara", "Yusuf", "Zoe",
];
const LAST_NAMES = [
  "Abara", "Berg", "Castillo", "Chowdhury", "Dubois", "Eriksen", "Fischer", "García", "Haddad", "Ivanova",
  "Jensen", "Kowalski", "Lindqvist", "Mensah", "Morales", "Nakamura", "Novak", "Okafor", "Olsen", "Patel",
  "Quinn", "Rossi", "Sato", "Schmidt", "Silva", "Tanaka", "Ueda", "Van Dijk", "Wang", "Williams", "Xu",
  "Yilmaz", "Zhang", "Zielinski",
];
const DOMAINS = ["contoso.example", "fabrikam.example", "northwind.example", "example.com"];

/** Providers seen in a typical organisation: AAGUID, whether its passkeys sync, transports, attestation. */
const PROVIDERS: Array<{ aaguid: string; name: string; synced: boolean; transports: string; format: string }> = [
  { aaguid: "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4", name: "Google Password Manager", synced: true, transports: "hybrid,internal", format: "none" },
  { aaguid: "fbfc3007-154e-4ecc-8c0b-6e020557d7bd", name: "iCloud Keychain", synced: true, transports: "hybrid,internal", format: "none" },
  { aaguid: "08987058-cadc-4b81-b6e1-30de50dcbe96", name: "Windows Hello", synced: false, transports: "internal", format: "tpm" },
  { aaguid: "bada5566-a7aa-401f-bd96-45619a55120d", name: "1Password", synced: true, transports: "hybrid,internal", format: "none" },
  { aaguid: "d548826e-79b4-db40-a3d8-11116f7e8349", name: "Bitwarden", synced: true, transports: "hybrid,internal", format: "none" },
  { aaguid: "cb69481e-8ff7-4039-93ec-0a2729a154a8", name: "YubiKey 5", synced: false, transports: "nfc,usb", format: "packed" },
  { aaguid: "53414d53-554e-4700-0000-000000000000", name: "Samsung Pass", synced: true, transports: "hybrid,internal", format: "none" },
  { aaguid: "531126d6-e717-415c-9320-3d9aa6981239", name: "Dashlane", synced: true, transports: "hybrid,internal", format: "none" },
];

/** 32 random bytes as base64url, made in PostgreSQL (two v4 UUIDs: 244 random bits). */
const RANDOM_32_BYTES = `translate(encode(uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()), 'base64'), '+/=', '-_')`;

// One statement per batch: the users, then 1-3 passkeys for about 60% of them.
const BATCH_SQL = `
WITH new_users AS (
  INSERT INTO "User" ("id", "email", "displayName", "webauthnUserId", "createdAt", "lastSignInAt", "passwordHash", "passwordChangedAt")
  SELECT gen_random_uuid(),
    lower(replace(f.name || '.' || l.name, ' ', '')) || '.' || $3 || g || '@' || ($6::text[])[1 + (g % array_length($6::text[], 1))],
    f.name || ' ' || l.name, ${RANDOM_32_BYTES}, c.at,
    CASE WHEN random() < 0.8 THEN c.at + random() * (now() - c.at) END,
    CASE WHEN random() < 0.3 THEN $7 END,
    CASE WHEN random() < 0.3 THEN c.at END
  FROM generate_series($1::int, $2::int) AS g
  CROSS JOIN LATERAL (SELECT ($4::text[])[1 + floor(random() * array_length($4::text[], 1) + g * 0)::int] AS name) AS f
  CROSS JOIN LATERAL (SELECT ($5::text[])[1 + floor(random() * array_length($5::text[], 1) + g * 0)::int] AS name) AS l
  CROSS JOIN LATERAL (SELECT now() - random() * interval '3 years' + g * interval '0' AS at) AS c
  ON CONFLICT DO NOTHING
  RETURNING "id", "createdAt", CASE WHEN random() < 0.6 THEN 1 + floor(random() * 3)::int ELSE 0 END AS keys
), keys AS (
  SELECT u."id" AS "userId", u."createdAt" AS "userCreatedAt", k, 1 + floor(random() * array_length($8::text[], 1))::int AS p
  FROM new_users AS u CROSS JOIN LATERAL generate_series(1, u.keys) AS k
), new_passkeys AS (
  INSERT INTO "Passkey" ("id", "credentialId", "userId", "publicKey", "transports", "aaguid", "name", "deviceType",
    "backedUp", "attestationFormat", "attestationVerified", "userVerified", "createdAt", "lastUsedAt")
  SELECT gen_random_uuid(), ${RANDOM_32_BYTES}, k."userId", uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()),
    string_to_array(($11::text[])[k.p], ','), ($8::text[])[k.p],
    ($9::text[])[k.p] || CASE WHEN k.k > 1 THEN ' ' || k.k ELSE '' END,
    (CASE WHEN ($10::boolean[])[k.p] THEN 'multiDevice' ELSE 'singleDevice' END)::"CredentialDeviceType",
    ($10::boolean[])[k.p], ($12::text[])[k.p], ($12::text[])[k.p] <> 'none', true, t.at,
    CASE WHEN random() < 0.85 THEN t.at + random() * (now() - t.at) END
  FROM keys AS k
  CROSS JOIN LATERAL (SELECT k."userCreatedAt" + random() * (now() - k."userCreatedAt") AS at) AS t
  RETURNING 1
)
SELECT (SELECT count(*) FROM new_users)::int AS users, (SELECT count(*) FROM new_passkeys)::int AS passkeys`;

export interface BulkSeedResult {
  users: number;
  passkeys: number;
  seconds: number;
}

/**
 * Users number `first` to `last` and their passkeys, in one statement on `client`. `tag` keeps the
 * emails apart from an earlier run's; `passwordHash` is BULK_PASSWORD's hash.
 */
export async function loadBulkBatch(
  client: pg.ClientBase,
  { first, last, tag, passwordHash }: { first: number; last: number; tag: string; passwordHash: string },
): Promise<{ users: number; passkeys: number }> {
  const { rows } = await client.query<{ users: number; passkeys: number }>(BATCH_SQL, [
    first, last, tag, FIRST_NAMES, LAST_NAMES, DOMAINS, passwordHash,
    PROVIDERS.map((p) => p.aaguid), PROVIDERS.map((p) => p.name), PROVIDERS.map((p) => p.synced),
    PROVIDERS.map((p) => p.transports), PROVIDERS.map((p) => p.format),
  ]);
  return rows[0]!;
}

/** Loads `users` users in batches; returns what was inserted and how long it took. */
export async function seedBulk(
  connectionString: string,
  { users, batch = 20_000, log = console.log }: { users: number; batch?: number; log?: (line: string) => void },
): Promise<BulkSeedResult> {
  const { hashPassword } = await import("../../src/server/password/password-hash");
  const passwordHash = await hashPassword(BULK_PASSWORD);
  // A per-run tag keeps emails unique when the loader runs again on the same database.
  const tag = Date.now().toString(36).slice(-5);
  const client = new pg.Client({ connectionString });
  await client.connect();
  const started = performance.now();
  let loadedUsers = 0;
  let loadedPasskeys = 0;
  try {
    for (let start = 1; start <= users; start += batch) {
      const end = Math.min(users, start + batch - 1);
      const loaded = await loadBulkBatch(client, { first: start, last: end, tag, passwordHash });
      loadedUsers += loaded.users;
      loadedPasskeys += loaded.passkeys;
      const seconds = (performance.now() - started) / 1000;
      log(`${loadedUsers.toLocaleString("en-US")} users, ${loadedPasskeys.toLocaleString("en-US")} passkeys (${Math.round(loadedUsers / seconds).toLocaleString("en-US")} users/s)`);
    }
    // Fresh statistics: the planner (and the list's estimated total) see the new size at once.
    await client.query(`ANALYZE "User"; ANALYZE "Passkey"`);
  } finally {
    await client.end();
  }
  return { users: loadedUsers, passkeys: loadedPasskeys, seconds: (performance.now() - started) / 1000 };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await runMain(async () => {
    const args = parseArgs(process.argv.slice(2));
    const users = Number(args.get("users") ?? 10_000);
    const batch = Number(args.get("batch") ?? 20_000);
    if (!Number.isInteger(users) || users < 1 || users > 10_000_000) throw new Error("--users must be a whole number from 1 to 10,000,000.");
    if (!Number.isInteger(batch) || batch < 1 || batch > 100_000) throw new Error("--batch must be a whole number from 1 to 100,000.");
    const db = await openDatabase();
    applyDatabaseEnv(db);
    try {
      await migrate(db.url, { log: () => {} });
      const result = await seedBulk(db.url, { users, batch });
      const rows = result.users + result.passkeys;
      console.log(
        `Loaded ${result.users.toLocaleString("en-US")} users and ${result.passkeys.toLocaleString("en-US")} passkeys in ${result.seconds.toFixed(1)} s ` +
          `(${Math.round(rows / result.seconds).toLocaleString("en-US")} rows/s). Users with a password use "${BULK_PASSWORD}".`,
      );
    } finally {
      await db.stop();
    }
  });
}
