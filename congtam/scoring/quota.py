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
from congtam.vietnamese import name_sort_key

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
    raw = share * base / (ONE + share) if base_rule == "good_only" else share * base
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
    if tie_break == "staff_code":  # the common case, kept flat because it runs for everyone
        return (-classification.qualified.order, -classification.rank_score, classification.person.staff_code)
    return (-classification.qualified.order, -classification.rank_score, tie_break_key(classification, tie_break))


def apply_quota(
    classifications: Sequence[Classification], settings: PolicySettings
) -> tuple[list[Outcome], list[QuotaScope]]:
    """Rank everyone, count each scope's base, compute the caps, admit candidates in rank order.

    Returns the outcomes in ranking order (best first; total, so independent of input order)
    and one :class:`QuotaScope` per unit and per group.
    """
    values = settings.values
    tie_break = str(values["quota_tie_break"])
    share: Decimal = values["quota_share"]  # type: ignore[assignment]
    base_rule = str(values["quota_base"])
    rounding = str(values["quota_rounding"])
    exception_share: Decimal = values["quota_exception_share"]  # type: ignore[assignment]
    exception_lifts_unit = bool(values["quota_exception_lifts_unit_cap"])

    # The ranking is total (staff codes are unique), so the input order never matters.
    ranked = sorted(classifications, key=lambda c: ranking_key(c, tie_break))

    counts = {UNIT: defaultdict(int), GROUP: defaultdict(int)}  # qualifying HTTNV or better
    candidates = {UNIT: defaultdict(int), GROUP: defaultdict(int)}  # qualifying HTXSNV
    exceptions: dict[str, set[str]] = defaultdict(set)
    unit_counts, group_counts = counts[UNIT], counts[GROUP]
    excellent, good = Level.EXCELLENT, Level.GOOD
    for classification in ranked:
        person = classification.person
        if person.quota_exception:
            exceptions[person.group].add(person.quota_exception)
        qualified = classification.qualified
        if qualified is excellent or qualified is good:
            unit_counts[person.unit] += 1
            group_counts[person.group] += 1
            if qualified is excellent:
                candidates[UNIT][person.unit] += 1
                candidates[GROUP][person.group] += 1

    caps: dict[str, dict[str, int]] = {UNIT: {}, GROUP: {}}
    for kind in (UNIT, GROUP):
        for name, base in counts[kind].items():
            if kind == GROUP and exceptions.get(name):
                caps[kind][name] = cap_for(base, exception_share, "good_or_better", rounding)
            else:
                caps[kind][name] = cap_for(base, share, base_rule, rounding)

    used = {UNIT: defaultdict(int), GROUP: defaultdict(int)}  # admissions counted against the cap
    within = {UNIT: defaultdict(int), GROUP: defaultdict(int)}
    over = {UNIT: defaultdict(int), GROUP: defaultdict(int)}
    seen = {UNIT: defaultdict(int), GROUP: defaultdict(int)}
    rank_counters: dict[str, int] = defaultdict(int)
    outcomes: list[Outcome] = []
    append = outcomes.append
    not_classified = Level.NOT_CLASSIFIED
    for classification in ranked:
        person = classification.person
        qualified = classification.qualified
        rank: int | None = None
        if qualified is not not_classified:
            rank = rank_counters[person.group] + 1
            rank_counters[person.group] = rank
        if qualified is not excellent:
            append(Outcome(classification, qualified, False, rank))
            continue
        unit, group = person.unit, person.group
        unit_exempt = exception_lifts_unit and bool(exceptions.get(group))
        seen[UNIT][unit] += 1
        seen[GROUP][group] += 1
        unit_fits = unit_exempt or used[UNIT][unit] < caps[UNIT][unit]
        group_fits = used[GROUP][group] < caps[GROUP][group]
        fits = unit_fits and group_fits
        if fits:
            used[GROUP][group] += 1
            if not unit_exempt:
                used[UNIT][unit] += 1
        tally = within if fits else over
        tally[UNIT][unit] += 1
        tally[GROUP][group] += 1
        placements = (
            QuotaPlacement(UNIT, unit, seen[UNIT][unit], unit_fits, unit_exempt),
            QuotaPlacement(GROUP, group, seen[GROUP][group], group_fits, False),
        )
        level = excellent if fits else excellent.one_below()
        append(Outcome(classification, level, not fits, rank, placements))

    scopes = []
    for kind in (GROUP, UNIT):
        for name in sorted(counts[kind]):
            excepted = kind == GROUP and bool(exceptions.get(name))
            scopes.append(
                QuotaScope(
                    kind=kind,
                    name=name,
                    good_or_better=counts[kind][name],
                    candidates=candidates[kind][name],
                    share=exception_share if excepted else share,
                    base_rule="exception" if excepted else base_rule,
                    rounding=rounding,
                    exception="; ".join(sorted(exceptions.get(name, ()))) if kind == GROUP else "",
                    cap=caps[kind][name],
                    within=within[kind][name],
                    counted=used[kind][name],
                    over=over[kind][name],
                )
            )
    return outcomes, scopes
