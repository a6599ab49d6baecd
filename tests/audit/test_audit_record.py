import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from congtam.audit import events
from congtam.audit.chain import GENESIS_HASH
from congtam.audit.models import AuditEntry, ChainHead
from congtam.audit.services import AuditError, Subject, audit_record
from congtam.audit.verify import audit_verify

pytestmark = pytest.mark.django_db

SUBJECT = Subject(type="org.person", id="1", label="Nguyễn Văn An")


def _write(count=1, **extra):
    with transaction.atomic():
        for index in range(count):
            audit_record(
                actor=None, event="org.person.updated", subject=SUBJECT, old={"n": index}, new={"n": index + 1}, **extra
            )


def test_entries_chain_from_genesis():
    _write(3)
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [entry.seq for entry in entries] == [1, 2, 3]
    assert entries[0].prev_hash == GENESIS_HASH
    assert entries[1].prev_hash == entries[0].hash
    head = ChainHead.objects.get()
    assert (head.seq, head.hash) == (3, entries[2].hash)
    assert audit_verify().ok


def test_unknown_event_is_refused():
    with pytest.raises(events.UnknownEvent), transaction.atomic():
        audit_record(actor=None, event="org.person.renamed_typo", subject=SUBJECT)
    assert AuditEntry.objects.count() == 0


def test_an_entry_must_be_written_inside_the_change_transaction(settings):
    # pytest-django wraps each test in a transaction; leave it to see the refusal.
    atomic_was = connection.in_atomic_block
    connection.in_atomic_block = False
    try:
        with pytest.raises(AuditError):
            audit_record(actor=None, event="org.person.updated", subject=SUBJECT)
    finally:
        connection.in_atomic_block = atomic_was


def test_values_are_stored_as_json_and_verify(world):
    from datetime import date
    from decimal import Decimal

    with transaction.atomic():
        audit_record(
            actor=world.users["hr"],
            event="org.person.updated",
            subject=world.people["an"],
            old={"birth_date": date(1990, 1, 2), "score": Decimal("89.75")},
            new={"tags": ("a", "b")},
            reason="Sửa",
        )
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.old == {"birth_date": "1990-01-02", "score": "89.75"}
    assert entry.actor_label == "hoa"
    assert entry.subject_type == "org.person"
    assert audit_verify().ok


def test_database_refuses_to_update_an_entry():
    _write(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(seq=1).update(reason="rewritten")


def test_a_batch_writes_as_it_fills_under_one_action():
    from congtam.audit.services import AuditBatch

    with transaction.atomic():
        batch = AuditBatch(actor=None, actor_label="import", reason="Nhập tệp", size=2)
        for index in range(5):
            batch.add("org.person.updated", SUBJECT, old={"n": index}, new={"n": index + 1})
        assert AuditEntry.objects.count() == 4  # two full batches are written, one entry waits
        batch.flush()
        batch.flush()  # nothing left: writes nothing
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [entry.seq for entry in entries] == [1, 2, 3, 4, 5]
    assert {entry.action_id for entry in entries} == {batch.action_id}
    assert {entry.reason for entry in entries} == {"Nhập tệp"}
    assert {entry.actor_label for entry in entries} == {"import"}
    assert batch.written == 5
    assert audit_verify().ok
