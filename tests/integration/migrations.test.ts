// The migrations in prisma/migrations must build exactly the database schema.prisma describes, and
// applying them must be repeatable. Self-contained: it makes (and drops) its own two databases on
// the server of TEST_DATABASE_URL / DATABASE_URL, whatever the shared integration setup does.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS_DIR, migrate, readMigrationsList, SCHEMA_PATH } from "../../scripts/db/migrate";
import { readLastMigratedDatamodel } from "../../scripts/db/migration-new";
import { diffDatamodels, NO_FILTER, openSchemaEngine } from "../../scripts/db/schema-engine";
import { serverUrl, urlOf, withClient } from "../fixtures/databases";

const suffix = randomBytes(4).toString("hex");
const fromMigrations = `migrations_test_${suffix}_migrated`;
const fromSchema = `migrations_test_${suffix}_pushed`;
const quiet = { log: () => {} };

async function migrationNames(): Promise<string[]> {
  return (await readMigrationsList(MIGRATIONS_DIR)).migrationDirectories.map((dir) => dir.path);
}

/**
 * The schema as pg_dump prints it, minus what differs between any two dumps (comments, SETs), with
 * each table's columns in name order: a migration that adds a column appends it, while a database
 * built from schema.prisma has it where the model declares it. Prisma does not count column order
 * as drift, and neither do we; every column's type, default and nullability still must match.
 */
async function dumpSchema(database: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.env.PG_DUMP ?? "pg_dump", [
    "--schema-only",
    "--no-owner",
    "--no-privileges",
    "--exclude-table=public._prisma_migrations",
    `--dbname=${urlOf(database)}`,
  ]);
  return stdout
    .split("\n")
    .filter((line) => !/^(--|SET |SELECT pg_catalog\.set_config|\\(un)?restrict )/.test(line))
    .join("\n")
    .replace(/\n{2,}/g, "\n\n")
    .replace(/(CREATE TABLE [^\n]+ \(\n)([\s\S]*?)(\n\);)/g, (_, head: string, body: string, tail: string) => {
      const columns = body.split(",\n").map((line) => line.trim());
      return head + columns.sort().map((c) => `    ${c}`).join(",\n") + tail;
    })
    .trim();
}

/** A function as pg_dump prints it. */
const functionStatement = (name: string) => ({
  name: `function ${name}`,
  pattern: new RegExp(`CREATE FUNCTION public\\.${name}\\([^\\n]*\\) RETURNS [\\s\\S]*?\\n\\$\\$;\\n*`),
});
/** A trigger as pg_dump prints it (one line). */
const triggerStatement = (name: string) => ({ name: `trigger ${name}`, pattern: new RegExp(`CREATE TRIGGER "${name}" [^\\n]*;\\n*`) });

/**
 * The statements the migrations add beyond what schema.prisma describes, as pg_dump prints them:
 * the audit trail's append-only guard and the report summaries' triggers
 * (docs/decisions/018-report-summaries.md), and the passkey limit's guard.
 */
const TRIGGER_STATEMENTS = [
  functionStatement("audit_event_append_only"),
  functionStatement("passkey_within_limit"),
  functionStatement("report_audit_backdated"),
  functionStatement("report_passkey_updated"),
  functionStatement("report_passkeys_changed"),
  functionStatement("report_profile_key"),
  functionStatement("report_refresh_users"),
  functionStatement("report_user_profiles"),
  functionStatement("report_user_row_updated"),
  functionStatement("report_users_changed"),
  triggerStatement("AuditEvent_no_truncate"),
  triggerStatement("AuditEvent_no_update_or_delete"),
  triggerStatement("AuditEvent_report_backdated"),
  triggerStatement("AuthenticatorApp_report_delete"),
  triggerStatement("AuthenticatorApp_report_insert"),
  triggerStatement("AuthenticatorApp_report_update"),
  triggerStatement("PasskeyPolicyTarget_report_delete"),
  triggerStatement("PasskeyPolicyTarget_report_insert"),
  triggerStatement("PasskeyPolicyTarget_report_update"),
  triggerStatement("Passkey_report_delete"),
  triggerStatement("Passkey_report_insert"),
  triggerStatement("Passkey_report_update"),
  triggerStatement("Passkey_within_limit"),
  triggerStatement("User_report_delete"),
  triggerStatement("User_report_insert"),
  triggerStatement("User_report_update"),
];

/** The dump without the migrations' functions and triggers, and which of them it held. */
function withoutTriggers(dump: string): { rest: string; found: string[] } {
  let rest = dump;
  const found: string[] = [];
  for (const { name, pattern } of TRIGGER_STATEMENTS) {
    if (!pattern.test(rest)) continue;
    found.push(name);
    rest = rest.replace(pattern, "");
  }
  return { rest: rest.replace(/\n{3,}/g, "\n\n").trim(), found };
}

beforeAll(async () => {
  await withClient(serverUrl, async (client) => {
    await client.query(`CREATE DATABASE "${fromMigrations}"`);
    await client.query(`CREATE DATABASE "${fromSchema}"`);
  });
});

