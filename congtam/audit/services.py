"""Writing to the audit trail. Every service that changes something calls :func:`audit_record`
(or :func:`audit_record_many`) inside its own transaction."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection, models
from django.utils import timezone

from congtam.audit import events, witness
from congtam.audit.chain import GENESIS_HASH, audit_key, entry_hash, jsonable
from congtam.audit.fields import canonical_json
from congtam.audit.models import AuditEntry, ChainHead
from congtam.core.bulk import copy_into

SYSTEM_ACTOR_LABEL = "system"
BATCH_SIZE = 2000


class AuditError(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class Subject:
    type: str
    id: str
    label: str = ""

    @classmethod
    def of(cls, instance: models.Model) -> Subject:
        return cls(type=instance._meta.label_lower, id=str(instance.pk), label=str(instance)[:300])


@dataclass(slots=True)
class AuditDraft:
    """An entry to be written; the chain fields are filled in when it is."""

    event: str
    subject: Subject
    old: dict | None = None
    new: dict | None = None
    reason: str = ""
    extra: dict = field(default_factory=dict)


def _actor_fields(actor, actor_label: str | None) -> tuple[int | None, str]:
    if actor is None:
        return None, actor_label or SYSTEM_ACTOR_LABEL
    label = actor_label or actor.get_username()
    return actor.pk, label[:200]


def _lock_head() -> ChainHead:
    if not connection.in_atomic_block:
        raise AuditError("An audit entry must be written inside the transaction of its change.")
    head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS_HASH})
    return head


def audit_record(
    *,
    actor,
    event: str,
    subject: Subject | models.Model,
    old: dict | None = None,
    new: dict | None = None,
    reason: str = "",
    actor_label: str | None = None,
    action_id: uuid.UUID | None = None,
) -> AuditEntry:
    """Append one entry to the chain, in the caller's transaction."""
    if not isinstance(subject, Subject):
        subject = Subject.of(subject)
    audit_record_many(
        actor=actor,
        drafts=[AuditDraft(event=event, subject=subject, old=old, new=new, reason=reason)],
        actor_label=actor_label,
        action_id=action_id,
    )
    return AuditEntry.objects.get(seq=ChainHead.objects.get(pk=1).seq)


def audit_record_many(
    *,
    actor,
    drafts: Sequence[AuditDraft] | Iterable[AuditDraft],
    actor_label: str | None = None,
    action_id: uuid.UUID | None = None,
) -> int:
    """Append several entries as one action (one import, one bulk change), taking the chain's
    lock once. Returns how many were written."""
    drafts = list(drafts)
    if not drafts:
        return 0
    for draft in drafts:
        if not events.is_registered(draft.event):
            raise events.UnknownEvent(draft.event)
    head = _lock_head()
    actor_id, label = _actor_fields(actor, actor_label)
    action_id = action_id or uuid.uuid4()
    now = timezone.now()
    key = audit_key()
    seq, prev_hash = head.seq, head.hash
    rows = []
    for draft in drafts:
        seq += 1
        old_text, new_text = canonical_json(jsonable(draft.old)), canonical_json(jsonable(draft.new))
        reason = draft.reason or ""
        subject = draft.subject
        digest = entry_hash(
            seq=seq,
            created_at=now,
            actor_id=actor_id,
            actor_label=label,
            event=draft.event,
            subject_type=subject.type,
            subject_id=subject.id,
            subject_label=subject.label,
            old_text=old_text,
            new_text=new_text,
            reason=reason,
            action_id=action_id,
            prev_hash=prev_hash,
            key=key,
        )
        rows.append(
            (
                seq,
                actor_id,
                label,
                draft.event,
                subject.type,
                subject.id,
                subject.label,
                old_text,
                new_text,
                reason,
                prev_hash,
                digest,
            )
        )
        prev_hash = digest
    _insert_rows(rows, created_at=now, action_id=action_id)
    ChainHead.objects.filter(pk=1).update(seq=seq, hash=prev_hash)
    witness.checkpoint_after_commit(previous_seq=head.seq, seq=seq, entry_hash=prev_hash)
    return len(rows)


class AuditBatch:
    """The entries of one action written in batches as they accumulate (an import writes one per
    changed row): every entry shares the action's id, and the chain's lock is taken once per batch
    of :data:`BATCH_SIZE`. Call :meth:`flush` at the end, inside the action's transaction."""

    def __init__(self, *, actor, actor_label: str | None = None, reason: str = "", size: int = BATCH_SIZE):
        self.actor = actor
        self.actor_label = actor_label
        self.reason = reason
        self.size = size
        self.action_id = uuid.uuid4()
        self.drafts: list[AuditDraft] = []
        self.written = 0

    def add(self, event: str, subject: Subject, *, old: dict | None = None, new: dict | None = None) -> None:
        self.drafts.append(AuditDraft(event=event, subject=subject, old=old, new=new, reason=self.reason))
        if len(self.drafts) >= self.size:
            self.flush()

    def flush(self) -> None:
        if self.drafts:
            self.written += audit_record_many(
                actor=self.actor, drafts=self.drafts, actor_label=self.actor_label, action_id=self.action_id
            )
            self.drafts = []


_INSERT_COLUMNS = (
    "seq",
    "actor_id",
    "actor_label",
    "event",
    "subject_type",
    "subject_id",
    "subject_label",
    "old",
    "new",
    "reason",
    "prev_hash",
    "hash",
    "created_at",
    "action_id",
)


def _insert_rows(rows: list[tuple], *, created_at, action_id) -> None:
    """Bulk insert without the ORM, whose per-field preparation costs more than the hashing (an
    import writes one entry per changed row): PostgreSQL's COPY, SQLite's executemany."""
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    names = [connection.ops.quote_name(column) for column in _INSERT_COLUMNS]
    columns = ", ".join(names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            copy_into(cursor, table, names, ((*row, created_at, action_id) for row in rows))
            return
        created_db = AuditEntry._meta.get_field("created_at").get_db_prep_value(created_at, connection)
        action_db = AuditEntry._meta.get_field("action_id").get_db_prep_value(action_id, connection)
        placeholders = ", ".join(["%s"] * len(_INSERT_COLUMNS))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
        for first in range(0, len(rows), BATCH_SIZE):
            cursor.executemany(sql, [(*row, created_db, action_db) for row in rows[first : first + BATCH_SIZE]])


def changed_fields(before: dict, after: dict) -> tuple[dict, dict]:
    """The old and new values of the fields that differ."""
    keys = [key for key in after if jsonable(before.get(key)) != jsonable(after.get(key))]
    return {key: before.get(key) for key in keys}, {key: after.get(key) for key in keys}
