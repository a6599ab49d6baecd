"""Checking the audit trail: ``congtam audit-verify``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from congtam.audit import witness
from congtam.audit.chain import GENESIS_HASH, audit_key, entry_hash
from congtam.audit.models import AuditEntry, ChainHead

CHUNK = 20_000
_COLUMNS = (
    "seq",
    "created_at",
    "actor_id",
    "actor_label",
    "event",
    "subject_type",
    "subject_id",
    "subject_label",
    "old",
    "new",
    "reason",
    "action_id",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True, slots=True)
class Finding:
    seq: int  # 0 for a problem of the checkpoint file itself
    kind: (
        str  # altered, missing, inserted, broken_link, missing_tail, replaced, checkpoint_forged, checkpoint_unreadable
    )
    message: str


@dataclass(slots=True)
class VerifyReport:
    checked: int = 0
    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    checkpoints_matched: int = 0

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def first_broken(self) -> Finding | None:
        """The first broken entry; None when only the checkpoint file is at fault."""
        entries = [finding for finding in self.findings if finding.seq > 0]
        return min(entries, key=lambda finding: finding.seq) if entries else None


def _stream_entries() -> Iterator[tuple]:
    """Every entry in chain order, as the database stores it, streamed (a million entries must
    not sit in memory at once): the stored text is what was hashed, so nothing is decoded."""
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    quoted = [connection.ops.quote_name(column) for column in _COLUMNS]
    if connection.vendor == "postgresql":
        # Text is much cheaper to fetch than timestamptz and uuid objects; the hash normalises both.
        quoted = [
            f"{name}::text" if column in ("created_at", "action_id") else name
            for column, name in zip(_COLUMNS, quoted, strict=True)
        ]
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


def _number(value: int) -> str:
    return formats.number_format(value, force_grouping=True)


def _moment(checkpoint: witness.Checkpoint) -> str:
    return formats.date_format(timezone.localtime(checkpoint.at), "DATETIME_FORMAT")


def audit_verify(*, max_findings: int = 1000) -> VerifyReport:
    """Walk the whole chain in order and report every entry that was altered, removed or
    inserted behind the application's back, then compare what is left with the checkpoints kept
    outside the database (which alone show the last entries removed with the head moved back)."""
    report = VerifyReport()
    checkpoint_file = witness.checkpoints_read()
    checkpoints_at: dict[int, list[witness.Checkpoint]] = {}
    for checkpoint in checkpoint_file.checkpoints or ():
        checkpoints_at.setdefault(checkpoint.seq, []).append(checkpoint)
    seen_checkpointed: set[int] = set()
    key = audit_key()
    expected_seq = 1
    prev_hash = GENESIS_HASH

    def add(seq: int, kind: str, message: str) -> None:
        if len(report.findings) < max_findings:
            report.findings.append(Finding(seq=seq, kind=kind, message=message))

    for (
        seq,
        created_at,
        actor_id,
        actor_label,
        event,
        subject_type,
        subject_id,
        subject_label,
        old_text,
        new_text,
        reason,
        action_id,
        stored_prev,
        stored_hash,
    ) in _stream_entries():
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
            seq=seq,
            created_at=created_at,
            actor_id=actor_id,
            actor_label=actor_label,
            event=event,
            subject_type=subject_type,
            subject_id=subject_id,
            subject_label=subject_label,
            old_text=old_text,
            new_text=new_text,
            reason=reason,
            action_id=action_id,
            prev_hash=stored_prev,
            key=key,
        )
        if recomputed != stored_hash:
            add(seq, "altered", _("Entry #%(seq)s was altered after it was written.") % {"seq": seq})
        if seq in checkpoints_at:
            seen_checkpointed.add(seq)
            for checkpoint in checkpoints_at[seq]:
                if checkpoint.hash == stored_hash:
                    report.checkpoints_matched += 1
                else:
                    add(
                        seq,
                        "replaced",
                        _(
                            "Entry no. %(seq)s is not the one the checkpoint of %(time)s recorded: the entries from "
                            "there on were replaced."
                        )
                        % {"seq": _number(seq), "time": _moment(checkpoint)},
                    )
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
        add(
            head_seq + 1,
            "inserted",
            _("Entries after #%(seq)s were added behind the application's back.") % {"seq": head_seq},
        )
    elif head_hash != prev_hash:
        add(last_seq, "altered", _("The last entry, #%(seq)s, does not match the chain's head.") % {"seq": last_seq})
    _compare_with_checkpoints(report, add, checkpoint_file, checkpoints_at, seen_checkpointed, last_seq)
    return report


def _compare_with_checkpoints(report, add, checkpoint_file, checkpoints_at, seen_checkpointed, last_seq) -> None:
    path = str(checkpoint_file.path)
    if checkpoint_file.error:
        add(
            0,
            "checkpoint_unreadable",
            _("The checkpoint file %(file)s cannot be read: %(error)s")
            % {"file": path, "error": checkpoint_file.error},
        )
        return
    for bad in checkpoint_file.bad_lines or ():
        if bad.kind == "forged":
            message = _(
                "Line %(line)s of the checkpoint file %(file)s was altered or forged: its key does not match."
            ) % {"line": bad.line, "file": path}
        else:
            message = _("Line %(line)s of the checkpoint file %(file)s cannot be read.") % {
                "line": bad.line,
                "file": path,
            }
        add(0, f"checkpoint_{bad.kind}", message)
    beyond = [seq for seq in checkpoints_at if seq > last_seq]
    if beyond:
        checkpoint = max(checkpoints_at[max(beyond)], key=lambda checkpoint: checkpoint.at)
        values = {"time": _moment(checkpoint), "checkpoint_seq": _number(checkpoint.seq), "last_seq": _number(last_seq)}
        if last_seq:
            message = (
                _(
                    "The end of the trail is missing: the checkpoint of %(time)s records entry no. "
                    "%(checkpoint_seq)s, the database only goes up to entry no. %(last_seq)s."
                )
                % values
            )
        else:
            message = (
                _(
                    "The end of the trail is missing: the checkpoint of %(time)s records entry no. "
                    "%(checkpoint_seq)s, the database holds no entry at all."
                )
                % values
            )
        add(last_seq + 1, "missing_tail", message)
    for seq in sorted(set(checkpoints_at) - seen_checkpointed - set(beyond)):
        checkpoint = checkpoints_at[seq][0]
        add(
            seq,
            "missing",
            _("Entry no. %(seq)s, recorded by the checkpoint of %(time)s, is missing from the database.")
            % {"seq": _number(seq), "time": _moment(checkpoint)},
        )
    if checkpoint_file.path is None:
        report.warnings.append(
            _(
                "Checkpoints are turned off (CONGTAM_AUDIT_CHECKPOINT_FILE is empty): there is nothing to compare "
                "the database with, so entries removed from the end of the trail cannot be detected."
            )
        )
    elif not checkpoints_at and not checkpoint_file.bad_lines:
        template = (
            _(
                "The checkpoint file %(file)s holds no checkpoint yet: there is nothing to compare the database with, "
                "so entries removed from the end of the trail cannot be detected."
            )
            if checkpoint_file.exists
            else _(
                "There is no checkpoint file (%(file)s): there is nothing to compare the database with, so "
                "entries removed from the end of the trail cannot be detected."
            )
        )
        report.warnings.append(template % {"file": path})
