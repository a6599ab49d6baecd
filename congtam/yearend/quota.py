"""The HTXSNV quota checked on the levels as they stand now (after calibration, approval or an
appeal), with the engine's own cap formula (:func:`congtam.scoring.quota.cap_for`).

The engine placed everyone at proposal time; a later change of level can free a place, take one,
or change the base of the cap. :func:`quota_check` recounts every unit and group of the year from
plain rows (one query) and says which scopes are over their cap and who is next in line;
:func:`quota_of_unit` has the database count one unit and its groups, for the calibration page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import BooleanField, Case, Count, Q, Value, When

from congtam.scoring.levels import Level
from congtam.scoring.policy import Policy
from congtam.scoring.quota import cap_for
from congtam.yearend.models import standing_level_sql

UNIT = "unit"
GROUP = "group"
EXCELLENT = Level.EXCELLENT.value
GOOD_OR_BETTER = (Level.EXCELLENT.value, Level.GOOD.value)


@dataclass(frozen=True, slots=True)
class Row:
    """One classification as the quota sees it."""

    pk: int
    unit_id: int
    group: str
    level: str
    over_quota: bool
    rank: int | None
    name: str


@dataclass
class ScopeStatus:
    kind: str
    key: object  # unit id or group name
    good_or_better: int = 0
    excellent: int = 0  # HTXSNV counted against the cap
    exempt: int = 0  # HTXSNV freed from the unit cap by their group's exception
    cap: int = 0
    exception: str = ""
    waiting: list[Row] = field(default_factory=list)  # over quota at proposal, now HTTNV, in rank order

    @property
    def exceeded(self) -> bool:
        return self.excellent > self.cap

    @property
    def quota_zero(self) -> bool:
        return self.cap == 0

    @property
    def free_places(self) -> int:
        return max(self.cap - self.excellent, 0)

    @property
    def next_in_line(self) -> list[Row]:
        """Those proposed over quota who would now fit, best first."""
        return self.waiting[: self.free_places]


def _settings(policy: Policy) -> tuple[Decimal, str, str, Decimal, bool]:
    values = policy.settings.values
    return (
        values["quota_share"],
        str(values["quota_base"]),
        str(values["quota_rounding"]),  # type: ignore[return-value]
        values["quota_exception_share"],
        bool(values["quota_exception_lifts_unit_cap"]),
    )


def quota_check(rows: list[Row], policy: Policy, exceptions: dict[str, str]) -> dict[tuple[str, object], ScopeStatus]:
    """Every unit's and group's standing, from the current levels. ``exceptions`` maps a group to
    the reference of its recorded exception decision."""
    lifts_unit = _settings(policy)[4]
    scopes: dict[tuple[str, object], ScopeStatus] = {}

    def scope(kind: str, key: object) -> ScopeStatus:
        status = scopes.get((kind, key))
        if status is None:
            status = scopes[(kind, key)] = ScopeStatus(
                kind, key, exception=exceptions.get(key, "") if kind == GROUP else ""
            )
        return status

    for row in sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.pk)):
        unit, group = scope(UNIT, row.unit_id), scope(GROUP, row.group)
        if row.level in GOOD_OR_BETTER:
            unit.good_or_better += 1
            group.good_or_better += 1
        if row.level == EXCELLENT:
            group.excellent += 1
            if lifts_unit and row.group in exceptions:
                unit.exempt += 1
            else:
                unit.excellent += 1
        elif row.over_quota and row.level == Level.GOOD.value:
            unit.waiting.append(row)
            group.waiting.append(row)
    _set_caps(scopes, policy)
    return scopes


def quota_of_unit(
    classifications, unit_id: int, groups: Iterable[str], policy: Policy, exceptions: dict[str, str]
) -> dict[tuple[str, object], ScopeStatus]:
    """The standing of one unit and of each of its ``groups`` (every group the unit's people are
    in), as :func:`quota_check` counts them, but counted by the database (per group: its people in
    the unit and elsewhere), for a page that shows only these scopes — a group spans the agency, and
    reading its 50,000 rows to count them would cost more than the page. The waiting lists are not
    filled. ``classifications``: the year's."""
    lifts_unit = _settings(policy)[4]
    level = standing_level_sql()
    # Every row of the unit is in one of its groups: the rows of those groups are all that count
    # (named, not a subquery: the database then reads each group through the quota index).
    cells = (
        classifications.filter(group__in=sorted(set(groups)))
        .annotate(
            level_now=level,
            here=Case(When(unit_id=unit_id, then=Value(True)), default=Value(False), output_field=BooleanField()),
        )
        .values("group", "here")
        .order_by()
        .annotate(
            good_or_better=Count("unit", filter=Q(level_now__in=GOOD_OR_BETTER)),
            excellent=Count("unit", filter=Q(level_now=EXCELLENT)),
        )
    )
    scopes: dict[tuple[str, object], ScopeStatus] = {}
    for cell in cells:
        group = scopes.setdefault(
            (GROUP, cell["group"]), ScopeStatus(GROUP, cell["group"], exception=exceptions.get(cell["group"], ""))
        )
        group.good_or_better += cell["good_or_better"]
        group.excellent += cell["excellent"]
        if cell["here"]:
            unit = scopes.setdefault((UNIT, unit_id), ScopeStatus(UNIT, unit_id))
            unit.good_or_better += cell["good_or_better"]
            if lifts_unit and cell["group"] in exceptions:
                unit.exempt += cell["excellent"]
            else:
                unit.excellent += cell["excellent"]
    _set_caps(scopes, policy)
    return scopes


def _set_caps(scopes: dict[tuple[str, object], ScopeStatus], policy: Policy) -> None:
    share, base_rule, rounding, exception_share, _lifts_unit = _settings(policy)
    for status in scopes.values():
        if status.kind == GROUP and status.exception:
            status.cap = cap_for(status.good_or_better, exception_share, "good_or_better", rounding)
        else:
            status.cap = cap_for(status.good_or_better, share, base_rule, rounding)
