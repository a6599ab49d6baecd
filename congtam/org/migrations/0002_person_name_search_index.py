"""Indexes for searching people by name anywhere in the name (``LIKE '% nguyen van%'``), which a
B-tree cannot serve: a trigram GIN index on PostgreSQL (pg_trgm), an FTS5 trigram table kept in
step by triggers on SQLite. Neither is a model index, since each exists on one database only."""

from django.db import migrations

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS org_person_search_trgm ON org_person USING gin (search_name gin_trgm_ops)",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS org_person_search_trgm"]

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS org_person_search USING fts5("
    "search_name, content='org_person', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS org_person_search_insert AFTER INSERT ON org_person BEGIN "
    "INSERT INTO org_person_search(rowid, search_name) VALUES (new.id, new.search_name); END",
    "CREATE TRIGGER IF NOT EXISTS org_person_search_delete AFTER DELETE ON org_person BEGIN "
    "INSERT INTO org_person_search(org_person_search, rowid, search_name) VALUES ('delete', old.id, old.search_name); END",
    "CREATE TRIGGER IF NOT EXISTS org_person_search_update AFTER UPDATE OF search_name ON org_person BEGIN "
    "INSERT INTO org_person_search(org_person_search, rowid, search_name) VALUES ('delete', old.id, old.search_name); "
    "INSERT INTO org_person_search(rowid, search_name) VALUES (new.id, new.search_name); END",
    "INSERT INTO org_person_search(org_person_search) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS org_person_search_insert",
    "DROP TRIGGER IF EXISTS org_person_search_delete",
    "DROP TRIGGER IF EXISTS org_person_search_update",
    "DROP TABLE IF EXISTS org_person_search",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
