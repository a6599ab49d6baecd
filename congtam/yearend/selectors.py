"""Reads of the year-end classification, with visibility per viewer.

Facts are sensitive personal data (DESIGN §6): only HR, the competent authority (the person's
approver) and the person see them, and every read is logged in the audit trail.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from operator import attrgetter
from typing import NamedTuple

from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q

from congtam.accounts.permissions import person_id, signed_in
from congtam.audit.services import Subject, audit_record
from congtam.core import permissions
from congtam.org.models import Person, Unit
from congtam.yearend import events
from congtam.yearend.models import (
    Appeal,
    Classification,
    ClassificationState,
    CriteriaSelfAssessment,
    Fact,
    LevelCode,
    Year,
    YearState,
    standing_level,
)
from congtam.yearend.quota import GROUP, UNIT, ScopeStatus, quota_of_unit
from congtam.yearend.services import year_policy

LEVEL_ORDER = [code for code, _label in LevelCode.choices]
ANNOUNCED_STATES = (
    ClassificationState.ANNOUNCED,
    ClassificationState.ACKNOWLEDGED,
    ClassificationState.APPEALED,
    ClassificationState.FINAL,
)


def facts_for(*, viewer, year: Year, person: Person) -> list[Fact]:
    """The person's facts of the year; the read is logged. Refused for anyone else."""
    permissions.require(viewer, "yearend.see_facts", (year, person))
    facts = list(year.facts.filter(person=person).select_related("old_unit", "recorded_by"))
    with transaction.atomic():
        audit_record(
            actor=viewer,
            event=events.FACTS_VIEWED,
            subject=Subject("org.person", str(person.pk), str(person)),
            new={"year": year.year, "facts": len(facts)},
        )
    return facts


# --- calibration -------------------------------------------------------------------------------
@dataclass
class RaterAverage:
    evaluator: str
    people: int
    average: Decimal


@dataclass
class GroupView:
    group: str
    rows: list[Classification]
    distribution: list[tuple[str, int]]
    quota: ScopeStatus
    candidates: int  # qualified for HTXSNV before the quota
    average: Decimal | None
    raters: list[RaterAverage] = field(default_factory=list)
    # Whose level depends on one rating: leaving out one period score alone would change it.
    depends_on_one_rating: list[Classification] = field(default_factory=list)
    # ``rows`` are one page of the group's ranking: ``size`` people in all, page ``page`` of ``pages``.
    size: int = 0
    page: int = 1
    pages: int = 1

    @property
    def first(self) -> int:
        return (self.page - 1) * ROWS_PER_PAGE + 1

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1

    @property
    def previous_page(self) -> int:
        return self.page - 1

    @property
    def next_page(self) -> int:
        return self.page + 1


@dataclass
class CalibrationView:
    year: Year
    unit: Unit
    unit_quota: ScopeStatus | None
    groups: list[GroupView]
    exceptions: dict[str, str]


def _mean(values: list[Decimal]) -> Decimal | None:
    return sum(values, Decimal(0)) / len(values) if values else None


# Rows of a group's ranking shown at once: each carries its forms, the costly part of the page, so a
# group of 5,000 is read a page at a time (its figures still count every row).
ROWS_PER_PAGE = 20


class _Ranked(NamedTuple):
    pk: int
    group: str
    proposed_level: str
    calibrated_level: str
    approved_level: str
    amended_level: str
    qualified_level: str
    score_exact: str
    evaluator_id: int | None
    has_pivotal: bool
    rank_in_group: int | None
    person_id: int

    @property
    def level(self) -> str:
        return standing_level(self)

    @property
    def exact_score(self) -> Decimal | None:
        return Decimal(self.score_exact) if self.score_exact else None


def _by_name_within_ties(ranked: list[_Ranked]) -> list[_Ranked]:
    """The rows in the order of group, rank, then name (the people without a rank): the database
    orders by group and rank, and the names are read only for those who share a rank, always in
    one query (joining every person to sort 5,000 rows would cost more than the rest)."""
    runs = [list(run) for _key, run in groupby(ranked, key=attrgetter("group", "rank_in_group"))]
    tied = sorted({row.person_id for run in runs if len(run) > 1 for row in run})
    keys = dict(Person.objects.filter(pk__in=tied or [0]).values_list("pk", "sort_key"))
    ordered = []
    for run in runs:
        if len(run) > 1:
            run.sort(key=lambda row: (keys[row.person_id], row.pk))
        ordered.extend(run)
    return ordered


