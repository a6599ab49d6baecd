"""Reading the JSON of work items into :class:`~congtam.monitoring.bulk.ItemInput`, every problem named
by its item and field.

Plain Python rather than a DRF serializer per item: a serializer costs tens of microseconds per
field, which for a batch of 5,000 items is most of the time the whole call may take. The DRF
serializers in :mod:`congtam.api.serializers` describe the same fields for the OpenAPI schema."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from congtam.core.spreadsheets import fast_clean_text
from congtam.monitoring.bulk import BatchIssue, ItemInput
from congtam.monitoring.period_keys import parse_period_key
from congtam.monitoring.services import parse_factor

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LINK = URLValidator(schemes=["http", "https"])

# JSON field -> longest text accepted.
TEXT_FIELDS = {
    "staff_code": 50,
    "catalogue_code": 50,
    "name": 500,
    "reason": 2000,
    "note": 5000,
    "document": 1000,
    "document_description": 500,
}
ITEM_FIELDS = frozenset({"source_id", "period", "factor", "due_on", "completed_on", *TEXT_FIELDS})
COMPLETION_FIELDS = frozenset({"completed_on", "note"})
DOCUMENT_FIELDS = frozenset({"link", "description"})


class _Reader:
    def __init__(self, index, data: dict, issues: list[BatchIssue]):
        self.index = index
        self.data = data
        self.issues = issues
        self.bad: set[str] = set()

    def issue(self, field: str, message: str) -> None:
        self.bad.add(field)
        self.issues.append(BatchIssue(self.index, field, message))

    def text(self, field: str, limit: int) -> str | None:
        value = self.data.get(field)
        if value is None:
            return None
        if not isinstance(value, str):
            self.issue(field, _("Must be text."))
            return None
        value = fast_clean_text(value)
        if len(value) > limit:
            self.issue(
                field,
                _("At most %(limit)d characters (this one has %(length)d).") % {"limit": limit, "length": len(value)},
            )
            return None
        return value or None

    def date(self, field: str) -> date | None:
        value = self.data.get(field)
        if value is None:
            return None
        if isinstance(value, str) and _ISO_DATE.match(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.issue(field, _("Write the date as YYYY-MM-DD (e.g. 2026-11-30)."))
        return None

    def link(self, field: str) -> str | None:
        value = self.text(field, TEXT_FIELDS["document"])
        if value is None:
            return None
        try:
            _LINK(value)
        except ValidationError:
            self.issue(field, _("Give a valid link (http or https) to the document."))
            return None
        return value

    def unknown(self, allowed: frozenset[str]) -> None:
        for key in self.data:
            if key not in allowed:
                self.issue(str(key), _("Unknown field."))


def _source_id(reader: _Reader, given) -> str:
    value = reader.data.get("source_id") if given is None else given
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        reader.issue("source_id", _("This field is required."))
        return ""
    if not isinstance(value, str):
        reader.issue("source_id", _("Must be text."))
        return ""
    value = value.strip()
    if len(value) > 200:
        reader.issue(
            "source_id",
            _("At most %(limit)d characters (this one has %(length)d).") % {"limit": 200, "length": len(value)},
        )
        return ""
    return value


def read_item(index, data, issues: list[BatchIssue], *, source_id: str | None = None) -> ItemInput | None:
    """One work item of a request. ``source_id`` comes from the URL for a single item (then the
    body may repeat it, identical)."""
    if not isinstance(data, dict):
        issues.append(BatchIssue(index, "item", _("Each item must be a JSON object.")))
        return None
    reader = _Reader(index, data, issues)
    reader.unknown(ITEM_FIELDS)
    if source_id is not None and "source_id" in data and str(data["source_id"]).strip() != source_id:
        reader.issue("source_id", _("The source id in the body differs from the one in the address."))
    item = ItemInput(index=index, source_id=_source_id(reader, source_id))
    for field, limit in TEXT_FIELDS.items():
        if field != "document":
            setattr(item, field, reader.text(field, limit))
    raw_period = data.get("period")
    if raw_period is not None:
        item.period = parse_period_key(raw_period)
        if item.period is None:
            reader.issue(
                "period", _("Write the period as YYYY-MM for a month or YYYY-Qn for a quarter (e.g. 2026-11, 2026-Q4).")
            )
    raw_factor = data.get("factor")
    if raw_factor is not None:
        if isinstance(raw_factor, bool) or not isinstance(raw_factor, (int, float, str)):
            reader.issue("factor", _("The conversion factor must be a number."))
        else:
            try:
                item.factor = parse_factor(raw_factor)
            except ValidationError as error:
                reader.issue("factor", error.message_dict["factor"][0])
    item.due_on = reader.date("due_on")
    item.completed_on = reader.date("completed_on")
    item.document = reader.link("document")
    item.bad = reader.bad
    return item


def read_completion(data, issues: list[BatchIssue], *, source_id: str) -> ItemInput | None:
    if not isinstance(data, dict):
        issues.append(BatchIssue(None, "non_field_errors", _("The body must be a JSON object.")))
        return None
    reader = _Reader(None, data, issues)
    reader.unknown(COMPLETION_FIELDS)
    item = ItemInput(
        index=0,
        source_id=source_id,
        completed_on=reader.date("completed_on"),
        note=reader.text("note", TEXT_FIELDS["note"]),
    )
    if item.completed_on is None and "completed_on" not in reader.bad:
        reader.issue("completed_on", _("This field is required."))
    item.bad = reader.bad
    return item


def read_document(data, issues: list[BatchIssue], *, source_id: str) -> ItemInput | None:
    if not isinstance(data, dict):
        issues.append(BatchIssue(None, "non_field_errors", _("The body must be a JSON object.")))
        return None
    reader = _Reader(None, data, issues)
    reader.unknown(DOCUMENT_FIELDS)
    item = ItemInput(
        index=0,
        source_id=source_id,
        document=reader.link("link"),
        document_description=reader.text("description", TEXT_FIELDS["document_description"]),
    )
    if item.document is None and "link" not in reader.bad:
        reader.issue("link", _("This field is required."))
    item.bad = reader.bad
    return item


def read_batch(data, issues: list[BatchIssue], *, limit: int) -> list[ItemInput]:
    """The items of a batch request ``{"items": [...]}``."""
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        issues.append(BatchIssue(None, "items", _("Send a JSON object with a list “items”.")))
        return []
    extra = [key for key in data if key != "items"]
    for key in extra:
        issues.append(BatchIssue(None, str(key), _("Unknown field.")))
    raw = data["items"]
    if not raw:
        issues.append(BatchIssue(None, "items", _("The list of items is empty.")))
        return []
    if len(raw) > limit:
        issues.append(
            BatchIssue(
                None,
                "items",
                _("At most %(limit)d items per call (this one has %(count)d).") % {"limit": limit, "count": len(raw)},
            )
        )
        return []
    items = []
    for index, data_item in enumerate(raw):
        item = read_item(index, data_item, issues)
        if item is not None:
            items.append(item)
    return items
