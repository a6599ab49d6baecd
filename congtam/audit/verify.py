"""Checking the audit trail: ``congtam audit-verify``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils.translation import gettext as _

from congtam.audit.chain import GENESIS_HASH, audit_key, entry_hash
from congtam.audit.models import AuditEntry, ChainHead

CHUNK = 20_000
_COLUMNS = (
    "seq", "created_at", "actor_id", "actor_label", "event", "subject_type", "subject_id", "subject_label", "old",
    "new", "reason", "action_id", "prev_hash", "hash",
)


@dataclass(frozen=True, slots=True)
class Finding:
    seq: int
    kind: str  # altered, missing, inserted, broken_link
    message: str


@dataclass(slots=True)
class VerifyReport:
    checked: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def first_broken(self) -> Finding | None:
        return min(self.findings, key=lambda finding: finding.seq) if self.findings else None


def _stream_entries() -> Iterator[tuple]:
    """Every entry in chain order, as the database stores it, streamed (a million entries must
    not sit in memory at once): the stored text is what was hashed, so nothing is decoded."""
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    quoted = [connection.ops.quote_name(column) for column in _COLUMNS]
    if connection.vendor == "postgresql":
        # Text is much cheaper to fetch than timestamptz and uuid objects; the hash normalises both.
        quoted = [f"{name}::text" if column in ("created_at", "action_id") else name for column, name in zip(_COLUMNS, quoted, strict=True)]
    columns = ", ".join(quoted)
    sql = f"SELECT {columns} FROM {table} ORDER BY seq"
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        # A server-side cursor, which PostgreSQL keeps only inside a transaction.
        with transaction.atomic(), connection.connection.cursor(name="congtam_audit_verify") as cursor:
            cursor.itersize = CHUNK
            cursor.execute(sql)
            yield from cursor
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            while rows := cursor.fetchmany(CHUNK):
                yield from rows


def audit_verify(*, max_findings: int = 1000) -> VerifyReport:
    """Walk the whole chain in order and report every entry that was altered, removed or
    inserted behind the application's back."""
    report = VerifyReport()
    key = audit_key()
    expected_seq = 1
    prev_hash = GENESIS_HASH

    def add(seq: int, kind: str, message: str) -> None:
        if len(report.findings) < max_findings:
            report.findings.append(Finding(seq=seq, kind=kind, message=message))

    for (seq, created_at, actor_id, actor_label, event, subject_type, subject_id, subject_label,
         old_text, new_text, reason, action_id, stored_prev, stored_hash) in _stream_entries():
        report.checked += 1
        if seq > expected_seq:
            add(
                expected_seq,
                "missing",
                _("Entries #%(first)s to #%(last)s are missing (removed).") % {"first": expected_seq, "last": seq - 1},
            )
        elif seq < expected_seq:
            add(seq, "inserted", _("Entry #%(seq)s is out of sequence (inserted).") % {"seq": seq})
        if stored_prev != prev_hash:
            add(
                seq,
                "broken_link",
                _("Entry #%(seq)s does not follow the entry before it (an entry was removed or inserted).")
                % {"seq": seq},
            )
        recomputed = entry_hash(
            seq=seq, created_at=created_at, actor_id=actor_id, actor_label=actor_label, event=event,
            subject_type=subject_type, subject_id=subject_id, subject_label=subject_label, old_text=old_text,
            new_text=new_text, reason=reason, action_id=action_id, prev_hash=stored_prev, key=key,
        )
        if recomputed != stored_hash:
            add(seq, "altered", _("Entry #%(seq)s was altered after it was written.") % {"seq": seq})
        prev_hash = stored_hash
        expected_seq = max(expected_seq, seq + 1)

    head = ChainHead.objects.filter(pk=1).values_list("seq", "hash").first()
    head_seq, head_hash = head if head else (0, GENESIS_HASH)
    last_seq = expected_seq - 1
    if head_seq > last_seq:
        add(
            last_seq + 1,
            "missing",
            _("Entries #%(first)s to #%(last)s at the end of the trail are missing (removed).")
            % {"first": last_seq + 1, "last": head_seq},
        )
    elif head_seq < last_seq:
        add(head_seq + 1, "inserted", _("Entries after #%(seq)s were added behind the application's back.") % {"seq": head_seq})
    elif head_hash != prev_hash:
        add(last_seq, "altered", _("The last entry, #%(seq)s, does not match the chain's head.") % {"seq": last_seq})
    return report