def _page_of(members: list[_Ranked], requested: int, showing: set[int]) -> int:
    """The page asked for, or the one holding a row that must be seen (a form sent back with errors)."""
    for index, member in enumerate(members):
        if member.pk in showing:
            return index // ROWS_PER_PAGE + 1
    return min(max(requested, 1), max(1, -(-len(members) // ROWS_PER_PAGE)))


def calibration_view(
    *, viewer, year: Year, unit: Unit, group: str | None = None, page: int = 1, showing: Iterable[int] = ()
) -> CalibrationView:
    """Per group of the unit: the distribution of levels, the quota (who qualifies, the cap, who
    fits and who is over, in rank order), and each rater's average against the group's, from every
    row; the ranking itself a page at a time (``page`` of ``group``, the first page of the others,
    or the page holding a row of ``showing``). A fixed number of queries whatever the number of people."""
    permissions.require(viewer, "yearend.see_calibration", unit)
    exceptions = dict(year.quota_exceptions.values_list("group", "decision_reference"))
    ranked = _by_name_within_ties(
        [
            _Ranked(*row)
            for row in year.classifications.filter(unit=unit)
            .order_by("group", "rank_in_group", "pk")
            .annotate(has_pivotal=ExpressionWrapper(~Q(pivotal_periods=[]), output_field=BooleanField()))
            .values_list(
                "pk",
                "group",
                "proposed_level",
                "calibrated_level",
                "approved_level",
                "amended_level",
                "qualified_level",
                "score_exact",
                "evaluator_id",
                "has_pivotal",
                "rank_in_group",
                "person_id",
            )
        ]
    )
    # The quota counts the whole unit and the whole group (a group spans units), in the database.
    by_group: dict[str, list[_Ranked]] = defaultdict(list)
    for row in ranked:
        by_group[row.group].append(row)
    scopes = (
        quota_of_unit(year.classifications.all(), unit.pk, by_group, year_policy(year), exceptions) if ranked else {}
    )
    showing = set(showing)
    pages = {name: _page_of(members, page if name == group else 1, showing) for name, members in by_group.items()}
    shown = {
        name: members[(pages[name] - 1) * ROWS_PER_PAGE : pages[name] * ROWS_PER_PAGE]
        for name, members in by_group.items()
    }
    wanted = {member.pk for members in shown.values() for member in members}
    wanted |= {member.pk for member in ranked if member.has_pivotal}
    loaded = Classification.objects.select_related("person", "evaluator").defer("explanation").in_bulk(wanted)
    evaluators = dict(
        Person.objects.filter(pk__in={row.evaluator_id for row in ranked if row.evaluator_id}).values_list(
            "pk", "full_name"
        )
    )
    groups = []
    for name, members in by_group.items():
        counts = Counter(member.level for member in members)
        scored = [member.exact_score for member in members if member.exact_score is not None]
        raters: dict[str, list[Decimal]] = defaultdict(list)
        for member in members:
            if member.exact_score is not None:
                raters[evaluators[member.evaluator_id] if member.evaluator_id else "—"].append(member.exact_score)
        groups.append(
            GroupView(
                group=name,
                rows=[loaded[member.pk] for member in shown[name]],
                distribution=[(code, counts.get(code, 0)) for code in LEVEL_ORDER],
                quota=scopes.get((GROUP, name)) or ScopeStatus(GROUP, name),
                candidates=sum(1 for member in members if member.qualified_level == LevelCode.EXCELLENT),
                average=_mean(scored),
                raters=[RaterAverage(rater, len(values), _mean(values)) for rater, values in sorted(raters.items())],
                depends_on_one_rating=[loaded[member.pk] for member in members if member.has_pivotal],
                size=len(members),
                page=pages[name],
                pages=-(-len(members) // ROWS_PER_PAGE),
            )
        )
    return CalibrationView(year, unit, scopes.get((UNIT, unit.pk)), groups, exceptions)


# --- approval, results, appeals ----------------------------------------------------------------
def awaiting_approval(*, viewer, year: Year):
    """The levels the viewer approves, not yet approved (never their own)."""
    if person_id(viewer) is None:
        return Classification.objects.none()
    return (
        year.classifications.filter(
            approver_id=viewer.person_id, state__in=[ClassificationState.PROPOSED, ClassificationState.CALIBRATED]
        )
        .exclude(person_id=viewer.person_id)
        .select_related("person", "unit")
        .order_by("unit__path", "group", "rank_in_group", "person__sort_key")
    )


def awaiting_outside_decision(*, viewer, year: Year):
    """For HR: the levels whose competent authority is outside the installation (an agency's
    head), not yet approved; HR records that authority's decision for each."""
    if not permissions.has_perm(viewer, "yearend.record_outside_decision", year):
        return Classification.objects.none()
    return (
        year.classifications.filter(
            approver__isnull=True, state__in=[ClassificationState.PROPOSED, ClassificationState.CALIBRATED]
        )
        .exclude(person_id=person_id(viewer))
        .select_related("person", "unit")
        .order_by("unit__path", "person__sort_key")
    )


def my_result(*, viewer, year: Year) -> Classification | None:
    """The viewer's own classification, once announced."""
    if person_id(viewer) is None:
        return None
    return (
        Classification.objects.filter(year=year, person_id=viewer.person_id, state__in=ANNOUNCED_STATES)
        .select_related("year", "person", "unit")
        .first()
    )


@dataclass
class ResultEvidence:
    """What a person's level rests on: the approved period reviews of the year (points model, each
    with its work items and evidence on the review page) or the self-assessment (criteria model),
    and the unit meeting that discussed it."""

    reviews: list = field(default_factory=list)
    self_assessment: CriteriaSelfAssessment | None = None
    meeting_unit: Unit | None = None


def result_evidence(*, classification: Classification) -> ResultEvidence:
    """For the person's own result page: two queries."""
    from congtam.monitoring.models import Review, ReviewState
    from congtam.yearend.meetings.models import UnitMeeting

    year = classification.year
    evidence = ResultEvidence()
    if year.model == "points":
        evidence.reviews = list(
            Review.objects.filter(
                person_id=classification.person_id,
                state=ReviewState.APPROVED,
                period__cycle__agency_id=year.agency_id,
                period__cycle__year=year.year,
            )
            .select_related("period__cycle")
            .order_by("period__starts_on", "pk")
        )
    else:
        evidence.self_assessment = CriteriaSelfAssessment.objects.filter(
            year=year, person_id=classification.person_id
        ).first()
    if UnitMeeting.objects.filter(year=year, unit_id=classification.unit_id, adopted=True).exists():
        evidence.meeting_unit = classification.unit
    return evidence


def public_list(*, viewer, year: Year):
    """The announced results, public inside the agency: names, units and levels only."""
    if not signed_in(viewer) or year.state not in (YearState.ANNOUNCED, YearState.CLOSED):
        return Classification.objects.none()
    return (
        year.classifications.filter(state__in=ANNOUNCED_STATES)
        .select_related("person", "unit")
        .only(
            "pk",
            "state",
            "proposed_level",
            "calibrated_level",
            "approved_level",
            "amended_level",
            "person__full_name",
            "person__staff_code",
            "person__sort_key",
            "unit__name",
            "unit__path",
        )
        .order_by("unit__path", "person__sort_key")
    )


def appeals_awaiting(*, viewer):
    if person_id(viewer) is None:
        return Appeal.objects.none()
    return (
        Appeal.objects.filter(decider_id=viewer.person_id, decided_at__isnull=True)
        .select_related("classification__person", "classification__unit", "classification__year")
        .order_by("submitted_at")
    )


def years_list(*, viewer):
    if not signed_in(viewer):
        return Year.objects.none()
    return Year.objects.all().order_by("-year", "staff_group")
