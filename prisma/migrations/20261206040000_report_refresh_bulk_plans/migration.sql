-- report_refresh_users plans a bulk refresh for its own ids (docs/decisions/018-report-summaries.md,
-- "Bulk statements"). Only the function's body changes: the same statements, one setting more.

CREATE OR REPLACE FUNCTION "report_refresh_users"("ids" uuid[]) RETURNS void
LANGUAGE plpgsql SET jit = off SET plan_cache_mode = force_generic_plan AS $$
DECLARE
  "myShard" smallint := pg_backend_pid() % 16;
BEGIN
  IF cardinality("ids") = 0 THEN RETURN; END IF;
  -- A bulk statement (a load, a cascade) gets plans made for its own ids: the generic plan, made
  -- once per connection with unnest("ids") guessed at 10 rows and the tables as they were then,
  -- compares every listed user with every other when it is thousands (a fresh database's first
  -- 20,000-user load took 55 s, each later one longer). Planning costs a few milliseconds, which
  -- only a registration's one or two users would notice. Reverts when the function returns.
  IF cardinality("ids") > 32 THEN
    PERFORM set_config('plan_cache_mode', 'force_custom_plan', true);
  END IF;
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
