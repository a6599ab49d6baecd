"""The audit trail's witness outside the database (failure 11 of the hardening issue): the last
entries removed with the chain head moved back, or everything removed, are caught by the keyed
checkpoints in a file; the database itself refuses TRUNCATE (PostgreSQL), DELETE (SQLite) and a
head moved back; a forged checkpoint is named."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import translation

from congtam.audit import witness
from congtam.audit.models import AuditEntry, ChainHead
from congtam.audit.services import Subject, audit_record
from congtam.audit.verify import audit_verify

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def checkpoints(tmp_path, settings):
    settings.CONGTAM_AUDIT_CHECKPOINT_FILE = str(tmp_path / "witness" / "checkpoints.log")
    settings.CONGTAM_AUDIT_CHECKPOINT_EVERY = 5
    return tmp_path / "witness" / "checkpoints.log"


def _write(count: int, django_capture_on_commit_callbacks) -> None:
    for index in range(count):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            audit_record(
                actor=None,
                event="org.person.updated",
                subject=Subject("org.person", str(index), f"N {index}"),
                new={"unit": "B"},
                reason=f"Lý do {index}",
            )


def _as_the_attacker(*statements):
    """Straight SQL with the table owner's rights: the guards lifted first, as they would be."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
            cursor.execute("ALTER TABLE audit_chainhead DISABLE TRIGGER USER")
        else:
            for name in (
                "audit_entry_no_update",
                "audit_entry_no_delete",
                "audit_chainhead_no_delete",
                "audit_chainhead_forward_only",
            ):
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        for statement, params in statements:
            cursor.execute(statement, params)


def _cut_tail_to(seq: int) -> None:
    kept = AuditEntry.objects.get(seq=seq).hash
    _as_the_attacker(
        ("DELETE FROM audit_auditentry WHERE seq > %s", [seq]),
        ("UPDATE audit_chainhead SET seq = %s, hash = %s WHERE id = 1", [seq, kept]),
    )


def _lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_checkpoint_is_written_every_n_entries_once_committed(checkpoints, django_capture_on_commit_callbacks):
    _write(12, django_capture_on_commit_callbacks)
    lines = _lines(checkpoints)
    assert [line["seq"] for line in lines] == [5, 10]
    head = AuditEntry.objects.get(seq=10)
    assert lines[1]["hash"] == head.hash and len(lines[1]["mac"]) == 64
    assert checkpoints.stat().st_mode & 0o777 == 0o600


def test_nothing_is_written_for_a_transaction_rolled_back(checkpoints, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        for index in range(6):
            audit_record(actor=None, event="org.person.updated", subject=Subject("org.person", str(index), "N"))
        raise RuntimeError("rolled back")
    assert not checkpoints.exists()


def test_the_tail_cut_with_the_head_moved_back_is_named(checkpoints, django_capture_on_commit_callbacks):
    _write(12, django_capture_on_commit_callbacks)
    call_command("audit_checkpoint", stdout=io.StringIO())  # the scheduled one: entry 12
    _cut_tail_to(7)
    report = audit_verify()
    assert not report.ok
    (finding,) = [finding for finding in report.findings if finding.kind == "missing_tail"]
    assert finding.seq == 8
    assert "records entry no. 12" in finding.message and "up to entry no. 7" in finding.message
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("audit_verify", stdout=io.StringIO(), stderr=err)
    assert "The end of the trail is missing" in err.getvalue()


def test_everything_removed_is_no_longer_an_empty_intact_trail(checkpoints, django_capture_on_commit_callbacks):
    _write(6, django_capture_on_commit_callbacks)
    _as_the_attacker(("DELETE FROM audit_auditentry", []), ("DELETE FROM audit_chainhead", []))
    report = audit_verify()
    assert not report.ok
    assert any("holds no entry at all" in finding.message for finding in report.findings)


def test_a_forged_checkpoint_is_named(checkpoints, django_capture_on_commit_callbacks):
    _write(5, django_capture_on_commit_callbacks)
    forged = _lines(checkpoints)[0] | {"seq": 3}
    with checkpoints.open("a") as handle:
        handle.write(json.dumps(forged) + "\n")
    report = audit_verify()
    assert [finding.kind for finding in report.findings] == ["checkpoint_forged"]
    assert "Line 2" in report.findings[0].message


def test_an_entry_replaced_under_a_checkpoint_is_named(checkpoints, django_capture_on_commit_callbacks):
    _write(5, django_capture_on_commit_callbacks)
    line = witness.checkpoint_line(seq=5, entry_hash="0" * 64, at=AuditEntry.objects.get(seq=5).created_at)
    with checkpoints.open("a") as handle:
        handle.write(line)
    report = audit_verify()
    assert (5, "replaced") in {(finding.seq, finding.kind) for finding in report.findings}


def test_an_intact_trail_matches_its_checkpoints(checkpoints, django_capture_on_commit_callbacks):
    _write(11, django_capture_on_commit_callbacks)
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "2 checkpoints outside the database match it." in out.getvalue()


def test_without_a_checkpoint_file_the_command_warns(checkpoints, django_capture_on_commit_callbacks):
    _write(3, django_capture_on_commit_callbacks)
    err = io.StringIO()
    call_command("audit_verify", stdout=io.StringIO(), stderr=err)
    assert "There is no checkpoint file" in err.getvalue()


def test_the_checkpoint_is_scheduled(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["audit-checkpoint"]
    assert schedule["task"] == "congtam.audit.tasks.write_checkpoint"


def test_the_scheduled_task_writes_the_head(checkpoints, django_capture_on_commit_callbacks):
    from congtam.audit.tasks import write_checkpoint

    _write(3, django_capture_on_commit_callbacks)
    assert write_checkpoint() == 3
    assert _lines(checkpoints)[-1]["seq"] == 3


# --- the database's own guards -----------------------------------------------------------------
def test_the_database_refuses_to_delete_an_entry(django_capture_on_commit_callbacks):
    _write(2, django_capture_on_commit_callbacks)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(seq=2).delete()


def test_the_database_refuses_to_move_the_head_back_or_remove_it(django_capture_on_commit_callbacks):
    _write(2, django_capture_on_commit_callbacks)
    with pytest.raises(DatabaseError), transaction.atomic():
        ChainHead.objects.filter(pk=1).update(seq=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        ChainHead.objects.filter(pk=1).delete()


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="SQLite has no TRUNCATE")
def test_postgresql_refuses_truncate(django_capture_on_commit_callbacks):
    _write(2, django_capture_on_commit_callbacks)
    for table in ("audit_auditentry", "audit_chainhead"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {table} CASCADE")
    assert AuditEntry.objects.count() == 2
