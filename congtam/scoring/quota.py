"""The HTXSNV quota, per unit and per group with similar duties (RULES.md §2.2, §3.3).

The engine never demotes silently: everyone who qualifies for HTXSNV is ranked (by score — or,
in the criteria model, by the share of tasks exceeded — then by the declared tie-break); the
highest-ranked are admitted while both their unit's and their group's caps have room, and the
others are marked over quota and *proposed* at HTTNV, with the reason.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from congtam.scoring.classify import Classification
from congtam.scoring.decimals import ONE, floor_to_int, half_up_to_int
from congtam.scoring.levels import Level
from congtam.scoring.policy import PolicySettings
from congtam.scoring.vietnamese import name_sort_key

UNIT = "unit"
GROUP = "group"


@dataclass(frozen=True, slots=True)
class QuotaScope:
    """One unit or group: who qualifies, the cap and how it was computed, who fits."""

    kind: str  # "unit" or "group"
    name: str
    good_or_better: int  # qualifying HTTNV or better (the base)
    candidates: int  # qualifying HTXSNV
    share: Decimal
    base_rule: str  # quota_base, or "exception"
    rounding: str
    exception: str  # recorded exception references, "; "-joined
    cap: int
    within: int  # candidates finally proposed HTXSNV
    counted: int  # of those, how many count against the cap (exempt people do not)
    over: int  # candidates over quota, proposed HTTNV

    @property
    def quota_zero(self) -> bool:
        """Cap 0 while someone qualifies: said explicitly, never left implicit."""
        return self.cap == 0 and self.candidates > 0

    @property
    def cap_formula(self) -> str:
        rounding = "floor" if self.rounding == "floor" else "round_half_up"
        if self.base_rule == "good_only":
            return f"{rounding}(share * base / (1 + share))"
        return f"{rounding}(share * base)"


@dataclass(frozen=True, slots=True)
class QuotaPlacement:
    kind: str
    name: str
    position: int  # 1-based rank among the scope's HTXSNV candidates
    fits: bool
    exempt: bool  # unit cap not applied: the group holds a recorded exception


@dataclass(frozen=True, slots=True)
class Outcome:
    """The proposed level of one person, after the quota."""

    classification: Classification
    level: Level
    over_quota: bool
    rank_in_group: int | None  # None when not classified
    placements: tuple[QuotaPlacement, ...] = ()

    @property
    def staff_code(self) -> str:
        return self.classification.person.staff_code


def cap_for(base: int, share: Decimal, base_rule: str, rounding: str) -> int:
    """good_or_better: floor(share × base). good_only: largest x with x ≤ share × (base − x)."""
    if base_rule == "good_only":
        raw = share * base / (ONE + share)
    else:
        raw = share * base
    return floor_to_int(raw) if rounding == "floor" else half_up_to_int(raw)


def tie_break_key(classification: Classification, tie_break: str) -> tuple:
    person = classification.person
    if tie_break == "name":
        return (name_sort_key(person.full_name), person.staff_code)
    if tie_break == "last_period_score" and classification.periods:
        return (-classification.periods[-1].score, person.staff_code)
    return (person.staff_code,)


def ranking_key(classification: Classification, tie_break: str) -> tuple:
    """Better level first, then higher score, then the declared tie-break."""
    return (-classification.qualified.order, -classification.rank_score, tie_break_key(classification, tie_break))


def apply_quota(
    classifications: Sequence[Classification], settings: PolicySettings
) -> tuple[list[Outcome], list[QuotaScope]]:
    values = settings.values
    tie_break = str(values["quota_tie_break"])
    share: Decimal = values["quota_share"]  # type: ignore[assignment]
    base_rule = str(values["quota_base"])
    rounding = str(values["quota_rounding"])
    exception_share: Decimal = values["quota_exception_share"]  # type: ignore[assignment]
    exception_lifts_unit = bool(values["quota_exception_lifts_unit_cap"])

    ranked = sorted(classifications, key=lambda c: ranking_key(c, tie_break))

    good_or_better: dict[tuple[str, str], int] = defaultdict(int)
    candidates: dict[tuple[str, str], int] = defaultdict(int)
    exceptions: dict[str, set[str]] = defaultdict(set)
    for classification in ranked:
        person = classification.person
        if person.quota_exception:
            exceptions[person.group].add(person.quota_exception)
        if classification.qualified in (Level.EXCELLENT, Level.GOOD):
            good_or_better[(UNIT, person.unit)] += 1
            good_or_better[(GROUP, person.group)] += 1
        if classification.qualified is Level.EXCELLENT:
            candidates[(UNIT, person.unit)] += 1
            candidates[(GROUP, person.group)] += 1

    caps: dict[tuple[str, str], int] = {}
    for scope_key, base in good_or_better.items():
        kind, name = scope_key
        if kind == GROUP and exceptions.get(name):
            caps[scope_key] = cap_for(base, exception_share, "good_or_better", rounding)
        else:
            caps[scope_key] = cap_for(base, share, base_rule, rounding)

    used: dict[tuple[str, str], int] = defaultdict(int)
    within: dict[tuple[str, str], int] = defaultdict(int)
    over: dict[tuple[str, str], int] = defaultdict(int)
    seen: dict[tuple[str, str], int] = defaultdict(int)
    rank_counters: dict[str, int] = defaultdict(int)
    outcomes: list[Outcome] = []
    for classification in ranked:
        person = classification.person
        rank: int | None = None
        if classification.qualified is not Level.NOT_CLASSIFIED:
            rank_counters[person.group] += 1
            rank = rank_counters[person.group]
        if classification.qualified is not Level.EXCELLENT:
            outcomes.append(Outcome(classification, classification.qualified, False, rank))
            continue
        unit_key, group_key = (UNIT, person.unit), (GROUP, person.group)
        unit_exempt = exception_lifts_unit and bool(exceptions.get(person.group))
        seen[unit_key] += 1
        seen[group_key] += 1
        unit_fits = unit_exempt or used[unit_key] < caps[unit_key]
        group_fits = used[group_key] < caps[group_key]
        fits = unit_fits and group_fits
        if fits:
            used[group_key] += 1
            if not unit_exempt:
                used[unit_key] += 1
        for scope_key in (unit_key, group_key):
            (within if fits else over)[scope_key] += 1
        placements = (
            QuotaPlacement(UNIT, person.unit, seen[unit_key], unit_fits, unit_exempt),
            QuotaPlacement(GROUP, person.group, seen[group_key], group_fits, False),
        )
        level = Level.EXCELLENT if fits else Level.EXCELLENT.one_below()
        outcomes.append(Outcome(classification, level, not fits, rank, placements))

    scopes = []
    for scope_key in sorted(good_or_better):
        kind, name = scope_key
        excepted = kind == GROUP and bool(exceptions.get(name))
        scopes.append(
            QuotaScope(
                kind=kind,
                name=name,
                good_or_better=good_or_better[scope_key],
                candidates=candidates[scope_key],
                share=exception_share if excepted else share,
                base_rule="exception" if excepted else base_rule,
                rounding=rounding,
                exception="; ".join(sorted(exceptions.get(name, ()))) if kind == GROUP else "",
                cap=caps[scope_key],
                within=within[scope_key],
                counted=used[scope_key],
                over=over[scope_key],
            )
        )
    return outcomes, scopes
