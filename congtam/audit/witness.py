"""A witness of the audit trail outside the database: keyed checkpoints appended to a file.

The hash chain shows an entry altered, removed or inserted, but not the last entries removed
together with the chain head moved back to the last one kept: what is left is a valid chain. So the
head's sequence number and hash are appended, with the time and an HMAC under the audit key, to a
file outside the database — after the commit that takes the trail past every
``CONGTAM_AUDIT_CHECKPOINT_EVERY``-th entry, on a schedule (Celery beat) and on demand
(``congtam audit-checkpoint``) — and ``congtam audit-verify`` compares the database with them.
Without the key a checkpoint cannot be forged or altered; keep the file where the database's
administrators cannot rewrite it (other storage, append-only, or copied off the host).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from congtam.audit.chain import audit_key

logger = logging.getLogger(__name__)

FORMAT = 1
_MAC_DOMAIN = "congtam.audit.checkpoint"  # a checkpoint's MAC can never pass for an entry's hash


@dataclass(frozen=True, slots=True)
class Checkpoint:
    seq: int
    hash: str
    at: datetime
    line: int = 0


@dataclass(frozen=True, slots=True)
class BadLine:
    line: int
    kind: str  # unreadable, forged
    seq: int | None = None


@dataclass(slots=True)
class CheckpointFile:
    path: Path | None
    exists: bool = False
    checkpoints: list[Checkpoint] | None = None
    bad_lines: list[BadLine] | None = None
    error: str = ""


def checkpoint_path() -> Path | None:
    """The checkpoint file, or None when checkpoints are turned off (the test settings do)."""
    value = getattr(settings, "CONGTAM_AUDIT_CHECKPOINT_FILE", None)
    return Path(value) if value else None


def checkpoint_every() -> int:
    return max(1, int(getattr(settings, "CONGTAM_AUDIT_CHECKPOINT_EVERY", 100)))


def _at_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _mac(*, seq: int, entry_hash: str, at_text: str, key: bytes) -> str:
    message = json.dumps([_MAC_DOMAIN, FORMAT, seq, entry_hash, at_text], separators=(",", ":"))
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def checkpoint_line(*, seq: int, entry_hash: str, at: datetime, key: bytes | None = None) -> str:
    at_text = _at_text(at)
    mac = _mac(seq=seq, entry_hash=entry_hash, at_text=at_text, key=key or audit_key())
    record = {"v": FORMAT, "seq": seq, "hash": entry_hash, "at": at_text, "mac": mac}
    return json.dumps(record, separators=(",", ":")) + "\n"


def checkpoint_write(*, seq: int, entry_hash: str, at: datetime | None = None) -> Checkpoint | None:
    """Append one checkpoint to the file, durably (O_APPEND, one write, fsync). Raises OSError."""
    path = checkpoint_path()
    if path is None:
        return None
    at = at or timezone.now()
    data = checkpoint_line(seq=seq, entry_hash=entry_hash, at=at).encode("utf-8")
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    created = not path.exists()
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        # One write of one short line: concurrent writers' lines never interleave.
        written = os.write(descriptor, data)
        if written != len(data):
            raise OSError(f"short write to {path} ({written} of {len(data)} bytes)")
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    if created:
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)  # the new file's name survives a crash too
        finally:
            os.close(directory)
    return Checkpoint(seq=seq, hash=entry_hash, at=at)


def _write_quietly(*, seq: int, entry_hash: str) -> None:
    """After commit: a checkpoint that cannot be written must never fail the user's request."""
    try:
        checkpoint_write(seq=seq, entry_hash=entry_hash)
    except Exception:
        logger.exception("Could not write the audit checkpoint of entry #%s to %s", seq, checkpoint_path())


def checkpoint_after_commit(*, previous_seq: int, seq: int, entry_hash: str) -> None:
    """Called by the audit service as the head moves from ``previous_seq`` to ``seq``: when that
    passes a multiple of the checkpoint interval, the new head is written once committed."""
    every = checkpoint_every()
    if checkpoint_path() is None or seq // every <= previous_seq // every:
        return
    transaction.on_commit(partial(_write_quietly, seq=seq, entry_hash=entry_hash), robust=True)


def checkpoint_head() -> Checkpoint | None:
    """A checkpoint of the chain's head as committed now (the command and the scheduled task);
    None when the trail is empty or checkpoints are turned off. Raises OSError."""
    from congtam.audit.models import ChainHead

    head = ChainHead.objects.filter(pk=1).values_list("seq", "hash").first()
    if head is None or head[0] == 0:
        return None
    return checkpoint_write(seq=head[0], entry_hash=head[1])


def checkpoints_read() -> CheckpointFile:
    """Every line of the checkpoint file, its key checked."""
    path = checkpoint_path()
    result = CheckpointFile(path=path, checkpoints=[], bad_lines=[])
    if path is None:
        return result
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return result
    except OSError as error:
        result.exists, result.error = True, str(error)
        return result
    result.exists = True
    key = audit_key()
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            checkpoint, bad = _parse(raw, number, key)
            if checkpoint is not None:
                result.checkpoints.append(checkpoint)
            else:
                result.bad_lines.append(bad)
    return result


def _parse(raw: bytes, number: int, key: bytes) -> tuple[Checkpoint | None, BadLine | None]:
    try:
        record = json.loads(raw)
        seq, entry_hash, at_text, mac = record["seq"], record["hash"], record["at"], record["mac"]
        if (
            record.get("v") != FORMAT
            or type(seq) is not int
            or not all(isinstance(value, str) for value in (entry_hash, at_text, mac))
        ):
            raise ValueError
        at = datetime.fromisoformat(at_text)
    except (ValueError, KeyError, TypeError):
        return None, BadLine(line=number, kind="unreadable")
    expected = _mac(seq=seq, entry_hash=entry_hash, at_text=at_text, key=key)
    if not hmac.compare_digest(expected, mac):
        return None, BadLine(line=number, kind="forged", seq=seq)
    return Checkpoint(seq=seq, hash=entry_hash, at=at, line=number), None
