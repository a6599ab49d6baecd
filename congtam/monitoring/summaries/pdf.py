"""The period summary (A4 landscape) and a person's period score sheet (A4) as PDF, through
WeasyPrint with the packaged DejaVu Serif embedded (no font is fetched from anywhere), as the
year-end forms are (:mod:`congtam.documents.pdf_forms`). The templates are the project's, so the
words are in the language of the request, numbers with its decimal mark."""

from __future__ import annotations

from django.template.loader import render_to_string
from weasyprint import HTML

from congtam.documents.pdf_forms import FONTS, PACKAGE, _font_config
from congtam.monitoring.summaries import labels
from congtam.monitoring.summaries.rows import BandCounts, SummaryScope, summary_rows, summary_title
from congtam.monitoring.summaries.sheet import ScoreSheet


def _fonts() -> dict[str, str]:
    return {style: path.as_uri() for style, path in FONTS.items()}


def _pdf(template: str, context: dict, output=None) -> bytes | None:
    html = render_to_string(template, {**context, "fonts": _fonts()})
    return HTML(string=html, base_url=str(PACKAGE)).write_pdf(output, font_config=_font_config())


def _units(scope: SummaryScope, counts: BandCounts):
    """The rows grouped by unit, for the template: (unit name, its rows), counting as they pass."""
    current, rows = None, []
    for row in summary_rows(scope, counts=counts):
        if current is not None and row.unit_id != current[0]:
            yield current[1], rows
            rows = []
        current = (row.unit_id, row.unit)
        rows.append(row)
    if current is not None:
        yield current[1], rows


def summary_pdf(scope: SummaryScope, output=None) -> tuple[bytes | None, BandCounts]:
    """The summary; written to ``output`` (a path or a binary file) if given, else returned."""
    counts = BandCounts()
    units = list(_units(scope, counts))
    context = {
        "title": summary_title(),
        "lines": labels.header_lines(scope),
        "columns": labels.people_columns(),
        "units": units,
        "count_columns": labels.count_columns(),
        "count_keys": labels.count_keys(),
        "counts": counts,
    }
    return _pdf("monitoring/summaries/summary_pdf.html", context, output), counts


def score_sheet_pdf(sheet: ScoreSheet) -> bytes:
    return _pdf("monitoring/summaries/sheet_pdf.html", {"sheet": sheet, "review": sheet.review})
