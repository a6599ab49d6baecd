"""Tampering behind the application's back — straight SQL, triggers dropped as an attacker with
database rights would — must be caught, naming the first broken entry."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from congtam.audit.models import AuditEntry
from congtam.audit.services import Subject, audit_record
from congtam.audit.verify import audit_verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail():
    with transaction.atomic():
        for index in range(10):
            audit_record(
                actor=None,
                event="org.person.updated",
                subject=Subject("org.person", str(index), f"Người {index}"),
                old={"unit": "A"},
                new={"unit": "B"},
                reason=f"Lý do {index}",
            )
    return list(AuditEntry.objects.order_by("seq"))


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_entry_no_delete")
        cursor.execute(sql, params)


def _kinds(report):
    return {(finding.seq, finding.kind) for finding in report.findings}


def test_intact_trail_verifies_with_exit_zero(trail):
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "10" in out.getvalue()


def test_altered_entry_is_caught(trail):
    _raw("UPDATE audit_auditentry SET reason = %s WHERE seq = 4", ["Đã sửa"])
    report = audit_verify()
    assert not report.ok
    assert report.first_broken.seq == 4
    assert (4, "altered") in _kinds(report)


def test_altered_json_value_is_caught(trail):
    new_value = '{"unit": "C"}'
    _raw("UPDATE audit_auditentry SET new = %s WHERE seq = 7", [new_value])
    assert audit_verify().first_broken.seq == 7


def test_deleted_entry_is_caught(trail):
    _raw("DELETE FROM audit_auditentry WHERE seq = 5")
    report = audit_verify()
    assert report.first_broken.seq == 5
    assert (5, "missing") in _kinds(report)


def test_deleted_last_entries_are_caught(trail):
    _raw("DELETE FROM audit_auditentry WHERE seq >= 9")
    report = audit_verify()
    assert report.first_broken.seq == 9


def test_inserted_entry_is_caught(trail):
    last = trail[-1]
    _raw(
        "INSERT INTO audit_auditentry (seq, created_at, actor_id, actor_label, event, subject_type, subject_id,"
        " subject_label, old, new, reason, action_id, prev_hash, hash)"
        " VALUES (11, %s, NULL, 'ke gian', 'org.person.updated', 'org.person', '99', 'X', NULL, NULL, '', %s, %s, %s)",
        [
            last.created_at,
            last.action_id.hex if connection.vendor == "sqlite" else str(last.action_id),
            last.hash,
            "f" * 64,
        ],
    )
    report = audit_verify()
    assert report.first_broken.seq == 11
    assert not report.ok


def test_entry_renumbered_into_a_gap_is_caught(trail):
    _raw("DELETE FROM audit_auditentry WHERE seq = 3")
    _raw("UPDATE audit_auditentry SET seq = 3 WHERE seq = 10")
    report = audit_verify()
    assert report.first_broken.seq == 3


def test_command_exits_non_zero_naming_the_first_broken_entry(trail):
    _raw("UPDATE audit_auditentry SET actor_label = 'nguoi-khac' WHERE seq = 2")
    _raw("UPDATE audit_auditentry SET reason = 'x' WHERE seq = 8")
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("audit_verify", stderr=err)
    assert "#2" in str(raised.value)
    assert "#8" in err.getvalue()
