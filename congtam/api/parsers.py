"""The API's JSON parser: DRF's, refusing what is JSON but no input of ours.

- Nesting deeper than :data:`MAX_DEPTH` (the deepest body the API takes has three levels):
  Python's parser would otherwise recurse until ``RecursionError``.
- A lone UTF-16 surrogate (``"\\ud800"``): valid JSON, but not a character; it cannot be written
  to the database, nor even into the answer.
- The NUL character (``"\\u0000"``): PostgreSQL cannot store it in text.

Each is answered 400 with a message that says where (``items[3].name``)."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from rest_framework.parsers import JSONParser

from congtam.api.exceptions import UnreadableBody

MAX_DEPTH = 16
_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")


def forbidden_character_message(text: str, where: str) -> str | None:
    """Why ``text`` (found at ``where``) cannot be taken, or None when it can."""
    found = _FORBIDDEN.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return _("The text at %(where)s contains the NUL character (\\u0000), which is not allowed.") % {"where": where}
    return _(
        "The text at %(where)s contains a lone surrogate (%(code)s), which is not a character: send the text as "
        "valid Unicode."
    ) % {"where": where, "code": f"\\u{ord(found.group()):04x}"}


def _where(path: tuple) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text or _("the top level")


def check_json(data) -> None:
    """Raise :class:`UnreadableBody` when ``data`` nests too deeply or holds a forbidden character."""
    stack = [(data, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            message = forbidden_character_message(value, _where(path))
            if message:
                raise UnreadableBody(message)
        elif isinstance(value, (dict, list)):
            if len(path) >= MAX_DEPTH:
                raise UnreadableBody(
                    _("The JSON is nested too deeply: at most %(limit)d levels.") % {"limit": MAX_DEPTH}
                )
            if isinstance(value, dict):
                for key, item in value.items():
                    message = forbidden_character_message(key, _where(path))
                    if message:
                        raise UnreadableBody(message)
                    stack.append((item, (*path, key)))
            else:
                stack.extend((item, (*path, index)) for index, item in enumerate(value))


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise UnreadableBody(
                _("The JSON is nested too deeply: at most %(limit)d levels.") % {"limit": MAX_DEPTH}
            ) from None
        check_json(data)
        return data
