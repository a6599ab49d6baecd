"""The hash chain of the audit trail.

Each entry's hash is an HMAC-SHA256, keyed by the installation's audit key (kept outside the
database), over the entry's content and the previous entry's hash. Someone who can write to the
database but does not hold the key cannot alter, remove or insert an entry, nor recompute the
chain after doing so, without ``congtam audit-verify`` noticing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache

from django.conf import settings

GENESIS_HASH = "0" * 64


@lru_cache(maxsize=4)
def _key_bytes(key: str) -> bytes:
    return key.encode("utf-8")


def audit_key() -> bytes:
    return _key_bytes(settings.CONGTAM_AUDIT_KEY)


def jsonable(value):
    """Values as JSON keeps them, so that what is hashed is exactly what is read back."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        # Floats do not round-trip reliably through every database's JSON type.
        return str(Decimal(repr(value)))
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [jsonable(item) for item in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    return str(value)


@lru_cache(maxsize=64)
def timestamp_text(moment: datetime | str) -> str:
    """UTC time with microseconds, whatever form the database returned it in (SQLite gives text,
    PostgreSQL an aware datetime)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


@lru_cache(maxsize=64)
def uuid_text(value) -> str:
    """32 hex digits (SQLite stores UUIDs so; PostgreSQL returns uuid.UUID)."""
    return value.hex if isinstance(value, uuid.UUID) else str(value).replace("-", "")


def entry_hash(
    *,
    seq: int,
    created_at: datetime | str,
    actor_id: int | None,
    actor_label: str,
    event: str,
    subject_type: str,
    subject_id: str,
    subject_label: str,
    old_text: str | None,
    new_text: str | None,
    reason: str,
    action_id,
    prev_hash: str,
    key: bytes | None = None,
) -> str:
    """HMAC-SHA256 over the entry's fields and the previous entry's hash. ``old_text`` and
    ``new_text`` are the canonical JSON texts as stored (see :func:`fields.canonical_json`)."""
    head = json.dumps(
        [
            seq,
            timestamp_text(created_at),
            actor_id,
            actor_label,
            event,
            subject_type,
            subject_id,
            subject_label,
            reason,
            uuid_text(action_id),
            prev_hash,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    content = f"{head}\n{old_text or 'null'}\n{new_text or 'null'}"
    mac = _keyed_mac(key or audit_key()).copy()
    mac.update(content.encode("utf-8"))
    return mac.hexdigest()


@lru_cache(maxsize=4)
def _keyed_mac(key: bytes) -> hmac.HMAC:
    """The HMAC state after the key: copying it is cheaper than keying a new one per entry."""
    return hmac.new(key, digestmod=hashlib.sha256)
