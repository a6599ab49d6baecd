"""Year-end reports (issue 6, item 9): how many people reached each level, and what share of the
whole, by unit, by group with similar duties, by staff group and by gender, year on year; and the
talent view, the people classified HTXSNV two years running.

Only the final results count: the years announced or closed. A year still at calibration or
approval is left out, so that a level not yet decided never reaches anyone outside HR.

Who sees what:

* HR, the administrator, the leadership and the inspector (reading) see the whole agency; the head
  of a unit sees the unit and the units below it;
* the split by gender is shown only to HR and the administrator: gender is sensitive personal data
  here (:mod:`congtam.yearend.permissions`), and a small unit split by gender points at people;
* the talent list names people with their scores: HR, the administrator, the leadership and the
  inspector, each read logged in the audit trail.

Every figure is counted by the database in one grouped query; the level that stands (amended, else
approved, else calibrated, else proposed: :attr:`Classification.level`) is computed there too.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, QuerySet
from django.db.models.functions import Substr
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congtam.audit.services import Subject, audit_record
from congtam.core import permissions
from congtam.core.permissions import Refused
from congtam.org.models import Agency, Category, Gender, Person, Unit, UnitRole
from congtam.org.services import PATH_WIDTH, default_agency
from congtam.vietnamese import word_sort_key
from congtam.yearend.models import Classification, LevelCode, YearState, standing_level_sql
from congtam.yearend.reports import events as report_events

FINAL_YEAR_STATES = (YearState.ANNOUNCED, YearState.CLOSED)
LEVELS = [code for code, _label in LevelCode.choices]  # HTXSNV, HTTNV, HTNV, KHTNV, then not classified
# One step of a unit's materialised path ("00000007/").
PATH_STEP = PATH_WIDTH + 1
ONE_DECIMAL = Decimal("0.1")

UNIT, GROUP, CATEGORY, GENDER = "unit", "group", "category", "gender"
DIMENSIONS = {
    UNIT: gettext_lazy("Unit"),
    GROUP: gettext_lazy("Group with similar duties"),
    CATEGORY: gettext_lazy("Staff group"),
    GENDER: gettext_lazy("Gender"),
}


def level_short(code: str) -> str:
    """The code for the four levels (the domain's own words), words for "not classified"."""
    return str(LevelCode(code).label) if code == LevelCode.NOT_CLASSIFIED else code


# --- figures ---------------------------------------------------------------------------------
def share_of(count: int, total: int) -> Decimal | None:
    """The exact percentage (Decimal), None for an empty total."""
    return Decimal(count) * 100 / Decimal(total) if total else None


def share_shown(share: Decimal | None) -> Decimal | None:
    """One decimal, half up (display only; the figure stays exact)."""
    return share.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP) if share is not None else None


@dataclass(frozen=True, slots=True)
class Cell:
    level: str
    count: int
    share: Decimal | None

    @property
    def shown(self) -> Decimal | None:
        return share_shown(self.share)


@dataclass
class Row:
    """One line of a table: the number of people at each level."""

    key: str
    label: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    unit: Unit | None = None
    opens: bool = False  # a unit with units below it: the table can open it

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def cells(self) -> list[Cell]:
        total = self.total
        return [Cell(level, self.counts.get(level, 0), share_of(self.counts.get(level, 0), total)) for level in LEVELS]

    def add(self, counts: dict[str, int]) -> None:
        for level, count in counts.items():
            self.counts[level] = self.counts.get(level, 0) + count


def total_row(rows: list[Row], label: str) -> Row:
    total = Row("total", label)
    for row in rows:
        total.add(row.counts)
    return total


# --- who sees what ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ReportScope:
    unit: Unit | None  # None: the whole agency
    sees_gender: bool
    sees_talent: bool
    agency: Agency | None = None  # the agency the reports are of


def _headed_unit(viewer) -> Unit | None:
    if getattr(viewer, "person_id", None) is None:
        return None
    return Unit.objects.filter(
        people__pk=viewer.person_id, people__is_active=True, people__unit_role=UnitRole.HEAD
    ).first()


def report_scope(viewer, agency: Agency | None = None) -> ReportScope:
    """The units of ``agency`` (by default the installation's top one) that the viewer's reports
    cover; Refused for anyone who sees no report."""
    permissions.require(viewer, "yearend.see_reports")
    agency = agency or default_agency()
    if permissions.has_perm(viewer, "yearend.see_all_reports"):
        return ReportScope(
            None,
            permissions.has_perm(viewer, "yearend.see_gender_split"),
            permissions.has_perm(viewer, "yearend.see_talent"),
            agency,
        )
    return ReportScope(_headed_unit(viewer), False, False, agency)


