-- The passkey limit, held by the database for every new passkey. A registration stores its passkey
-- in one statement, without first locking the user in a transaction of its own; this trigger takes
-- that lock after the row is written and then counts with a fresh snapshot (a VOLATILE function
-- does), so of two registrations racing at the limit the second one waits, sees the first, and fails.
-- The policy's limit is the one the app applies (src/server/policy/passkey-policy.ts); the app
-- checks it first and tells the user, this is the backstop for races.
CREATE FUNCTION "passkey_within_limit"() RETURNS trigger
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  stored integer;
  allowed integer;
BEGIN
  PERFORM 1 FROM "User" WHERE "id" = NEW."userId" FOR UPDATE;
  SELECT count(*) INTO stored FROM "Passkey" WHERE "userId" = NEW."userId";
  SELECT "maxPasskeys" INTO allowed FROM "PasskeyPolicy" WHERE "id" = 1;
  IF allowed IS NOT NULL AND stored > allowed THEN
    RAISE EXCEPTION 'passkey limit of % reached', allowed USING ERRCODE = 'check_violation', CONSTRAINT = 'Passkey_within_limit';
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "Passkey_within_limit" AFTER INSERT ON "Passkey" FOR EACH ROW EXECUTE FUNCTION "passkey_within_limit"();
