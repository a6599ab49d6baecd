import json

from django.db import models


def canonical_json(value) -> str | None:
    """The one text form of a JSON value: sorted keys, no spaces, UTF-8 kept."""
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class CanonicalJSONField(models.TextField):
    """JSON kept as canonical text rather than in the database's JSON type.

    PostgreSQL's ``jsonb`` rewrites what it stores (key order, spacing); the audit trail hashes
    the stored text as it is, so verifying a million entries needs no JSON parsing at all. Python
    code still sees dictionaries."""

    def from_db_value(self, value, expression, connection):
        return None if value is None else json.loads(value)

    def to_python(self, value):
        if value is None or not isinstance(value, str):
            return value
        return json.loads(value)

    def get_prep_value(self, value):
        return canonical_json(value)