def dimensions_for(scope: ReportScope) -> list[tuple[str, str]]:
    return [(key, str(label)) for key, label in DIMENSIONS.items() if key != GENDER or scope.sees_gender]


# --- counting ----------------------------------------------------------------------------------
def _results(scope: ReportScope, under: Unit | None = None) -> QuerySet:
    """The final results in the viewer's scope (and under ``under``), each with its level."""
    rows = Classification.objects.filter(year__state__in=FINAL_YEAR_STATES, year__agency=scope.agency)
    top = under or scope.unit
    if top is not None:
        rows = rows.filter(unit__path__startswith=top.path)
    return rows.annotate(final=standing_level_sql()).order_by()


def _counted(rows: QuerySet, *keys: str) -> dict[tuple, dict[str, int]]:
    """One grouped query: {(key values…): {level: people}}."""
    counts: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(LEVELS, 0))
    for entry in rows.values(*keys, "final").annotate(people=Count("pk")):
        level_counts = counts[tuple(entry[key] for key in keys)]
        level_counts[entry["final"]] = level_counts.get(entry["final"], 0) + entry["people"]
    return counts


def _dimension_key(dimension: str, top: Unit | None):
    if dimension == UNIT:
        # The unit directly under ``top`` that holds the person's unit (or ``top`` itself).
        return Substr("unit__path", 1, len(top.path) + PATH_STEP if top is not None else PATH_STEP)
    return F({GROUP: "group", CATEGORY: "year__staff_group", GENDER: "person__gender"}[dimension])


def _vietnamese_order(label: str) -> str:
    return " ".join(word_sort_key(word) for word in label.split())


def _unit_rows(counts: dict[tuple, dict[str, int]], top: Unit | None) -> list[Row]:
    units = (
        Unit.objects.filter(path__in=[key for (key,) in counts])
        .annotate(has_units_below=Exists(Unit.objects.filter(parent=OuterRef("pk"))))
        .only("pk", "code", "name", "path", "sibling_order")
    )
    top_path = top.path if top is not None else None
    rows = []
    for unit in sorted(units, key=lambda unit: (unit.path != top_path, unit.sibling_order, unit.path)):
        if top is not None and unit.pk == top.pk:
            label = _("%(unit)s (not counting the units below it)") % {"unit": unit.name}
            rows.append(Row(unit.path, label, counts[(unit.path,)], unit=unit))
        else:
            rows.append(Row(unit.path, unit.name, counts[(unit.path,)], unit=unit, opens=unit.has_units_below))
    return rows


def _rows(dimension: str, counts: dict[tuple, dict[str, int]], top: Unit | None) -> list[Row]:
    if dimension == UNIT:
        return _unit_rows(counts, top)
    if dimension == GROUP:
        rows = [Row(key, key or _("No group"), level_counts) for (key,), level_counts in counts.items()]
        return sorted(rows, key=lambda row: (_vietnamese_order(row.label), row.key))
    if dimension == CATEGORY:
        order = list(Category.values)
        rows = [
            Row(key, str(Category(key).label) if key in order else key, level_counts)
            for (key,), level_counts in counts.items()
        ]
        return sorted(rows, key=lambda row: order.index(row.key) if row.key in order else len(order))
    order = [*Gender.values, ""]
    rows = [
        Row(key, str(Gender(key).label) if key else _("Not recorded"), level_counts)
        for (key,), level_counts in counts.items()
    ]
    return sorted(rows, key=lambda row: order.index(row.key) if row.key in order else len(order))


def _dimension_rows(scope: ReportScope, dimension: str, year: int, staff_group: str, top: Unit | None) -> list[Row]:
    rows = _results(scope, top if dimension == UNIT else None).filter(year__year=year)
    if staff_group:
        rows = rows.filter(year__staff_group=staff_group)
    return _rows(dimension, _counted(rows.annotate(dimension_key=_dimension_key(dimension, top)), "dimension_key"), top)


