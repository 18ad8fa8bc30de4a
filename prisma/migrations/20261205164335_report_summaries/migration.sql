-- CreateTable
CREATE TABLE "PasskeyKind" (
    "id" SERIAL NOT NULL,
    "aaguid" TEXT NOT NULL,
    "deviceType" "CredentialDeviceType" NOT NULL,
    "attestationVerified" BOOLEAN NOT NULL,

    CONSTRAINT "PasskeyKind_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PasskeyKindCount" (
    "kindId" INTEGER NOT NULL,
    "shard" SMALLINT NOT NULL,
    "passkeys" INTEGER NOT NULL,

    CONSTRAINT "PasskeyKindCount_pkey" PRIMARY KEY ("kindId","shard")
);

-- CreateTable
CREATE TABLE "CapabilityProfile" (
    "id" SERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "password" BOOLEAN NOT NULL,
    "app" BOOLEAN NOT NULL,
    "targeted" BOOLEAN NOT NULL,
    "kinds" INTEGER[],

    CONSTRAINT "CapabilityProfile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UserCapability" (
    "userId" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "profileId" INTEGER NOT NULL,

    CONSTRAINT "UserCapability_pkey" PRIMARY KEY ("userId")
);

-- CreateTable
CREATE TABLE "CapabilityCount" (
    "profileId" INTEGER NOT NULL,
    "shard" SMALLINT NOT NULL,
    "users" INTEGER NOT NULL,

    CONSTRAINT "CapabilityCount_pkey" PRIMARY KEY ("profileId","shard")
);

-- CreateTable
CREATE TABLE "ReportDay" (
    "day" DATE NOT NULL,
    "registrations" INTEGER NOT NULL,
    "passkeySignIns" INTEGER NOT NULL,
    "passwordAndAppSignIns" INTEGER NOT NULL,
    "passwordSignIns" INTEGER NOT NULL,
    "tapSignIns" INTEGER NOT NULL,

    CONSTRAINT "ReportDay_pkey" PRIMARY KEY ("day")
);

-- CreateIndex
CREATE UNIQUE INDEX "PasskeyKind_aaguid_deviceType_attestationVerified_key" ON "PasskeyKind"("aaguid", "deviceType", "attestationVerified");

-- CreateIndex
CREATE UNIQUE INDEX "CapabilityProfile_key_key" ON "CapabilityProfile"("key");

-- CreateIndex
CREATE INDEX "UserCapability_email_profileId_idx" ON "UserCapability"("email" text_pattern_ops, "profileId");

-- CreateIndex
CREATE INDEX "UserCapability_profileId_idx" ON "UserCapability"("profileId");

-- Report summaries (docs/decisions/018-report-summaries.md): kept by the triggers below in the
-- transaction that changes the facts, whatever code (a ceremony, an administrator, a cascade, a
-- bulk load) makes the change. Sign-in writes none of the columns they watch, so it fires none.

-- The profile key of a user's facts; the same function names profiles here and in the backfill.
-- STABLE like the functions it calls, so the planner inlines it instead of calling it per row.
CREATE FUNCTION "report_profile_key"("password" boolean, "app" boolean, "targeted" boolean, "kinds" integer[]) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT concat_ws(':', "password"::int, "app"::int, "targeted"::int, array_to_string("kinds", ','))
$$;

-- What decides each listed user's capability, read from the facts. Users that no longer exist are
-- absent.
CREATE FUNCTION "report_user_profiles"("ids" uuid[])
RETURNS TABLE ("userId" uuid, "email" text, "key" text, "password" boolean, "app" boolean, "targeted" boolean, "kinds" integer[])
LANGUAGE sql STABLE AS $$
  SELECT f."userId", f."email", "report_profile_key"(f."password", f."app", f."targeted", f."kinds"), f."password", f."app", f."targeted", f."kinds"
  FROM (
    SELECT u."id" AS "userId", u."email",
      u."passwordHash" IS NOT NULL AS "password",
      EXISTS (SELECT 1 FROM "AuthenticatorApp" AS a WHERE a."userId" = u."id" AND a."confirmedAt" IS NOT NULL) AS "app",
      EXISTS (SELECT 1 FROM "PasskeyPolicyTarget" AS t WHERE t."userId" = u."id") AS "targeted",
      ARRAY(
        SELECT DISTINCT k."id" FROM "Passkey" AS p
        JOIN "PasskeyKind" AS k ON k."aaguid" = lower(p."aaguid") AND k."deviceType" = p."deviceType" AND k."attestationVerified" = p."attestationVerified"
        WHERE p."userId" = u."id" ORDER BY k."id"
      ) AS "kinds"
    FROM "User" AS u WHERE u."id" IN (SELECT unnest("ids"))
    OFFSET 0 -- computed once per user, not once per use of "kinds"
  ) AS f
$$;

-- Moves the listed users to the profile their facts give them now, adjusting the counts. The ids
-- are matched with IN (SELECT unnest(...)), which the planner can hash or look up by index, not
-- = ANY (...), which compares each row with every id of a non-constant array.
-- Planned once per connection (generic plans: index lookups per user, whatever the number of
-- users), not again for every registration: that planning cost more than the statements' run.
-- Without JIT: the estimate for a bulk statement's per-user subqueries is high enough to compile
-- them, which took longer (0.65 s per statement) than running them.
CREATE FUNCTION "report_refresh_users"("ids" uuid[]) RETURNS void
LANGUAGE plpgsql SET jit = off SET plan_cache_mode = force_generic_plan AS $$
DECLARE
  "myShard" smallint := pg_backend_pid() % 16;
BEGIN
  IF cardinality("ids") = 0 THEN RETURN; END IF;
  -- Waits for any other transaction refreshing the same users; the statements below then read the
  -- facts afresh (each statement here takes a new snapshot under READ COMMITTED), committed
  -- changes of the other transaction included.
  PERFORM 1 FROM "UserCapability" WHERE "userId" IN (SELECT unnest("ids")) ORDER BY "userId" FOR UPDATE;

  INSERT INTO "CapabilityProfile" ("key", "password", "app", "targeted", "kinds")
    SELECT DISTINCT ON (f."key") f."key", f."password", f."app", f."targeted", f."kinds"
    FROM "report_user_profiles"("ids") AS f ORDER BY f."key"
  ON CONFLICT ("key") DO NOTHING;

  WITH "fresh" AS (
    SELECT f."userId", f."email", p."id" AS "profileId"
    FROM "report_user_profiles"("ids") AS f JOIN "CapabilityProfile" AS p ON p."key" = f."key"
  ), "before" AS (
    SELECT c."userId", c."profileId" FROM "UserCapability" AS c WHERE c."userId" IN (SELECT unnest("ids"))
  ), "gone" AS (
    DELETE FROM "UserCapability" AS c
    WHERE c."userId" IN (SELECT unnest("ids")) AND NOT EXISTS (SELECT 1 FROM "fresh" AS f WHERE f."userId" = c."userId")
  ), "kept" AS (
    INSERT INTO "UserCapability" ("userId", "email", "profileId") SELECT "userId", "email", "profileId" FROM "fresh"
    ON CONFLICT ("userId") DO UPDATE SET "email" = EXCLUDED."email", "profileId" = EXCLUDED."profileId"
      WHERE ("UserCapability"."email", "UserCapability"."profileId") IS DISTINCT FROM (EXCLUDED."email", EXCLUDED."profileId")
  ), "delta" AS (
    SELECT d."profileId", sum(d."n")::int AS "n"
    FROM (SELECT "profileId", 1 AS "n" FROM "fresh" UNION ALL SELECT "profileId", -1 FROM "before") AS d
    GROUP BY d."profileId" HAVING sum(d."n") <> 0
  )
  INSERT INTO "CapabilityCount" ("profileId", "shard", "users")
    SELECT "profileId", "myShard", "n" FROM "delta" ORDER BY "profileId"
  ON CONFLICT ("profileId", "shard") DO UPDATE SET "users" = "CapabilityCount"."users" + EXCLUDED."users";
END;
$$;

-- Passkeys added or removed by one statement: kind counts, then their owners' profiles.
CREATE FUNCTION "report_passkeys_changed"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  "myShard" smallint := pg_backend_pid() % 16;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "PasskeyKind" ("aaguid", "deviceType", "attestationVerified")
      SELECT DISTINCT lower(n."aaguid"), n."deviceType", n."attestationVerified" FROM "changed" AS n ORDER BY 1, 2, 3
    ON CONFLICT DO NOTHING;
  END IF;
  INSERT INTO "PasskeyKindCount" ("kindId", "shard", "passkeys")
    SELECT k."id", "myShard", (CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END) * count(*)::int
    FROM "changed" AS n
    JOIN "PasskeyKind" AS k ON k."aaguid" = lower(n."aaguid") AND k."deviceType" = n."deviceType" AND k."attestationVerified" = n."attestationVerified"
    GROUP BY k."id" ORDER BY k."id"
  ON CONFLICT ("kindId", "shard") DO UPDATE SET "passkeys" = "PasskeyKindCount"."passkeys" + EXCLUDED."passkeys";
  PERFORM "report_refresh_users"(ARRAY(SELECT DISTINCT n."userId" FROM "changed" AS n));
  RETURN NULL;
END;
$$;

-- A passkey whose owner or kind changed (sign-in changes neither, so it never gets here).
CREATE FUNCTION "report_passkey_updated"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  "myShard" smallint := pg_backend_pid() % 16;
BEGIN
  INSERT INTO "PasskeyKind" ("aaguid", "deviceType", "attestationVerified")
    VALUES (lower(NEW."aaguid"), NEW."deviceType", NEW."attestationVerified")
  ON CONFLICT DO NOTHING;
  INSERT INTO "PasskeyKindCount" ("kindId", "shard", "passkeys")
    SELECT k."id", "myShard", sum(d."n")::int
    FROM (VALUES (lower(OLD."aaguid"), OLD."deviceType", OLD."attestationVerified", -1),
                 (lower(NEW."aaguid"), NEW."deviceType", NEW."attestationVerified", 1)) AS d ("aaguid", "deviceType", "attestationVerified", "n")
    JOIN "PasskeyKind" AS k ON k."aaguid" = d."aaguid" AND k."deviceType" = d."deviceType" AND k."attestationVerified" = d."attestationVerified"
    GROUP BY k."id" ORDER BY k."id"
  ON CONFLICT ("kindId", "shard") DO UPDATE SET "passkeys" = "PasskeyKindCount"."passkeys" + EXCLUDED."passkeys";
  PERFORM "report_refresh_users"(ARRAY[OLD."userId", NEW."userId"]);
  RETURN NULL;
END;
$$;

-- Users, authenticator apps or policy targets added or removed by one statement.
CREATE FUNCTION "report_users_changed"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'User' THEN
    PERFORM "report_refresh_users"(ARRAY(SELECT n."id" FROM "changed" AS n));
  ELSE
    PERFORM "report_refresh_users"(ARRAY(SELECT DISTINCT n."userId" FROM "changed" AS n));
  END IF;
  RETURN NULL;
END;
$$;

-- One row whose user-level fact changed: a password set or removed, an email changed, an app
-- confirmed, a row moved.
CREATE FUNCTION "report_user_row_updated"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'User' THEN
    PERFORM "report_refresh_users"(ARRAY[NEW."id"]);
  ELSE
    PERFORM "report_refresh_users"(ARRAY[OLD."userId", NEW."userId"]);
  END IF;
  RETURN NULL;
END;
$$;

-- An audit event written for a UTC day that has already ended: that day's counts are taken again
-- (src/server/admin/reports/report-day-counts.ts holds the same lock while it counts ended days).
CREATE FUNCTION "report_audit_backdated"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('ReportDay', 0));
  DELETE FROM "ReportDay" WHERE "day" = NEW."at"::date;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "Passkey_report_insert" AFTER INSERT ON "Passkey"
  REFERENCING NEW TABLE AS "changed" FOR EACH STATEMENT EXECUTE FUNCTION "report_passkeys_changed"();
CREATE TRIGGER "Passkey_report_delete" AFTER DELETE ON "Passkey"
  REFERENCING OLD TABLE AS "changed" FOR EACH STATEMENT EXECUTE FUNCTION "report_passkeys_changed"();
CREATE TRIGGER "Passkey_report_update" AFTER UPDATE OF "userId", "aaguid", "deviceType", "attestationVerified" ON "Passkey"
  FOR EACH ROW WHEN (OLD."userId" <> NEW."userId" OR lower(OLD."aaguid") <> lower(NEW."aaguid")
    OR OLD."deviceType" <> NEW."deviceType" OR OLD."attestationVerified" <> NEW."attestationVerified")
  EXECUTE FUNCTION "report_passkey_updated"();

CREATE TRIGGER "User_report_insert" AFTER INSERT ON "User"
  REFERENCING NEW TABLE AS "changed" FOR EACH STATEMENT EXECUTE FUNCTION "report_users_changed"();
CREATE TRIGGER "User_report_delete" AFTER DELETE ON "User"
  REFERENCING OLD TABLE AS "changed" FOR EACH STATEMENT EXECUTE FUNCTION "report_users_changed"();
CREATE TRIGGER "User_report_update" AFTER UPDATE OF "passwordHash", "email" ON "User"
  FOR EACH ROW WHEN ((OLD."passwordHash" IS NULL) <> (NEW."passwordHash" IS NULL) OR OLD."email" <> NEW."email")
  EXECUTE FUNCTION "report_user_row_updated"();

CREATE TRIGGER "AuthenticatorApp_report_insert" AFTER INSERT ON "AuthenticatorApp"
  REFERENCING NEW TABLE AS "changed" FOR EACH STATEMENT EXECUTE FUNCTION "report_users_changed"();
CREATE TRIGGER "AuthenticatorApp_report_delete" AFTER DELETE ON "AuthenticatorApp"
  REFERENCING OLD TABLE AS "changed" FOR EACH STATEMENT EXECUTE FUNCTION "report_users_changed"();
CREATE TRIGGER "AuthenticatorApp_report_update" AFTER UPDATE OF "confirmedAt", "userId" ON "AuthenticatorApp"
  FOR EACH ROW WHEN ((OLD."confirmedAt" IS NULL) <> (NEW."confirmedAt" IS NULL) OR OLD."userId" <> NEW."userId")
  EXECUTE FUNCTION "report_user_row_updated"();

CREATE TRIGGER "PasskeyPolicyTarget_report_insert" AFTER INSERT ON "PasskeyPolicyTarget"
  REFERENCING NEW TABLE AS "changed" FOR EACH STATEMENT EXECUTE FUNCTION "report_users_changed"();
CREATE TRIGGER "PasskeyPolicyTarget_report_delete" AFTER DELETE ON "PasskeyPolicyTarget"
  REFERENCING OLD TABLE AS "changed" FOR EACH STATEMENT EXECUTE FUNCTION "report_users_changed"();
CREATE TRIGGER "PasskeyPolicyTarget_report_update" AFTER UPDATE OF "userId" ON "PasskeyPolicyTarget"
  FOR EACH ROW WHEN (OLD."userId" <> NEW."userId")
  EXECUTE FUNCTION "report_user_row_updated"();

-- A row-level WHEN is evaluated without calling the function: an event for today (every sign-in's)
-- costs one comparison.
CREATE TRIGGER "AuditEvent_report_backdated" AFTER INSERT ON "AuditEvent"
  FOR EACH ROW WHEN (NEW."at" < date_trunc('day', statement_timestamp() AT TIME ZONE 'UTC'))
  EXECUTE FUNCTION "report_audit_backdated"();

-- Backfill in a few set-based passes (not the per-user function): seconds on a million users.
INSERT INTO "PasskeyKind" ("aaguid", "deviceType", "attestationVerified")
  SELECT DISTINCT lower("aaguid"), "deviceType", "attestationVerified" FROM "Passkey" ORDER BY 1, 2, 3;

INSERT INTO "PasskeyKindCount" ("kindId", "shard", "passkeys")
  SELECT k."id", 0, count(*)::int
  FROM "Passkey" AS p
  JOIN "PasskeyKind" AS k ON k."aaguid" = lower(p."aaguid") AND k."deviceType" = p."deviceType" AND k."attestationVerified" = p."attestationVerified"
  GROUP BY k."id";

CREATE TEMPORARY TABLE "report_backfill" AS
  SELECT u."id" AS "userId", u."email", f."password", f."app", f."targeted", f."kinds",
    "report_profile_key"(f."password", f."app", f."targeted", f."kinds") AS "key"
  FROM "User" AS u
  LEFT JOIN (
    SELECT p."userId", array_agg(DISTINCT k."id" ORDER BY k."id") AS "kinds"
    FROM "Passkey" AS p
    JOIN "PasskeyKind" AS k ON k."aaguid" = lower(p."aaguid") AND k."deviceType" = p."deviceType" AND k."attestationVerified" = p."attestationVerified"
    GROUP BY p."userId"
  ) AS pk ON pk."userId" = u."id"
  LEFT JOIN "AuthenticatorApp" AS a ON a."userId" = u."id" AND a."confirmedAt" IS NOT NULL
  LEFT JOIN "PasskeyPolicyTarget" AS t ON t."userId" = u."id"
  CROSS JOIN LATERAL (
    SELECT u."passwordHash" IS NOT NULL AS "password", a."userId" IS NOT NULL AS "app", t."userId" IS NOT NULL AS "targeted",
      COALESCE(pk."kinds", '{}'::integer[]) AS "kinds"
  ) AS f;

INSERT INTO "CapabilityProfile" ("key", "password", "app", "targeted", "kinds")
  SELECT DISTINCT ON ("key") "key", "password", "app", "targeted", "kinds" FROM "report_backfill" ORDER BY "key";

INSERT INTO "UserCapability" ("userId", "email", "profileId")
  SELECT b."userId", b."email", p."id" FROM "report_backfill" AS b JOIN "CapabilityProfile" AS p ON p."key" = b."key";

INSERT INTO "CapabilityCount" ("profileId", "shard", "users")
  SELECT p."id", 0, count(*)::int FROM "report_backfill" AS b JOIN "CapabilityProfile" AS p ON p."key" = b."key" GROUP BY p."id";

DROP TABLE "report_backfill";

ANALYZE "UserCapability";
