"""Writing to the audit trail. Every service that changes something calls :func:`audit_record`
(or :func:`audit_record_many`) inside its own transaction."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection, models
from django.utils import timezone

from congtam.audit import events
from congtam.audit.chain import GENESIS_HASH, audit_key, entry_hash, jsonable
from congtam.audit.models import AuditEntry, ChainHead

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
    entries = audit_record_many(
        actor=actor,
        drafts=[AuditDraft(event=event, subject=subject, old=old, new=new, reason=reason)],
        actor_label=actor_label,
        action_id=action_id,
    )
    return entries[0]


def audit_record_many(
    *,
    actor,
    drafts: Sequence[AuditDraft] | Iterable[AuditDraft],
    actor_label: str | None = None,
    action_id: uuid.UUID | None = None,
) -> list[AuditEntry]:
    """Append several entries as one action (one import, one bulk change), taking the chain's
    lock once."""
    drafts = list(drafts)
    if not drafts:
        return []
    for draft in drafts:
        if not events.is_registered(draft.event):
            raise events.UnknownEvent(draft.event)
    head = _lock_head()
    actor_id, label = _actor_fields(actor, actor_label)
    action_id = action_id or uuid.uuid4()
    now = timezone.now()
    key = audit_key()
    seq, prev_hash = head.seq, head.hash
    entries = []
    for draft in drafts:
        seq += 1
        old = jsonable(draft.old)
        new = jsonable(draft.new)
        reason = draft.reason or ""
        digest = entry_hash(
            seq=seq,
            created_at=now,
            actor_id=actor_id,
            actor_label=label,
            event=draft.event,
            subject_type=draft.subject.type,
            subject_id=draft.subject.id,
            subject_label=draft.subject.label,
            old=old,
            new=new,
            reason=reason,
            action_id=action_id,
            prev_hash=prev_hash,
            key=key,
        )
        entries.append(
            AuditEntry(
                seq=seq,
                created_at=now,
                actor_id=actor_id,
                actor_label=label,
                event=draft.event,
                subject_type=draft.subject.type,
                subject_id=draft.subject.id,
                subject_label=draft.subject.label,
                old=old,
                new=new,
                reason=reason,
                action_id=action_id,
                prev_hash=prev_hash,
                hash=digest,
            )
        )
        prev_hash = digest
    AuditEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)
    ChainHead.objects.filter(pk=1).update(seq=seq, hash=prev_hash)
    return entries


def changed_fields(before: dict, after: dict) -> tuple[dict, dict]:
    """The old and new values of the fields that differ."""
    keys = [key for key in after if jsonable(before.get(key)) != jsonable(after.get(key))]
    return {key: before.get(key) for key in keys}, {key: after.get(key) for key in keys}
