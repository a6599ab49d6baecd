"""The catalogue's own rules, shared by the services, the import and the forms: what a valid
conversion factor is, how a product's values are cleaned and compared, and who may change a
catalogue."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from congtam.accounts import policy
from congtam.catalogue.models import CatalogueItem
from congtam.core.vntext import clean_text
from congtam.org.services import clean_multiline

_FACTOR_FIELD = CatalogueItem._meta.get_field("factor")
FACTOR_PLACES = _FACTOR_FIELD.decimal_places
# The first value the column cannot hold (max_digits 9, 4 of them decimals: 100000).
FACTOR_LIMIT = Decimal(10) ** (_FACTOR_FIELD.max_digits - _FACTOR_FIELD.decimal_places)

# The values of a product that a change compares and the audit trail records.
ITEM_FIELDS = ("code", "name", "unit", "factor", "quality_requirement")
UPDATABLE_FIELDS = ("name", "unit", "factor", "quality_requirement")

_BLANKS = re.compile(r"[\s\u00a0\u202f]+")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def require_catalogue_manager(actor) -> None:
    """Only HR and the administrator change catalogues; ``None`` is the system itself (the demo,
    a command)."""
    if actor is not None and not policy.can_manage_org(actor):
        raise PermissionDenied(_("Only HR and the administrator may change a catalogue."))


def _not_a_number(value) -> ValidationError:
    return ValidationError(
        _("“%(value)s” is not a number: write the conversion factor like 1,5 or 1.5.") % {"value": clean_text(value)},
        code="not_a_number",
    )


def _decimal_from_text(text: str) -> Decimal:
    """Either mark may be the decimal one: with both, the last is, and the other separates
    thousands (``1.000,5``, ``1,000.5``); a mark that appears more than once separates thousands."""
    text = _BLANKS.sub("", text)
    sign = ""
    if text[:1] in ("+", "-"):
        sign, text = text[0], text[1:]
    commas, dots = text.count(","), text.count(".")
    if commas and dots:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
    elif commas > 1 or dots > 1:
        decimal_mark, thousands = "", "," if commas else "."
    else:
        decimal_mark, thousands = ("," if commas else "."), ""
    integer, _mark, fraction = text.partition(decimal_mark) if decimal_mark else (text, "", "")
    if thousands:
        if not re.fullmatch(r"\d{1,3}(" + re.escape(thousands) + r"\d{3})+", integer):
            raise ValueError(text)
        integer = integer.replace(thousands, "")
    if not _PLAIN_NUMBER.match(f"{sign}{integer}.{fraction}" if _mark else f"{sign}{integer}"):
        raise ValueError(text)
    return Decimal(f"{sign}{integer or 0}.{fraction or 0}")


def parse_factor(value) -> Decimal:
    """A conversion factor as typed in a form or read from a cell (a number, or text with ``,`` or
    ``.`` as the decimal mark), checked: a number greater than 0, with at most four decimals and
    below :data:`FACTOR_LIMIT`. Raises ValidationError with a message for the person."""
    if isinstance(value, bool):
        raise _not_a_number(value)
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        # As Excel shows it: 15 significant digits (a formula's 0.3 - 0.2 is 0.1, not 0.09999…).
        number = Decimal(format(value, ".15g"))
    elif isinstance(value, str):
        try:
            number = _decimal_from_text(clean_text(value))
        except (ValueError, InvalidOperation):
            raise _not_a_number(value) from None
    else:
        raise _not_a_number(value)
    if not number.is_finite():
        raise _not_a_number(value)
    if number <= 0:
        raise ValidationError(
            _("The conversion factor must be greater than 0 (here %(value)s).") % {"value": factor_text(number)},
            code="not_positive",
        )
    if number >= FACTOR_LIMIT:
        raise ValidationError(
            _("The conversion factor must be less than %(limit)s.") % {"limit": factor_text(FACTOR_LIMIT)},
            code="too_large",
        )
    if _decimal_places(number) > FACTOR_PLACES:
        raise ValidationError(
            _("The conversion factor has at most %(places)d decimal places (here %(value)s).")
            % {"places": FACTOR_PLACES, "value": factor_text(number)},
            code="too_precise",
        )
    return plain(number)


def _decimal_places(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return -exponent if exponent < 0 else 0


def plain(number: Decimal) -> Decimal:
    """The number without trailing zeros and without an exponent: 4.0000 -> 4, 1.5000 -> 1.5."""
    number = number.normalize()
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number


def factor_text(number: Decimal | None) -> str:
    """A factor as the audit trail and the workbook keep it: ``1.5``, ``4``."""
    if number is None:
        return ""
    return format(plain(Decimal(number)), "f")


def factor_display(number: Decimal | None) -> str:
    """A factor for people, in the active language: ``1,5`` in Vietnamese."""
    if number is None:
        return ""
    return number_format(plain(Decimal(number)), use_l10n=True)


def clean_item_values(values: dict) -> dict:
    """Trim and compose the text values of a product (the factor is parsed by :func:`parse_factor`)."""
    cleaned = {}
    for field, value in values.items():
        if field == "quality_requirement":
            cleaned[field] = clean_multiline(value)
        elif field == "factor":
            cleaned[field] = value
        else:
            cleaned[field] = clean_text(value)
    return cleaned


def item_values(item: CatalogueItem) -> dict:
    """A product's values as the audit trail records them."""
    return {
        "code": item.code,
        "name": item.name,
        "unit": item.unit,
        "factor": factor_text(item.factor),
        "quality_requirement": item.quality_requirement,
    }
