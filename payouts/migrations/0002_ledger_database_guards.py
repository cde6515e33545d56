"""PostgreSQL only: the database itself refuses an unbalanced or edited ledger.

- A deferred constraint trigger checks, at COMMIT, that every transaction touched has legs summing
  to zero per currency. Deferred, so the legs of one transaction can be inserted one by one.
- Ledger rows are append-only: UPDATE and DELETE of legs and transactions raise. (TRUNCATE, which
  test databases use to reset, fires no row triggers.)

Skipped on SQLite, where the services' own checks are the guard.
"""

from django.db import migrations

BALANCE_FUNCTION = """
CREATE OR REPLACE FUNCTION fm_payouts_ledger_balanced() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    bad RECORD;
BEGIN
    SELECT currency, SUM(amount) AS total INTO bad
      FROM fm_payouts_ledgerleg
     WHERE transaction_id = NEW.transaction_id
     GROUP BY currency
    HAVING SUM(amount) <> 0
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger transaction % is unbalanced: % % off', NEW.transaction_id, bad.total, bad.currency
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER fm_payouts_ledgerleg_balanced
    AFTER INSERT ON fm_payouts_ledgerleg
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION fm_payouts_ledger_balanced();
"""

APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION fm_payouts_ledger_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % on % refused (post a reversal instead)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER fm_payouts_ledgerleg_append_only
    BEFORE UPDATE OR DELETE ON fm_payouts_ledgerleg
    FOR EACH ROW EXECUTE FUNCTION fm_payouts_ledger_append_only();
CREATE TRIGGER fm_payouts_ledgertransaction_append_only
    BEFORE UPDATE OR DELETE ON fm_payouts_ledgertransaction
    FOR EACH ROW EXECUTE FUNCTION fm_payouts_ledger_append_only();
"""

REVERSE = """
DROP TRIGGER IF EXISTS fm_payouts_ledgertransaction_append_only ON fm_payouts_ledgertransaction;
DROP TRIGGER IF EXISTS fm_payouts_ledgerleg_append_only ON fm_payouts_ledgerleg;
DROP FUNCTION IF EXISTS fm_payouts_ledger_append_only();
DROP TRIGGER IF EXISTS fm_payouts_ledgerleg_balanced ON fm_payouts_ledgerleg;
DROP FUNCTION IF EXISTS fm_payouts_ledger_balanced();
"""


class PostgresOnlyRunSQL(migrations.RunSQL):
    """RunSQL that does nothing on other databases."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("fm_payouts", "0001_initial")]

    operations = [
        PostgresOnlyRunSQL(BALANCE_FUNCTION + APPEND_ONLY_FUNCTION, reverse_sql=REVERSE),
    ]