# --- the report page -----------------------------------------------------------------------------
@dataclass
class Report:
    scope: ReportScope
    years: list[int]  # calendar years with final results, newest first
    year: int | None
    staff_groups: list[tuple[str, str]]  # the staff groups with final results
    staff_group: str  # "" for all of them together
    dimensions: list[tuple[str, str]]
    dimension: str
    top: Unit | None  # the unit whose units the unit table lists
    trail: list[Unit]  # from the top of the viewer's scope down to ``top``, for going back up
    total: Row  # the chosen year
    rows: list[Row]  # the chosen year by the chosen dimension
    trend: list[Row]  # every year, oldest first

    @property
    def overall(self) -> list[Row]:
        return [self.total]

    @property
    def rows_total(self) -> Row:
        return total_row(self.rows, _("Total"))

    @property
    def dimension_label(self) -> str:
        return str(DIMENSIONS[self.dimension])

    @property
    def staff_group_label(self) -> str:
        return dict(self.staff_groups).get(self.staff_group, "") if self.staff_group else _("All staff groups")


def _by_year(scope: ReportScope) -> dict[tuple, dict[str, int]]:
    """{(calendar year, staff group): {level: people}} of every final year in scope: one query."""
    return _counted(_results(scope), "year__year", "year__staff_group")


def _trend(by_year: dict[tuple, dict[str, int]], staff_group: str) -> list[Row]:
    rows: dict[int, Row] = {}
    for (calendar_year, group), counts in sorted(by_year.items()):
        if staff_group and group != staff_group:
            continue
        rows.setdefault(calendar_year, Row(str(calendar_year), str(calendar_year))).add(counts)
    return list(rows.values())


def _top(scope: ReportScope, unit_code: str) -> Unit | None:
    """The unit the unit table opens: the one asked for (inside the viewer's scope), else the top of
    the scope (the agency's unit when it has just one at the top)."""
    if unit_code:
        unit = Unit.objects.filter(agency=scope.agency, code=unit_code).only("pk", "code", "name", "path").first()
        if unit is None:
            raise Http404(unit_code)
        if scope.unit is not None and not unit.path.startswith(scope.unit.path):
            raise Refused(_("A head of unit sees the reports of the unit and the units below it only."))
        return unit
    if scope.unit is not None:
        return scope.unit
    roots = list(
        Unit.objects.filter(agency=scope.agency, parent__isnull=True)
        .only("pk", "code", "name", "path")
        .order_by("path")[:2]
    )
    return roots[0] if len(roots) == 1 else None


def _trail(scope: ReportScope, top: Unit | None) -> list[Unit]:
    if top is None:
        return []
    above = top.ancestor_ids()
    units = Unit.objects.filter(pk__in=above).only("pk", "code", "name", "path").order_by("path") if above else []
    return [unit for unit in units if scope.unit is None or unit.path.startswith(scope.unit.path)]


def _choose(scope: ReportScope, by_year, year: int | None, staff_group: str, dimension: str):
    if dimension == GENDER and not scope.sees_gender:
        raise Refused(permissions.refusal_message("yearend.see_gender_split"))
    if dimension not in DIMENSIONS:
        dimension = UNIT
    years = sorted({calendar_year for calendar_year, _group in by_year}, reverse=True)
    present = {group for _year, group in by_year}
    staff_groups = [(value, str(label)) for value, label in Category.choices if value in present]
    if staff_group not in present:
        staff_group = ""
    if year not in years:
        year = years[0] if years else None
    return years, year, staff_groups, staff_group, dimension


def report(
    *,
    viewer,
    agency: Agency | None = None,
    year: int | None = None,
    staff_group: str = "",
    dimension: str = UNIT,
    unit_code: str = "",
) -> Report:
    """The report page: the chosen year (the latest by default), all staff groups or one, split by
    one dimension, and every year's figures. A fixed number of queries whatever the number of people."""
    scope = report_scope(viewer, agency)
    by_year = _by_year(scope)
    years, year, staff_groups, staff_group, dimension = _choose(scope, by_year, year, staff_group, dimension)
    trend = _trend(by_year, staff_group)
    total = next((row for row in trend if row.key == str(year)), Row(str(year or ""), _("Total")))
    top = _top(scope, unit_code if dimension == UNIT else "")
    rows = _dimension_rows(scope, dimension, year, staff_group, top) if year is not None else []
    return Report(
        scope=scope,
        years=years,
        year=year,
        staff_groups=staff_groups,
        staff_group=staff_group,
        dimensions=dimensions_for(scope),
        dimension=dimension,
        top=top,
        trail=_trail(scope, top) if dimension == UNIT else [],
        total=total,
        rows=rows,
        trend=trend,
    )


