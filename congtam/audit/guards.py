"""The one way the test suite gets past the audit trail's database guards.

Django's flush — run after every transactional test — empties every table: with TRUNCATE on
PostgreSQL and DELETE on SQLite, both of which the guards of migrations ``0002`` and ``0004`` refuse
on the audit tables. With ``CONGTAM_AUDIT_FLUSH_LIFTS_GUARDS = True`` (the test settings, never the
product's) the flush lifts the guards around its own statements, in its own transaction:
``ALTER TABLE … DISABLE/ENABLE TRIGGER USER`` on PostgreSQL, DROP and CREATE TRIGGER on SQLite.

Why so, rather than a switch the triggers read (a session variable, a flag row): anything a
session can set, the application's own connection can set too, and then the guard guards nothing.
Altering a table's triggers takes its owner's rights, which whoever holds them has anyway; that is
why the trail also has its hash chain and its checkpoints outside the database.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.db import connections

GUARDED_TABLES = ("audit_auditentry", "audit_chainhead")
_GUARD_MIGRATION = "congtam.audit.migrations.0004_refuse_truncate_and_delete"


def install_flush_hatch_if_asked() -> None:
    if not getattr(settings, "CONGTAM_AUDIT_FLUSH_LIFTS_GUARDS", False):
        return
    for alias in connections:
        _wrap_sql_flush(type(connections[alias].ops))


def _wrap_sql_flush(operations_class) -> None:
    if getattr(operations_class, "_congtam_audit_flush_hatch", False):
        return
    original = operations_class.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        guarded = [table for table in GUARDED_TABLES if table in tables]
        if not statements or not guarded:
            return statements
        lift, restore = _lift_and_restore(self, guarded)
        return [*lift, *statements, *restore]

    operations_class.sql_flush = sql_flush
    operations_class._congtam_audit_flush_hatch = True


def _lift_and_restore(operations, tables: list[str]) -> tuple[list[str], list[str]]:
    vendor = operations.connection.vendor
    if vendor == "postgresql":
        quoted = [operations.quote_name(table) for table in tables]
        return (
            [f"ALTER TABLE {table} DISABLE TRIGGER USER;" for table in quoted],
            # Also puts back a trigger a test disabled on purpose, as the next test expects.
            [f"ALTER TABLE {table} ENABLE TRIGGER USER;" for table in quoted],
        )
    if vendor == "sqlite":
        triggers = import_module(_GUARD_MIGRATION).SQLITE_TRIGGERS
        return (
            [f"DROP TRIGGER IF EXISTS {name};" for name in triggers],
            [statement.strip() for statement in triggers.values()],
        )
    return [], []