afterAll(async () => {
  await withClient(serverUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${fromMigrations}" WITH (FORCE)`);
    await client.query(`DROP DATABASE IF EXISTS "${fromSchema}" WITH (FORCE)`);
  });
});

describe("migrations", () => {
  it("has a migration for every change to schema.prisma", async () => {
    const last = await readLastMigratedDatamodel();
    expect(last, "prisma/migrations has no migration yet").not.toBeNull();
    const current = { path: SCHEMA_PATH, content: await readFile(SCHEMA_PATH, "utf8") };
    const diff = await diffDatamodels(last!.datamodel, current);
    expect(diff.isEmpty, `schema.prisma changed since ${last!.dirName}; run npm run db:migration:new <name>:\n${diff.sql}`).toBe(true);
  });

  it("builds the same schema from the migrations as schema.prisma describes", async () => {
    const { applied } = await migrate(urlOf(fromMigrations), quiet);
    expect(applied).toEqual(await migrationNames());

    const schema = { path: SCHEMA_PATH, content: await readFile(SCHEMA_PATH, "utf8") };
    const { sql } = await diffDatamodels(null, schema);
    // One simple query: PostgreSQL splits the script itself.
    await withClient(urlOf(fromSchema), (client) => client.query(sql));

    const [migrated, described] = await Promise.all([dumpSchema(fromMigrations), dumpSchema(fromSchema)]);
    expect(migrated).toContain('CREATE TABLE public."User"');
    // schema.prisma cannot describe triggers: the migrations add the audit trail's, the report
    // summaries' and the passkey limit's, and only they.
    const { rest, found } = withoutTriggers(migrated);
    expect(found).toEqual(TRIGGER_STATEMENTS.map((statement) => statement.name));
    expect(described).not.toMatch(/CREATE (FUNCTION|TRIGGER)/);
    expect(rest).toEqual(described);
  });

  it("gives the audit table its append-only triggers, row-level for UPDATE/DELETE and statement-level for TRUNCATE", async () => {
    const { rows } = await withClient(urlOf(fromMigrations), (client) =>
      client.query<{ tgname: string; definition: string }>(
        `SELECT tgname, pg_get_triggerdef(oid) AS definition FROM pg_trigger
          WHERE tgrelid = 'public."AuditEvent"'::regclass AND NOT tgisinternal ORDER BY tgname`,
      ),
    );
    expect(rows).toEqual([
      {
        tgname: "AuditEvent_no_truncate",
        definition: expect.stringMatching(/BEFORE TRUNCATE ON public."AuditEvent" FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only\(\)/),
      },
      {
        tgname: "AuditEvent_no_update_or_delete",
        definition: expect.stringMatching(/BEFORE DELETE OR UPDATE ON public."AuditEvent" FOR EACH ROW EXECUTE FUNCTION audit_event_append_only\(\)/),
      },
      // The report summaries' only trigger here: row-level and guarded by WHEN, so an event for
      // today (every sign-in's) runs no function (docs/decisions/018-report-summaries.md).
      {
        tgname: "AuditEvent_report_backdated",
        definition: expect.stringMatching(/AFTER INSERT ON public."AuditEvent" FOR EACH ROW WHEN \(\(new\.at < date_trunc\('day'::text, \(statement_timestamp\(\) AT TIME ZONE 'UTC'::text\)\)\)\) EXECUTE FUNCTION report_audit_backdated\(\)/),
      },
    ]);
  });

  it("applies nothing when run again and records each migration once", async () => {
    await migrate(urlOf(fromMigrations), quiet);
    const lines: string[] = [];
    const { applied } = await migrate(urlOf(fromMigrations), { log: (line) => lines.push(line) });
    expect(applied).toEqual([]);
    expect(lines).toEqual(["Database is up to date"]);

    const { rows } = await withClient(urlOf(fromMigrations), (client) =>
      client.query<{ migration_name: string; finished: boolean; rolled_back: boolean }>(
        `SELECT migration_name, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back
           FROM _prisma_migrations ORDER BY migration_name`,
      ),
    );
    expect(rows).toEqual(
      (await migrationNames()).map((name) => ({ migration_name: name, finished: true, rolled_back: false })),
    );

    // Prisma's own bookkeeping agrees: no edited, failed or unapplied migration.
    const migrationsList = await readMigrationsList(MIGRATIONS_DIR);
    const handle = await openSchemaEngine(urlOf(fromMigrations), {
      path: SCHEMA_PATH,
      content: await readFile(SCHEMA_PATH, "utf8"),
    });
    try {
      const diagnosis = await handle.run((engine) =>
        engine.diagnoseMigrationHistory({
          migrationsList,
          optInToShadowDatabase: false,
          filters: NO_FILTER,
        }),
      );
      expect(diagnosis).toMatchObject({ history: null, failedMigrationNames: [], editedMigrationNames: [] });
    } finally {
      await handle.close();
    }
  });
});
