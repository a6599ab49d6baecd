"""The catalogue's own rules, shared by the services, the import and the forms: what a valid
conversion factor is, how a product's values are cleaned and compared, and who may change a
catalogue."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from congtam.catalogue.models import CatalogueItem
from congtam.core import permissions
from congtam.org.services import clean_multiline
from congtam.vietnamese import NumberFormatError, clean_text, read_number

_FACTOR_FIELD = CatalogueItem._meta.get_field("factor")
FACTOR_PLACES = _FACTOR_FIELD.decimal_places
# The first value the column cannot hold (max_digits 9, 4 of them decimals: 100000).
FACTOR_LIMIT = Decimal(10) ** (_FACTOR_FIELD.max_digits - _FACTOR_FIELD.decimal_places)

# The values of a product that a change compares and the audit trail records.
ITEM_FIELDS = ("code", "name", "unit", "factor", "quality_requirement")
UPDATABLE_FIELDS = ("name", "unit", "factor", "quality_requirement")


def require_catalogue_manager(actor) -> None:
    """Only HR and the administrator change catalogues; ``None`` is the system itself (the demo,
    a command)."""
    permissions.require(actor, "catalogue.change")


def _not_a_number(value) -> ValidationError:
    return ValidationError(
        _("“%(value)s” is not a number: write the conversion factor like 1,5 or 1.5.") % {"value": clean_text(value)},
        code="not_a_number",
    )


def parse_factor(value) -> Decimal:
    """A conversion factor, wherever it is written: a form, a catalogue or work-item workbook, the
    API. A number, or text read by :func:`congtam.vietnamese.read_number` (``1,5``, ``1.5``,
    ``1.000,5``, ``1 000,5``; a cell's float as Excel shows it, so a formula's 0.3 - 0.2 is 0.1,
    not 0.09999…), checked: a number greater than 0, with at most four decimals and below
    :data:`FACTOR_LIMIT`. Raises ValidationError with a message for the person."""
    try:
        number = read_number(value)
    except NumberFormatError:
        raise _not_a_number(value) from None
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
