"""The username django-axes records for a sign-in attempt: what was typed, cut to what the
attempt's table holds (255 characters). A 200,000-character "username" posted to a sign-in form
made PostgreSQL refuse the row, and the sign-in page answer 500."""

from __future__ import annotations

# axes' AccessAttempt, AccessLog and AccessFailureLog keep the username in a CharField(255).
RECORDED_LENGTH = 255


def attempted_username(request, credentials: dict | None = None) -> str | None:
    username = credentials.get("username") if credentials else getattr(request, "data", request.POST).get("username")
    if username is None:
        return None
    return str(username)[:RECORDED_LENGTH]