# --- every table at once (the workbook) ----------------------------------------------------------
@dataclass
class ReportTables:
    scope: ReportScope
    year: int | None
    staff_group: str
    staff_group_label: str
    top: Unit | None
    total: Row
    dimensions: list[tuple[str, str, list[Row]]]  # (key, label, rows)
    trends: list[tuple[str, list[Row]]]  # (all staff groups or one, rows): all together first


def report_tables(
    *, viewer, agency: Agency | None = None, year: int | None = None, staff_group: str = "", unit_code: str = ""
) -> ReportTables:
    """Every dimension of the chosen year, and the year-on-year figures of all staff groups together
    and of each one: one query per table."""
    scope = report_scope(viewer, agency)
    by_year = _by_year(scope)
    _years, year, staff_groups, staff_group, _dimension = _choose(scope, by_year, year, staff_group, UNIT)
    top = _top(scope, unit_code)
    dimensions = [
        (key, label, _dimension_rows(scope, key, year, staff_group, top) if year is not None else [])
        for key, label in dimensions_for(scope)
    ]
    trend = _trend(by_year, staff_group)
    trends = [(_("All staff groups"), _trend(by_year, ""))]
    trends += [(label, _trend(by_year, value)) for value, label in staff_groups]
    return ReportTables(
        scope=scope,
        year=year,
        staff_group=staff_group,
        staff_group_label=dict(staff_groups).get(staff_group, "") if staff_group else _("All staff groups"),
        top=top,
        total=next((row for row in trend if row.key == str(year)), Row(str(year or ""), _("Total"))),
        dimensions=dimensions,
        trends=trends,
    )


@transaction.atomic
def report_downloaded(*, actor, tables: ReportTables) -> None:
    audit_record(
        actor=actor,
        event=report_events.REPORT_DOWNLOADED,
        subject=Subject("yearend.report", str(tables.year or ""), _("Classification report")),
        new={
            "year": tables.year,
            "staff_group": tables.staff_group,
            "unit": tables.top.code if tables.top is not None else "",
            "sheets": [key for key, _label, _rows in tables.dimensions],
        },
    )


# --- the talent view -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TalentEntry:
    person: Person
    earlier: Classification
    later: Classification
    years_running: int  # HTXSNV every year up to the later one (2 or more)

    @property
    def pair(self) -> tuple[Classification, Classification]:
        return self.earlier, self.later


def talent_list(*, viewer, agency: Agency | None = None) -> list[TalentEntry]:
    """The people of the agency still working whose final level was HTXSNV in two consecutive
    calendar years (any staff group), the latest such pair of each, newest first. The read is logged."""
    permissions.require(viewer, "yearend.see_talent")
    excellent = (
        Classification.objects.filter(year__state__in=FINAL_YEAR_STATES, year__agency=agency or default_agency())
        .annotate(final=standing_level_sql())
        .filter(final=LevelCode.EXCELLENT)
    )

    def next_to(step: int):
        return excellent.filter(person_id=OuterRef("person_id"), year__year=OuterRef("year__year") + step)

    rows = (
        excellent.filter(person__is_active=True)
        .filter(Exists(next_to(-1)) | Exists(next_to(1)))
        .select_related("year", "unit", "person__unit", "person__position")
        # Never the sensitive columns of the person.
        .only(
            "pk",
            "year__year",
            "unit__name",
            "score_exact",
            "proposed_level",
            "calibrated_level",
            "approved_level",
            "amended_level",
            "person__staff_code",
            "person__full_name",
            "person__sort_key",
            "person__unit_role",
            "person__unit__code",
            "person__unit__name",
            "person__position__title",
        )
        .order_by("person_id", "year__year", "pk")
    )
    years_of: dict[int, dict[int, Classification]] = defaultdict(dict)
    for row in rows:
        years_of[row.person_id].setdefault(row.year.year, row)
    entries = []
    for years in years_of.values():
        ends = [calendar_year for calendar_year in years if calendar_year - 1 in years]
        if not ends:
            continue
        last = max(ends)
        running = 1
        while last - running in years:
            running += 1
        entries.append(
            TalentEntry(person=years[last].person, earlier=years[last - 1], later=years[last], years_running=running)
        )
    entries.sort(key=lambda entry: (-entry.later.year.year, entry.person.sort_key, entry.person.staff_code))
    with transaction.atomic():
        audit_record(
            actor=viewer,
            event=report_events.TALENT_VIEWED,
            subject=Subject("yearend.talent", "", _("People HTXSNV two years running")),
            new={"people": len(entries), "years": sorted({entry.later.year.year for entry in entries})},
        )
    return entries
