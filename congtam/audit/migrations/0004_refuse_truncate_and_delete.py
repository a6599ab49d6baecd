"""The database refuses to empty the audit trail or move its head back, where it can.

Complements ``0002_append_only_guard`` (UPDATE and DELETE of an entry refused on PostgreSQL, UPDATE
on SQLite):

* PostgreSQL: a statement trigger refuses TRUNCATE of the entries and of the chain head (a row
  trigger does not see TRUNCATE); a row trigger refuses to delete the chain head or move it back.
* SQLite: triggers refuse DELETE of an entry and of the chain head, and moving the head back.

Nothing here can be turned off from a session: getting around the triggers takes ALTER TABLE
(DISABLE TRIGGER on PostgreSQL, DROP TRIGGER on SQLite), that is the table owner's rights, or a
superuser's ``session_replication_role``. Whoever has those is caught by the hash chain and the
checkpoints outside the database (``congtam.audit.witness``). The test suite's flush takes that
same route, through ``congtam.audit.guards``, and only when the test settings ask for it.
"""

from django.db import migrations

POSTGRES_CREATE = """
CREATE OR REPLACE FUNCTION audit_refuse_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'the audit trail is append-only (TRUNCATE ' || TG_TABLE_NAME || ' refused)';
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION audit_chainhead_forward_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION USING MESSAGE = 'the audit chain head is never removed (DELETE refused)';
    END IF;
    IF NEW.id <> OLD.id OR NEW.seq <= OLD.seq THEN
        RAISE EXCEPTION USING MESSAGE = 'the audit chain head only moves forward (UPDATE refused)';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_auditentry;
CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();
DROP TRIGGER IF EXISTS audit_chainhead_no_truncate ON audit_chainhead;
CREATE TRIGGER audit_chainhead_no_truncate BEFORE TRUNCATE ON audit_chainhead
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();
DROP TRIGGER IF EXISTS audit_chainhead_forward_only ON audit_chainhead;
CREATE TRIGGER audit_chainhead_forward_only BEFORE UPDATE OR DELETE ON audit_chainhead
    FOR EACH ROW EXECUTE FUNCTION audit_chainhead_forward_only();
"""
POSTGRES_DROP = """
DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_auditentry;
DROP TRIGGER IF EXISTS audit_chainhead_no_truncate ON audit_chainhead;
DROP TRIGGER IF EXISTS audit_chainhead_forward_only ON audit_chainhead;
DROP FUNCTION IF EXISTS audit_refuse_truncate();
DROP FUNCTION IF EXISTS audit_chainhead_forward_only();
"""
# One statement each: congtam.audit.guards drops and re-creates them around the test suite's flush.
SQLITE_TRIGGERS = {
    "audit_entry_no_delete": """
CREATE TRIGGER IF NOT EXISTS audit_entry_no_delete BEFORE DELETE ON audit_auditentry
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only (DELETE refused)');
END;
""",
    "audit_chainhead_no_delete": """
CREATE TRIGGER IF NOT EXISTS audit_chainhead_no_delete BEFORE DELETE ON audit_chainhead
BEGIN
    SELECT RAISE(ABORT, 'the audit chain head is never removed (DELETE refused)');
END;
""",
    "audit_chainhead_forward_only": """
CREATE TRIGGER IF NOT EXISTS audit_chainhead_forward_only BEFORE UPDATE ON audit_chainhead
WHEN NEW.id <> OLD.id OR NEW.seq <= OLD.seq
BEGIN
    SELECT RAISE(ABORT, 'the audit chain head only moves forward (UPDATE refused)');
END;
""",
}


def create_guard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE)
    elif vendor == "sqlite":
        for statement in SQLITE_TRIGGERS.values():
            schema_editor.execute(statement)


def drop_guard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP)
    elif vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};")


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_chain_genesis")]

    operations = [migrations.RunPython(create_guard, drop_guard)]
