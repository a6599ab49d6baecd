"""API tokens of source systems: random, shown once, kept only as a SHA-256 hash.

A token has 256 random bits, so a plain SHA-256 (no salt, no slow hash) is enough: nobody can
guess one from its hash, and the lookup at each request is one indexed equality."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "ct_"
DISPLAY_PREFIX_LENGTH = 10


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def display_prefix(token: str) -> str:
    """The start of a token, kept to recognise it in lists (never enough to use it)."""
    return token[:DISPLAY_PREFIX_LENGTH]
