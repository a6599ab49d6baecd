"""The words of the summaries, in the language of the request (or of the person who started the
background job): column headers, band names, the scope's description."""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from congtam.monitoring.summaries.rows import BANDS, NOT_SCORED, SummaryScope
from congtam.scoring.levels import Level, level_name


def language() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


def band_name(band: Level | str | None) -> str:
    if band is None or band == NOT_SCORED:
        return _("Not scored yet")
    return level_name(Level(band), language())


def people_columns() -> list[str]:
    return [
        _("No."),
        _("Unit"),
        _("Full name"),
        _("Position"),
        _("State"),
        # Translators: a, b, c are the decree's quantity, quality and timeliness of the work items.
        _("a. Quantity (%)"),
        _("b. Quality (%)"),
        _("c. Timeliness (%)"),
        _("Task points"),
        _("General points"),
        _("Deductions"),
        _("Score"),
        _("Band"),
    ]


def count_columns() -> list[str]:
    return [_("Unit"), _("People"), *(band_name(band) for band in BANDS), band_name(NOT_SCORED)]


def count_keys() -> tuple:
    return (*BANDS, NOT_SCORED)


def header_lines(scope: SummaryScope) -> list[str]:
    lines = [
        _("Agency: %(agency)s") % {"agency": scope.agency_name},
        _("Period: %(period)s (%(start)s – %(end)s)")
        % {
            "period": scope.period.label,
            "start": date_format(scope.period.starts_on, "SHORT_DATE_FORMAT"),
            "end": date_format(scope.period.ends_on, "SHORT_DATE_FORMAT"),
        },
    ]
    if scope.unit is not None:
        lines.append(_("Unit: %(unit)s and the units below it") % {"unit": scope.unit.name})
    lines.append(
        _(
            "Made on %(date)s. A score is shown once the evaluator has submitted it; the state says whether it is approved."
        )
        % {"date": date_format(timezone.localdate(), "SHORT_DATE_FORMAT")}
    )
    return lines
