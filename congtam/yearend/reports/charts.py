"""The report's charts, drawn by the server as SVG (no script, nothing from outside): where each bar
goes, computed here, so that the template only writes the shapes. Every figure also stands in the
table beside the chart; each shape carries its figure in a <title> for screen readers and tooltips.

Coordinates are written as text with a dot, whatever the page's language."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from congtam.yearend.reports.figures import LEVELS, Row, level_short

LEVEL_COLOURS = {"HTXSNV": "#1b7a3d", "HTTNV": "#0b5cad", "HTNV": "#c98a00", "KHTNV": "#a51d1d", "KXL": "#8a94a6"}
# Stacked bars: one line per row of the table.
STACK_WIDTH, STACK_LABEL, STACK_BAR, STACK_ROW, STACK_TOP = 760, 230, 440, 26, 34
# Grouped bars: one group of five bars per year.
GROUP_BAR, GROUP_GAP, GROUP_LEFT, GROUP_TOP, GROUP_HEIGHT, GROUP_BOTTOM = 14, 26, 48, 44, 200, 30
LABEL_CHARACTERS = 34


def _at(value: float) -> str:
    return f"{value:.1f}"


def percent(value: Decimal | None) -> str:
    """A share as people read it: one decimal with the language's decimal mark."""
    return number_format(value, 1) if value is not None else "—"


def _shortened(label: str) -> str:
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1] + "…"


def _what(row_label: str, level: str, count: int, shown: Decimal | None) -> str:
    return ngettext(
        "%(row)s — %(level)s: %(count)s person (%(share)s%%)",
        "%(row)s — %(level)s: %(count)s people (%(share)s%%)",
        count,
    ) % {"row": row_label, "level": level_short(level), "count": count, "share": percent(shown)}


@dataclass
class Shape:
    x: str
    y: str
    width: str
    height: str
    colour: str
    title: str


@dataclass
class LegendEntry:
    x: str
    text_x: str
    colour: str
    label: str


@dataclass
class StackedBar:
    label: str
    full_label: str
    y: str
    text_y: str
    total: int
    shapes: list[Shape] = field(default_factory=list)


@dataclass
class StackedChart:
    width: int
    height: int
    label_x: str
    bar_x: str
    total_x: str
    legend_y: str
    legend: list[LegendEntry]
    bars: list[StackedBar]


def _legend(y: float) -> tuple[str, list[LegendEntry]]:
    entries, x = [], 10.0
    for level in LEVELS:
        label = level_short(level)
        entries.append(LegendEntry(_at(x), _at(x + 16), LEVEL_COLOURS[level], label))
        x += 16 + 8 * len(label) + 18
    return _at(y), entries


def stacked(rows: list[Row]) -> StackedChart | None:
    """100% stacked bars: each row's people by level, as shares of the row."""
    rows = [row for row in rows if row.total]
    if not rows:
        return None
    legend_y, legend = _legend(12)
    bars = []
    for index, row in enumerate(rows):
        top = STACK_TOP + index * STACK_ROW
        bar = StackedBar(_shortened(row.label), row.label, _at(top + 3), _at(top + STACK_ROW / 2), row.total)
        x = float(STACK_LABEL)
        for cell in row.cells:
            if not cell.count:
                continue
            width = STACK_BAR * float(cell.share) / 100
            bar.shapes.append(
                Shape(
                    _at(x),
                    _at(top + 3),
                    _at(width),
                    _at(STACK_ROW - 6),
                    LEVEL_COLOURS[cell.level],
                    _what(row.label, cell.level, cell.count, cell.shown),
                )
            )
            x += width
        bars.append(bar)
    return StackedChart(
        width=STACK_WIDTH,
        height=STACK_TOP + len(rows) * STACK_ROW + 8,
        label_x=_at(STACK_LABEL - 8),
        bar_x=_at(STACK_LABEL),
        total_x=_at(STACK_LABEL + STACK_BAR + 8),
        legend_y=legend_y,
        legend=legend,
        bars=bars,
    )


@dataclass
class GroupedYear:
    label: str
    label_x: str
    shapes: list[Shape]


@dataclass
class GridLine:
    y: str
    label: str


@dataclass
class GroupedChart:
    width: int
    height: int
    left: str
    right: str
    baseline: str
    label_y: str
    axis_label_x: str
    legend_y: str
    legend: list[LegendEntry]
    grid: list[GridLine]
    years: list[GroupedYear]


def grouped(rows: list[Row]) -> GroupedChart | None:
    """Year on year: for each year, one bar per level, its height the level's share of that year."""
    rows = [row for row in rows if row.total]
    if not rows:
        return None
    group_width = len(LEVELS) * GROUP_BAR + GROUP_GAP
    legend_y, legend = _legend(12)
    width = max(GROUP_LEFT + len(rows) * group_width + 20, 520)
    baseline = GROUP_TOP + GROUP_HEIGHT

    def y_of(share: float) -> float:
        return baseline - GROUP_HEIGHT * share / 100

    grid = [GridLine(_at(y_of(step)), f"{step}%") for step in (0, 25, 50, 75, 100)]
    years = []
    for index, row in enumerate(rows):
        start = GROUP_LEFT + GROUP_GAP / 2 + index * group_width
        shapes = []
        for position, cell in enumerate(row.cells):
            share = float(cell.share or 0)
            top = y_of(share)
            shapes.append(
                Shape(
                    _at(start + position * GROUP_BAR),
                    _at(top),
                    _at(GROUP_BAR - 2),
                    _at(baseline - top),
                    LEVEL_COLOURS[cell.level],
                    _what(row.label, cell.level, cell.count, cell.shown),
                )
            )
        years.append(GroupedYear(row.label, _at(start + len(LEVELS) * GROUP_BAR / 2), shapes))
    return GroupedChart(
        width=width,
        height=baseline + GROUP_BOTTOM,
        left=_at(GROUP_LEFT),
        right=_at(width - 10),
        baseline=_at(baseline),
        label_y=_at(baseline + 18),
        axis_label_x=_at(GROUP_LEFT - 6),
        legend_y=legend_y,
        legend=legend,
        grid=grid,
        years=years,
    )


def chart_title(dimension_label: str, year, staff_group_label: str) -> str:
    return _("Share of each level by %(dimension)s, %(year)s, %(group)s") % {
        "dimension": dimension_label.lower(),
        "year": year,
        "group": staff_group_label.lower(),
    }
