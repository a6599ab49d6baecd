"""Every write of the year-end classification: one transaction, with its audit entry, through the
declared transitions (:func:`congtam.core.workflow.perform`). A change to an existing
classification takes the ``version`` the user saw and locks the row: no lost update."""

from __future__ import annotations

import gc
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from congtam.accounts.permissions import refuse_own_record
from congtam.audit.models import AuditEntry
from congtam.audit.services import AuditDraft, Subject, audit_record, audit_record_many
from congtam.core import permissions
from congtam.core.bulk import copy_into, insert_rows
from congtam.core.permissions import Refused
from congtam.core.workflow import perform, refusal
from congtam.monitoring.models import Period, Review, ReviewState
from congtam.org.authority import derive_all, derive_for_person
from congtam.org.models import Person, Unit
from congtam.org.services import ConcurrentEditError
from congtam.scoring import api as engine
from congtam.scoring.classify import CriteriaInput, Facts, LeaderUnitCriteria, PeriodScore
from congtam.scoring.classify import Person as EnginePerson
from congtam.scoring.methods import MethodInputError
from congtam.scoring.policy import CRITERIA, DISCIPLINE_MEASURES, POINTS, Policy
from congtam.vietnamese import NumberFormatError, clean_text, read_number
from congtam.yearend import events
from congtam.yearend.models import (
    Appeal,
    AppealDecision,
    ChangeKind,
    Classification,
    ClassificationState,
    CriteriaSelfAssessment,
    Fact,
    FactKind,
    LevelChange,
    LevelCode,
    QuotaException,
    Year,
    YearState,
)
from congtam.yearend.quota import GROUP, UNIT, Row, ScopeStatus, quota_check

TWELVE = Decimal(12)


# --- small helpers ---------------------------------------------------------------------------
def _require_hr(actor, message: str) -> None:
    permissions.require(actor, "yearend.run_year", message=message)


def _reason(text: str, field_name: str = "reason") -> str:
    text = clean_text(text or "")
    if not text:
        raise ValidationError({field_name: _("Give the reason.")})
    return text


def _level(code: str, field_name: str = "level") -> str:
    if code not in LevelCode.values:
        raise ValidationError({field_name: _("Choose a level.")})
    return code


def _concurrent() -> ConcurrentEditError:
    return ConcurrentEditError(
        _(
            "Someone else changed this classification while you were working on it. Nothing was overwritten: "
            "reload the page to see their change, then make yours again."
        )
    )


def _lock(classification: Classification, expected_version: int | None) -> Classification:
    locked = (
        Classification.objects.select_for_update().select_related("year", "person", "unit").get(pk=classification.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise _concurrent()
    return locked


def _bump(instance) -> None:
    instance.version += 1


def _require_year_state(year: Year, *states: str) -> Year:
    """The year as it is in the database now, if at one of ``states``."""
    year = Year.objects.get(pk=year.pk)
    if year.state not in states:
        raise ValidationError(
            _("This is not possible while the year is at the step “%(state)s”.") % {"state": year.get_state_display()}
        )
    return year


def year_policy(year: Year) -> Policy:
    """The year's policy, refused if the preset changed since the year was opened."""
    policy = year.engine_policy()  # reads only policy_id and policy_overrides
    if policy.version != year.policy_version:
        raise ValidationError(
            _(
                "The policy preset %(policy)s is now at version %(now)s, but this year was opened under version "
                "%(then)s. A finished year keeps the rules it used: restore that version first."
            )
            % {"policy": year.policy_id, "now": policy.version, "then": year.policy_version}
        )
    return policy


def _notify(person_ids: Iterable[int], *, kind: str, title: str, url: str, body: str = "") -> None:
    from django.contrib.auth import get_user_model

    from congtam.notifications.services import notify

    users = list(get_user_model().objects.filter(person_id__in=[pk for pk in person_ids if pk], is_active=True))
    if users:
        notify(users, kind=kind, title=title, body=body, url=url)


# --- opening the year ------------------------------------------------------------------------
@transaction.atomic
def year_open(
    *,
    actor,
    agency,
    year: int,
    staff_group: str,
    policy_id: str,
    units: Iterable[Unit],
    policy_overrides: dict[str, str] | None = None,
    appeal_days: int | None = None,
) -> Year:
    """HR opens a year's classification for a staff group in a scope of units. The days to appeal
    after the announcement are the preset's ``appeal_days`` unless HR sets them."""
    _require_hr(actor, _("Only the personnel department opens a year's classification."))
    units = list(units)
    if not units:
        raise ValidationError({"units": _("Choose at least one unit.")})
    try:
        policy = engine.load_policy(policy_id, sorted((policy_overrides or {}).items()))
    except (MethodInputError, ValueError) as error:
        raise ValidationError({"policy_id": _("The policy cannot be used: %(error)s") % {"error": error}}) from None
    if appeal_days is None:
        appeal_days = int(policy.settings.values["appeal_days"])
    elif not 1 <= int(appeal_days) <= 90:
        raise ValidationError({"appeal_days": _("Give a number of days from 1 to 90.")})
    paths = list(
        Unit.objects.filter(
            pk__in=Year.units.through.objects.filter(
                year__agency=agency, year__year=year, year__staff_group=staff_group
            ).values("unit_id")
        ).values_list("path", flat=True)
    )
    if any(old.startswith(new.path) or new.path.startswith(old) for old in paths for new in units):
        raise ValidationError(
            _("The classification of %(year)s is already open for this staff group in one of these units.")
            % {"year": year}
        )
    opened = Year.objects.create(
        agency=agency,
        year=year,
        staff_group=staff_group,
        policy_id=policy.id,
        policy_version=policy.version,
        policy_overrides=dict(policy_overrides or {}),
        model=POINTS if policy.model == POINTS else CRITERIA,
        appeal_days=appeal_days,
        created_by=actor,
    )
    opened.units.set(units)
    audit_record(
        actor=actor,
        event=events.YEAR_OPENED,
        subject=opened,
        new={
            "year": year,
            "staff_group": staff_group,
            "policy": f"{policy.id} {policy.version}",
            "model": opened.model,
            "units": sorted(unit.code for unit in units),
            "appeal_days": appeal_days,
        },
    )
    return opened


def _year_step(actor, year: Year, transition: str) -> tuple[Year, str]:
    locked = Year.objects.select_for_update().get(pk=year.pk)
    before = locked.state
    perform(locked, transition, actor)
    _bump(locked)
    return locked, before


# --- facts -----------------------------------------------------------------------------------
FACT_FIELDS = (
    "discipline_measure",
    "decision_number",
    "decision_date",
    "violation",
    "already_counted",
    "months",
    "old_unit",
    "old_unit_opinion",
)


def _fact_values(fact: Fact) -> dict:
    return {
        "person": fact.person.staff_code,
        "kind": fact.kind,
        "discipline_measure": fact.discipline_measure,
        "decision_number": fact.decision_number,
        "decision_date": fact.decision_date.isoformat() if fact.decision_date else "",
        "violation": fact.violation,
        "already_counted": fact.already_counted,
        "months": str(fact.months) if fact.months is not None else "",
        "old_unit": fact.old_unit.code if fact.old_unit else "",
        "old_unit_opinion": fact.old_unit_opinion,
        "document_reference": fact.document_reference,
    }


def _check_fact(fact: Fact) -> None:
    errors: dict[str, str] = {}
    if not fact.document_reference:
        errors["document_reference"] = _("Give the document that backs this fact.")
    if fact.kind == FactKind.DISCIPLINE:
        if fact.discipline_measure not in DISCIPLINE_MEASURES:
            errors["discipline_measure"] = _("Choose the disciplinary measure.")
        if not fact.decision_number:
            errors["decision_number"] = _("Give the number of the disciplinary decision.")
        if fact.decision_date is None:
            errors["decision_date"] = _("Give the date of the disciplinary decision.")
        elif fact.decision_date.year > fact.year.year:
            errors["decision_date"] = _("The decision is dated after the year being classified.")
        if not fact.violation:
            errors["violation"] = _("Describe the violation.")
    if fact.kind in (FactKind.ABSENCE, FactKind.MATERNITY, FactKind.WORKED):
        if fact.months is None or not Decimal(0) <= fact.months <= TWELVE:
            errors["months"] = _("Give a number of months from 0 to 12.")
    if fact.kind == FactKind.TRANSFER and fact.old_unit is None:
        errors["old_unit"] = _("Choose the unit the person came from.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def fact_record(*, actor, year: Year, person: Person, kind: str, document_reference: str, **values) -> Fact:
    """HR records a fact that overrides a score, with its document. Audited like every write."""
    _require_hr(actor, _("Only the personnel department records the facts of the year."))
    refuse_own_record(actor, person.pk)
    year = _require_year_state(year, YearState.OPEN, YearState.CALIBRATING)
    if kind not in FactKind.values:
        raise ValidationError({"kind": _("Choose the kind of fact.")})
    unknown = set(values) - set(FACT_FIELDS)
    if unknown:
        raise TypeError(f"fact_record() got unknown fields {sorted(unknown)}")
    for name in ("decision_number", "violation", "old_unit_opinion"):
        if name in values:
            values[name] = clean_text(values[name] or "")
    fact = Fact(
        year=year,
        person=person,
        kind=kind,
        document_reference=clean_text(document_reference or ""),
        recorded_by=actor,
        **values,
    )
    _check_fact(fact)
    fact.save()
    audit_record(
        actor=actor,
        event=events.FACT_RECORDED,
        subject=Subject("org.person", str(person.pk), str(person)),
        new={"year": year.year, **_fact_values(fact)},
    )
    return fact


@transaction.atomic
def fact_remove(*, actor, fact: Fact, reason: str) -> None:
    """HR withdraws a fact recorded by mistake; the audit trail keeps what it said."""
    _require_hr(actor, _("Only the personnel department records the facts of the year."))
    refuse_own_record(actor, fact.person_id)
    _require_year_state(fact.year, YearState.OPEN, YearState.CALIBRATING)
    reason = _reason(reason)
    old = _fact_values(fact)
    person = fact.person
    fact.delete()
    audit_record(
        actor=actor,
        event=events.FACT_REMOVED,
        subject=Subject("org.person", str(person.pk), str(person)),
        old=old,
        reason=reason,
    )


def engine_facts(facts: Iterable[Fact]) -> Facts:
    """The engine's facts from the recorded ones: months added up; of several disciplinary
    measures, the heaviest that still counts (or, if every one was already counted, the heaviest)."""
    absent = maternity = Decimal(0)
    worked: Decimal | None = None
    measures: list[tuple[int, bool, str]] = []
    degradation = corruption = False
    for fact in facts:
        if fact.kind == FactKind.ABSENCE:
            absent += fact.months
        elif fact.kind == FactKind.MATERNITY:
            maternity += fact.months
        elif fact.kind == FactKind.WORKED:
            worked = fact.months if worked is None else min(worked, fact.months)
        elif fact.kind == FactKind.DISCIPLINE:
            measures.append(
                (DISCIPLINE_MEASURES.index(fact.discipline_measure), not fact.already_counted, fact.discipline_measure)
            )
        elif fact.kind == FactKind.DEGRADATION:
            degradation = True
        elif fact.kind == FactKind.CORRUPTION:
            corruption = True
    if worked is None:
        worked = max(TWELVE - absent - maternity, Decimal(0))
    discipline, already_counted = None, False
    if measures:
        counting = [m for m in measures if m[1]]
        _, still_counts, discipline = max(counting or measures)
        already_counted = not still_counts
    return Facts(
        months_worked=worked,
        months_absent=absent,
        months_maternity=maternity,
        discipline=discipline,
        discipline_already_counted=already_counted,
        degradation=degradation,
        corruption_in_unit=corruption,
    )


# --- criteria model: the self-assessment ------------------------------------------------------
def _percent(value, field_name: str) -> Decimal:
    try:
        number = read_number(value)
    except NumberFormatError:
        number = None
    if number is None or not Decimal(0) <= number <= Decimal(100):
        raise ValidationError({field_name: _("Give a percentage from 0 to 100.")})
    return number


def is_leader(person: Person) -> bool:
    """A head or deputy answers for the unit in their charge too (RULES.md §3.2)."""
    return person.unit_role in ("head", "deputy")


@transaction.atomic
def criteria_record(
    *,
    actor,
    year: Year,
    person: Person,
    shared_criteria_met: bool,
    completion_percent,
    exceeded_percent,
    short_percent,
    proposed_level: str = "",
    report: str = "",
    unit_results: dict | None = None,
    expected_version: int | None = None,
) -> CriteriaSelfAssessment:
    """The person writes the self-assessment and proposes their own level; HR may record it for
    them from a paper report. A head or deputy adds the results of the unit in their charge
    (``unit_results``: the percentages of :attr:`CriteriaSelfAssessment.UNIT_FIELDS`; the two on
    units directly managed are given together or not at all). Everything refused is said at once."""
    own = getattr(actor, "person_id", None) == person.pk
    if not (permissions.has_perm(actor, "yearend.run_year") or own):
        raise Refused(_("Only the person or the personnel department records the self-assessment."))
    if year.model != CRITERIA:
        raise ValidationError(_("This year is classified by points: there is no criteria self-assessment."))
    year = _require_year_state(year, YearState.OPEN)
    errors: dict[str, list[str]] = {}
    report = clean_text(report or "").strip()
    if own and not report:
        errors["report"] = [
            _("Write your self-assessment: what you were assigned, what you delivered, and the evidence.")
        ]
    if proposed_level:
        try:
            _level(proposed_level, "proposed_level")
        except ValidationError as error:
            errors.update(error.message_dict)
    elif own:
        errors["proposed_level"] = [_("Propose your own level.")]
    values = {
        "shared_criteria_met": bool(shared_criteria_met),
        "proposed_level": proposed_level,
        "report": report,
        "recorded_by": actor,
    }
    for name, value in (
        ("completion_percent", completion_percent),
        ("exceeded_percent", exceeded_percent),
        ("short_percent", short_percent),
    ):
        try:
            values[name] = _percent(value, name)
        except ValidationError as error:
            errors.update(error.message_dict)
    unit_results = {name: value for name, value in (unit_results or {}).items() if value not in (None, "")}
    if is_leader(person):
        for name in CriteriaSelfAssessment.UNIT_FIELDS:
            if name in unit_results:
                try:
                    values[name] = _percent(unit_results[name], name)
                except ValidationError as error:
                    errors.update(error.message_dict)
            elif name in CriteriaSelfAssessment.UNIT_FIELDS[:3]:
                errors[name] = [_("A head or deputy gives the results of the unit in their charge.")]
            else:
                values[name] = None
        given = [name for name in CriteriaSelfAssessment.UNIT_FIELDS[3:] if name in unit_results]
        if len(given) == 1:
            missing = (
                CriteriaSelfAssessment.UNIT_FIELDS[3]
                if given[0] != CriteriaSelfAssessment.UNIT_FIELDS[3]
                else CriteriaSelfAssessment.UNIT_FIELDS[4]
            )
            errors[missing] = [_("Give both shares of the units directly managed, or neither if there are none.")]
    elif unit_results:
        errors["__all__"] = [_("Only a head or deputy gives the results of a unit.")]
    else:
        values.update(dict.fromkeys(CriteriaSelfAssessment.UNIT_FIELDS))
    if errors:
        raise ValidationError(errors)
    assessment = CriteriaSelfAssessment.objects.select_for_update().filter(
        year=year, person=person
    ).first() or CriteriaSelfAssessment(year=year, person=person, version=0)
    if expected_version is not None and assessment.version != expected_version:
        raise ConcurrentEditError(
            _(
                "Someone else changed this self-assessment while you were working on it. "
                "Nothing was overwritten: reload the page to see their change, then make "
                "yours again."
            )
        )
    before = (
        {name: str(getattr(assessment, name)) for name in values if name != "recorded_by"} if assessment.pk else None
    )
    for name, value in values.items():
        setattr(assessment, name, value)
    assessment.version += 1
    assessment.save()
    audit_record(
        actor=actor,
        event=events.CRITERIA_RECORDED,
        subject=Subject("org.person", str(person.pk), str(person)),
        old=before,
        new={"year": year.year, **{k: str(v) for k, v in values.items() if k != "recorded_by"}},
    )
    return assessment


# --- the engine's proposals ------------------------------------------------------------------
@dataclass
class ProposalRun:
    classified: int = 0
    missing: list[Person] = field(default_factory=list)  # no approved period score / no self-assessment


def _plain_rows(queryset, size: int = 50_000) -> Iterator[tuple]:
    """The rows of a ``values_list`` query as plain tuples, a chunk at a time: for the million
    period scores of a large agency, the ORM's per-row machinery costs more than the database."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(size):
            yield from rows


def _period_scores(year: Year) -> dict[int, tuple[PeriodScore, ...]]:
    """Each person's (of :meth:`Year.scope_people`) approved period scores of the year, in the order of
    the periods (then of the reviews). One pass over 1.2 million rows for 100,000 people with
    monthly periods: the rows are read plainly and sorted here, and each distinct (period, score)
    pair is made once."""
    periods = list(
        Period.objects.filter(cycle__agency=year.agency, cycle__year=year.year).values_list(
            "pk", "cycle__frequency", "number", "starts_on"
        )
    )
    starts = {starts_on: rank for rank, starts_on in enumerate(sorted({row[3] for row in periods}))}
    rank_of = {pk: starts[starts_on] for pk, _frequency, _number, starts_on in periods}
    label_of = {pk: f"{frequency[0].upper()}{number}" for pk, frequency, number, _starts_on in periods}
    reviews = (
        Review.objects.filter(
            period_id__in=list(label_of), state=ReviewState.APPROVED, person_id__in=year.scope_people().values("pk")
        )
        .order_by()
        .values_list("person_id", "period_id", "pk", "score_exact")
    )
    made: dict[tuple[int, str], PeriodScore] = {}
    found: dict[int, list[tuple[int, int, PeriodScore]]] = defaultdict(list)
    for person_id, period_id, pk, score in _plain_rows(reviews):
        period_score = made.get((period_id, score))
        if period_score is None:
            period_score = made[(period_id, score)] = PeriodScore(label_of[period_id], Decimal(score))
        found[person_id].append((rank_of[period_id], pk, period_score))
    scores = {}
    for person_id, rows in found.items():
        rows.sort(key=_by_period)
        scores[person_id] = tuple(row[2] for row in rows)
    return scores


def _by_period(row: tuple[int, int, PeriodScore]) -> tuple[int, int]:
    return row[0], row[1]


def _criteria_inputs(year: Year) -> dict[int, CriteriaInput]:
    """Each self-assessment as the engine's input; a leader's unit results when recorded."""
    inputs = {}
    for row in year.self_assessments.all():
        unit = None
        if row.targets_completed_percent is not None:
            unit = LeaderUnitCriteria(
                row.targets_completed_percent,
                row.targets_exceeded_percent,
                row.on_time_percent,
                row.subunits_complete_or_better_percent,
                row.subunits_good_or_better_percent,
            )
        inputs[row.person_id] = CriteriaInput(
            row.shared_criteria_met, row.completion_percent, row.exceeded_percent, row.short_percent, unit
        )
    return inputs


def _pivotal(periods, policy: Policy) -> list[dict[str, str]]:
    """The period scores the level depends on (points model), for the calibration page."""
    return (
        [{"period": period.period, "score": str(period.score)} for period in engine.pivotal_periods(periods, policy)]
        if periods
        else []
    )


# What a run writes on each proposed row; a new row takes every other field's default.
PROPOSAL_FIELDS = (
    "unit",
    "group",
    "evaluator",
    "approver",
    "score_exact",
    "proposed_level",
    "qualified_level",
    "over_quota",
    "rank_in_group",
    "explanation",
    "pivotal_periods",
)
ATTEMPTS = 3
# The steps of a run, for its progress: reading, classifying, writing.
PROPOSAL_STEPS = 3


class _PersonRow(NamedTuple):
    pk: int
    staff_code: str
    full_name: str
    unit_id: int
    unit_code: str
    position_code: str | None
    unit_role: str


class _Existing(NamedTuple):
    pk: int
    person_id: int
    state: str
    group: str
    group_set_by_hr: bool
    version: int


@dataclass
class _ProposalPlan:
    """The cohort classified before the run's transaction, with what it was computed from that the
    transaction checks again (the existing rows by their version, when it writes them)."""

    year: Year
    policy: Policy
    fact_ids: list[int]
    exceptions: dict[str, str]
    result: engine.CohortResult | None = None
    scores: dict[int, tuple[PeriodScore, ...]] = field(default_factory=dict)
    authorities: dict = field(default_factory=dict)
    new: list[tuple] = field(default_factory=list)  # (outcome, person)
    existing: list[tuple] = field(default_factory=list)  # (outcome, person, the row as read)
    missing: list[int] = field(default_factory=list)  # person ids, in the order of the people


class _ProposalsChanged(Exception):
    """Something the proposals were computed from changed before they were written."""


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """A run over 100,000 people allocates millions of small acyclic objects (the explanation
    trees): the cyclic collector would make full passes that find nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _year_key(year: Year) -> tuple:
    return year.version, year.model, year.policy_id, year.policy_version, year.policy_overrides


def _facts_and_exceptions(year: Year) -> tuple[dict[int, list[Fact]], list[int], dict[str, str]]:
    facts: dict[int, list[Fact]] = defaultdict(list)
    for fact in year.facts.order_by("pk"):
        facts[fact.person_id].append(fact)
    fact_ids = sorted(fact.pk for person_facts in facts.values() for fact in person_facts)
    return facts, fact_ids, dict(year.quota_exceptions.values_list("group", "decision_reference"))


def _proposals_plan(year: Year, say: Callable[[int, int, str], None]) -> _ProposalPlan:
    """Read everything and classify the cohort: no write, no lock."""
    policy = year_policy(year)
    people = [
        _PersonRow(*row)
        for row in year.scope_people().values_list(
            "pk", "staff_code", "full_name", "unit_id", "unit__code", "position__code", "unit_role"
        )
    ]
    existing = {
        row.person_id: row
        for row in map(
            _Existing._make,
            year.classifications.order_by().values_list(
                "pk", "person_id", "state", "group", "group_set_by_hr", "version"
            ),
        )
    }
    facts, fact_ids, exceptions = _facts_and_exceptions(year)
    plan = _ProposalPlan(year, policy, fact_ids, exceptions)
    plan.authorities = {a.person_id: a for a in derive_all(agency=year.agency)}
    plan.scores = scores = _period_scores(year) if year.model == POINTS else {}
    criteria = _criteria_inputs(year) if year.model == CRITERIA else {}
    no_facts = engine_facts(())
    members, by_code = [], {}
    for person in people:
        known = existing.get(person.pk)
        group = known.group if known is not None and known.group_set_by_hr else (person.position_code or "")
        person_facts = facts.get(person.pk)
        engine_person = EnginePerson(
            person.staff_code,
            person.full_name,
            person.unit_code,
            group,
            is_leader=is_leader(person),
            facts=engine_facts(person_facts) if person_facts else no_facts,
            quota_exception=exceptions.get(group, ""),
        )
        member = engine.CohortMember(
            engine_person, periods=tuple(scores.get(person.pk, ())), criteria=criteria.get(person.pk)
        )
        incomplete = member.criteria is None or (engine_person.is_leader and member.criteria.unit is None)
        if (
            (year.model == POINTS and not member.periods) or (year.model == CRITERIA and incomplete)
        ) and engine_person.facts.months_worked >= TWELVE / 2:
            plan.missing.append(person.pk)
            continue
        members.append(member)
        by_code[person.staff_code] = person
    say(1, PROPOSAL_STEPS, _("Classifying each person and applying the quota…"))
    try:
        plan.result = engine.classify_cohort(members, policy)
    except MethodInputError as error:
        raise ValidationError(_("The engine refused the data: %(error)s") % {"error": error}) from None
    editable = (ClassificationState.PROPOSED, ClassificationState.CALIBRATED)
    for outcome in plan.result.outcomes:
        person = by_code[outcome.staff_code]
        known = existing.get(person.pk)
        if known is None:
            plan.new.append((outcome, person))
        elif known.state in editable:
            plan.existing.append((outcome, person, known))
    return plan


def _proposal_values(plan: _ProposalPlan, outcome, person: _PersonRow) -> tuple:
    """The PROPOSAL_FIELDS of one person's row, the explanation as JSON text."""
    result = plan.result
    authority = plan.authorities.get(person.pk)
    approver_id = authority.approver.person_id if authority else None
    score = outcome.classification.score
    explanation = {
        "tree": result.explanation(outcome),
        "reasons": {"vi": result.reasons(outcome, "vi"), "en": result.reasons(outcome, "en")},
    }
    return (
        person.unit_id,
        outcome.classification.person.group,
        authority.evaluator.person_id if authority else None,
        None if approver_id == person.pk else approver_id,
        "" if score is None else str(score),
        outcome.level.value,
        outcome.classification.qualified.value,
        outcome.over_quota,
        outcome.rank_in_group,
        _json(explanation),
        _json(_pivotal(plan.scores.get(person.pk, ()), plan.policy)),
    )


def _json(value) -> str:
    """JSON text of a JSONField's value, written by COPY or plain SQL (the value kept is the same)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _new_row_defaults() -> tuple[tuple[str, ...], tuple]:
    """The fields of a new classification that a run does not compute, with their defaults."""
    names, values = [], []
    for model_field in Classification._meta.concrete_fields:
        if model_field.primary_key or model_field.name in ("year", "person", *PROPOSAL_FIELDS):
            continue
        default = model_field.get_default()
        if isinstance(model_field, models.JSONField):
            default = _json(default)
        elif isinstance(default, str):
            default = str(default)  # a choice's value, not the enum member
        names.append(model_field.name)
        values.append(default)
    return tuple(names), tuple(values)


def _insert_proposals(rows: Iterable[tuple]) -> None:
    """New rows (year, person, *PROPOSAL_FIELDS): by COPY on PostgreSQL, else through insert_rows."""
    names, defaults = _new_row_defaults()
    fields = ("year", "person", *PROPOSAL_FIELDS, *names)
    if connection.vendor != "postgresql":
        values = [(*row, *defaults) for row in rows]
        if values:
            insert_rows(Classification, fields, values)
        return
    meta, quote = Classification._meta, connection.ops.quote_name
    with connection.cursor() as cursor:
        copy_into(
            cursor,
            quote(meta.db_table),
            [quote(meta.get_field(name).column) for name in fields],
            ((*row, *defaults) for row in rows),
        )


def _update_proposals(rows: Iterable[tuple]) -> int:
    """Write the proposed fields of the rows (pk, version read, *PROPOSAL_FIELDS) still at the
    version read, and bump it; returns how many were written. PostgreSQL: one COPY into a
    temporary table and one UPDATE from it."""
    meta, quote = Classification._meta, connection.ops.quote_name
    columns = [quote(meta.get_field(name).column) for name in PROPOSAL_FIELDS]
    table = quote(meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            types = ", ".join(
                f"{column} {meta.get_field(name).db_type(connection)}"
                for name, column in zip(PROPOSAL_FIELDS, columns, strict=True)
            )
            cursor.execute(f"CREATE TEMPORARY TABLE yearend_proposal_rows (id bigint, version integer, {types})")
            copy_into(cursor, "yearend_proposal_rows", ["id", "version", *columns], rows)
            assignments = ", ".join(f"{column} = new.{column}" for column in columns)
            cursor.execute(
                f"UPDATE {table} AS old SET {assignments}, version = old.version + 1 "
                f"FROM yearend_proposal_rows AS new WHERE old.id = new.id AND old.version = new.version"
            )
            written = cursor.rowcount
            cursor.execute("DROP TABLE yearend_proposal_rows")
            return written
        values = [(*row[2:], row[0], row[1]) for row in rows]
        if not values:
            return 0
        assignments = ", ".join(f"{column} = %s" for column in columns)
        cursor.executemany(
            f"UPDATE {table} SET {assignments}, version = version + 1 WHERE id = %s AND version = %s", values
        )
        return cursor.rowcount


@transaction.atomic
def _proposals_write(actor, plan: _ProposalPlan) -> ProposalRun:
    """Write the plan in one transaction, if nothing it was computed from changed meanwhile: the
    year (locked), its facts and quota exceptions, and each existing row's version. Each row's
    explanation is built as the row is written (the database takes in one row while Python builds
    the next)."""
    year = Year.objects.select_for_update().get(pk=plan.year.pk)
    perform(year, "propose", actor)
    _facts, fact_ids, exceptions = _facts_and_exceptions(year)
    if (_year_key(year), fact_ids, exceptions) != (_year_key(plan.year), plan.fact_ids, plan.exceptions):
        raise _ProposalsChanged
    _insert_proposals((year.pk, person.pk, *_proposal_values(plan, outcome, person)) for outcome, person in plan.new)
    written = _update_proposals(
        (known.pk, known.version, *_proposal_values(plan, outcome, person)) for outcome, person, known in plan.existing
    )
    if written != len(plan.existing):
        raise _ProposalsChanged
    year.save()
    found = Person.objects.in_bulk(plan.missing)
    run = ProposalRun(classified=len(plan.new) + len(plan.existing), missing=[found[pk] for pk in plan.missing])
    audit_record(
        actor=actor,
        event=events.PROPOSALS_COMPUTED,
        subject=year,
        new={
            "classified": run.classified,
            "missing": [p.staff_code for p in run.missing],
            "policy": f"{plan.policy.id} {plan.policy.version}",
            "state": year.state,
        },
    )
    return run


def proposals_compute(*, actor, year: Year, progress: Callable[[int, int, str], None] | None = None) -> ProposalRun:
    """The engine proposes each person's level, with the facts and the quota per unit and group.

    Points model: the mean of the person's approved period scores of the year (exact Decimals;
    a transferred person's periods in the old unit count). Criteria model: the recorded
    self-assessment. Run again during calibration, it refreshes the proposals and keeps HR's
    calibrated levels and groups. People without scores or self-assessment are listed, not guessed.

    The cohort is read and classified outside any transaction, then written in one transaction
    that locks the year: all the rows or none. A change made meanwhile to what the proposals
    depend on (a calibration, a group, a fact, a quota exception) makes the run compute again
    rather than overwrite it. ``progress(step, PROPOSAL_STEPS, what)`` says which step is under
    way (reading, classifying, writing); a run again computes and writes the same rows."""
    say = progress or (lambda step, steps, what: None)
    for attempt in range(1, ATTEMPTS + 1):
        year = Year.objects.get(pk=year.pk)
        problem = refusal(year, "propose", actor)
        if problem is not None:
            raise problem
        say(0, PROPOSAL_STEPS, _("Reading the scores, the facts and the organisation…"))
        with _no_cyclic_gc():
            plan = _proposals_plan(year, say)
            say(2, PROPOSAL_STEPS, _("Writing each person's proposal and its explanation…"))
            try:
                return _proposals_write(actor, plan)
            except _ProposalsChanged:
                pass
            except IntegrityError:  # another run created some of the rows meanwhile
                if attempt == ATTEMPTS:
                    raise
    raise ValidationError(_("The classifications kept changing while the proposals were computed. Compute them again."))


@dataclass(frozen=True)
class ProposalsLastRun:
    seq: int  # of its audit entry
    at: datetime
    classified: int
    missing: list[str]  # "staff code full name" of the people left out for lack of data


def proposals_last_run(year: Year) -> ProposalsLastRun | None:
    """The year's last computation of the proposals, as its audit entry keeps it (whoever started
    it and however): when, how many people were classified, and who was left out for lack of data."""
    entry = (
        AuditEntry.objects.filter(
            event=events.PROPOSALS_COMPUTED, subject_type=Year._meta.label_lower, subject_id=str(year.pk)
        )
        .order_by("-seq")
        .only("seq", "created_at", "new")
        .first()
    )
    if entry is None:
        return None
    values = entry.new or {}
    codes = [str(code) for code in values.get("missing", [])]
    names = dict(Person.objects.filter(staff_code__in=codes).values_list("staff_code", "full_name")) if codes else {}
    return ProposalsLastRun(
        entry.seq,
        entry.created_at,
        int(values.get("classified", 0)),
        [f"{code} {names.get(code, '')}".rstrip() for code in codes],
    )


# --- quota after a change --------------------------------------------------------------------
@dataclass
class QuotaReport:
    """What a change did to the quota: the scopes touched, and those over quota who now fit."""

    scopes: list[ScopeStatus]
    now_fit: list[Row]


def _rows(year: Year) -> list[Row]:
    """Every classification of the year as the quota sees it, without names (read for the few who
    are named afterwards: see :func:`_named`), in no order (quota_check ranks them)."""
    return [
        Row(pk, unit_id, group, amended or approved or calibrated or proposed, over, rank, "")
        for pk, unit_id, group, proposed, calibrated, approved, amended, over, rank in _plain_rows(
            year.classifications.order_by().values_list(
                "pk",
                "unit_id",
                "group",
                "proposed_level",
                "calibrated_level",
                "approved_level",
                "amended_level",
                "over_quota",
                "rank_in_group",
            )
        )
    ]


def _named(rows: list[Row]) -> list[Row]:
    names = dict(Classification.objects.filter(pk__in=[row.pk for row in rows]).values_list("pk", "person__full_name"))
    return [replace(row, name=names[row.pk]) for row in rows]


def _quota_after_change(year: Year, classification: Classification) -> QuotaReport:
    """Recount the quota of the classification's unit and group; refuse (roll back) if either is
    now over its cap, naming the scope; otherwise say who, over quota before, now fits."""
    policy = year_policy(year)
    exceptions = dict(year.quota_exceptions.values_list("group", "decision_reference"))
    scopes = quota_check(_rows(year), policy, exceptions)
    touched = [scopes[key] for key in ((UNIT, classification.unit_id), (GROUP, classification.group)) if key in scopes]
    for status in touched:
        if status.exceeded:
            what = (
                _("the group “%(group)s”") % {"group": status.key}
                if status.kind == GROUP
                else _("the unit %(unit)s") % {"unit": classification.unit}
            )
            raise ValidationError(
                _(
                    "This change would put %(count)s people at HTXSNV in %(what)s, over its cap of %(cap)s. Lower "
                    "someone else first, or record a quota exception for the group with its decision."
                )
                % {"count": status.excellent, "what": what, "cap": status.cap}
            )
    unit_status = scopes.get((UNIT, classification.unit_id))
    group_status = scopes.get((GROUP, classification.group))
    now_fit = []
    if group_status is not None:
        for row in group_status.next_in_line:
            unit = scopes[(UNIT, row.unit_id)]
            if row.pk != classification.pk and (unit.free_places > 0 or row.group in exceptions):
                now_fit.append(row)
    if unit_status is not None:
        for row in unit_status.next_in_line:
            if row.pk != classification.pk and row not in now_fit and scopes[(GROUP, row.group)].free_places > 0:
                now_fit.append(row)
    return QuotaReport(touched, _named(now_fit))


def _change(actor, classification: Classification, *, kind: str, before: str, after: str, reason: str) -> None:
    LevelChange.objects.create(
        classification=classification, kind=kind, from_level=before, to_level=after, reason=reason, changed_by=actor
    )


@transaction.atomic
def level_change(
    *, actor, classification: Classification, expected_version: int, level: str, reason: str
) -> QuotaReport:
    """Calibration: HR changes a proposed level, with a reason. The quota of the person's unit and
    group is checked again; a change that would exceed a cap is refused."""
    refuse_own_record(actor, classification.person_id)
    classification = _lock(classification, expected_version)
    _require_year_state(classification.year, YearState.CALIBRATING)
    level, reason = _level(level), _reason(reason)
    before = classification.level
    if level == before:
        raise ValidationError({"level": _("The level is already %(level)s.") % {"level": level}})
    perform(classification, "calibrate", actor)
    classification.calibrated_level = "" if level == classification.proposed_level else level
    classification.calibration_reason = reason
    _bump(classification)
    classification.save()
    _change(actor, classification, kind=ChangeKind.CALIBRATION, before=before, after=level, reason=reason)
    report = _quota_after_change(classification.year, classification)
    audit_record(
        actor=actor,
        event=events.LEVEL_CHANGED,
        subject=classification,
        old={"level": before},
        new={"level": level, "now_fit": [row.name for row in report.now_fit]},
        reason=reason,
    )
    return report


@transaction.atomic
def group_set(
    *, actor, classification: Classification, expected_version: int, group: str, reason: str
) -> Classification:
    """HR puts a person in another group with similar duties (the default is the position code)."""
    _require_hr(actor, _("Only the personnel department sets the groups."))
    refuse_own_record(actor, classification.person_id)
    classification = _lock(classification, expected_version)
    _require_year_state(classification.year, YearState.OPEN, YearState.CALIBRATING)
    group, reason = clean_text(group or ""), _reason(reason)
    if not group:
        raise ValidationError({"group": _("Give the group.")})
    before = classification.group
    classification.group, classification.group_set_by_hr = group, True
    _bump(classification)
    classification.save()
    audit_record(
        actor=actor,
        event=events.GROUP_SET,
        subject=classification,
        old={"group": before},
        new={"group": group},
        reason=reason,
    )
    return classification


@transaction.atomic
def quota_exception_record(*, actor, year: Year, group: str, decision_reference: str, reason: str) -> QuotaException:
    """HR records an authorised exception to the quota for one group, with its decision. It takes
    effect when the proposals are computed again."""
    _require_hr(actor, _("Only the personnel department records a quota exception."))
    year = _require_year_state(year, YearState.OPEN, YearState.CALIBRATING)
    group, decision, reason = clean_text(group or ""), clean_text(decision_reference or ""), _reason(reason)
    errors = {}
    if not group:
        errors["group"] = _("Give the group.")
    if not decision:
        errors["decision_reference"] = _("Give the decision that authorises the exception.")
    if errors:
        raise ValidationError(errors)
    if year.quota_exceptions.filter(group=group).exists():
        raise ValidationError({"group": _("An exception is already recorded for this group.")})
    exception = QuotaException.objects.create(
        year=year, group=group, decision_reference=decision, reason=reason, recorded_by=actor
    )
    audit_record(
        actor=actor,
        event=events.QUOTA_EXCEPTION_RECORDED,
        subject=year,
        new={"group": group, "decision_reference": decision},
        reason=reason,
    )
    return exception


# --- approval and announcement -----------------------------------------------------------------
@transaction.atomic
def year_submit_for_approval(*, actor, year: Year) -> Year:
    """Calibration ends: HR hands the levels to the competent authorities."""
    year, before = _year_step(actor, year, "submit_for_approval")
    year.save()
    audit_record(
        actor=actor, event=events.YEAR_STATE_CHANGED, subject=year, old={"state": before}, new={"state": year.state}
    )
    return year


def _approve_one(classification: Classification, actor, now) -> AuditDraft:
    perform(classification, "approve", actor)
    classification.approved_level = classification.calibrated_level or classification.proposed_level
    classification.approved_by, classification.approved_at = actor, now
    _bump(classification)
    classification.save()
    return AuditDraft(
        event=events.LEVEL_APPROVED,
        subject=Subject.of(classification),
        new={"level": classification.approved_level, "state": classification.state},
    )


@transaction.atomic
def approve(*, actor, classification: Classification, expected_version: int) -> Classification:
    """The competent authority approves one person's level; nobody approves their own."""
    refuse_own_record(actor, classification.person_id)
    classification = _lock(classification, expected_version)
    _require_year_state(classification.year, YearState.APPROVING)
    audit_record_many(actor=actor, drafts=[_approve_one(classification, actor, timezone.now())])
    return classification


@transaction.atomic
def approve_unit(*, actor, year: Year, unit: Unit) -> int:
    """The competent authority approves, at once, every level of a unit that awaits their own
    approval; the others are left as they are. Returns how many were approved."""
    year = _require_year_state(year, YearState.APPROVING)
    person_id = getattr(actor, "person_id", None)
    locked = list(
        Classification.objects.select_for_update()
        .filter(
            year=year,
            unit=unit,
            approver_id=person_id,
            state__in=[ClassificationState.PROPOSED, ClassificationState.CALIBRATED],
        )
        .exclude(person_id=person_id)
    )
    now = timezone.now()
    drafts = [_approve_one(classification, actor, now) for classification in locked]
    if drafts:
        audit_record_many(actor=actor, drafts=drafts)
    return len(drafts)


@transaction.atomic
def announce(*, actor, year: Year) -> int:
    """Every level approved: the results are announced. Each person is told in the app and by
    e-mail; the list is public inside the agency."""
    year, before = _year_step(actor, year, "announce")
    pending = year.classifications.exclude(state=ClassificationState.APPROVED).count()
    if pending:
        raise ValidationError(
            ngettext("%(count)s level is not approved yet.", "%(count)s levels are not approved yet.", pending)
            % {"count": pending}
        )
    classifications = list(year.classifications.all())
    for classification in classifications:
        perform(classification, "announce", actor)
        _bump(classification)
    Classification.objects.bulk_update(classifications, ["state", "version"], batch_size=1000)
    year.announced_at = timezone.now()
    year.save()
    audit_record(
        actor=actor,
        event=events.RESULTS_ANNOUNCED,
        subject=year,
        old={"state": before},
        new={"state": year.state, "announced": len(classifications)},
    )
    url = reverse("yearend:my_result", kwargs={"pk": year.pk})
    _notify(
        [c.person_id for c in classifications],
        kind="yearend.announced",
        url=url,
        title=_("Your classification for %(year)s is announced") % {"year": year.year},
        body=_("See your level and its explanation; acknowledge it or appeal within %(days)s days.")
        % {"days": year.appeal_days},
    )
    return len(classifications)


def appeal_deadline(year: Year):
    return timezone.localtime(year.announced_at).date() + timedelta(days=year.appeal_days)


@transaction.atomic
def acknowledge(*, actor, classification: Classification, expected_version: int) -> Classification:
    classification = _lock(classification, expected_version)
    perform(classification, "acknowledge", actor)
    classification.acknowledged_at = timezone.now()
    _bump(classification)
    classification.save()
    audit_record(
        actor=actor, event=events.RESULT_ACKNOWLEDGED, subject=classification, new={"state": classification.state}
    )
    return classification


@transaction.atomic
def appeal_submit(
    *, actor, classification: Classification, expected_version: int, reason: str, documents: str = ""
) -> Appeal:
    """The person appeals within the deadline; the appeal goes to the level above the approver
    (the approver's own competent authority)."""
    classification = _lock(classification, expected_version)
    if permissions.has_perm(
        actor, "yearend.respond_to_level", classification
    ) and timezone.localdate() > appeal_deadline(classification.year):
        raise ValidationError(
            _("The deadline to appeal was %(date)s.")
            % {"date": appeal_deadline(classification.year).strftime("%d/%m/%Y")}
        )
    reason = _reason(reason)
    perform(classification, "submit_appeal", actor)
    decider = None
    if classification.approver_id:
        decider = derive_for_person(classification.approver).approver.person_id
    if decider is None or decider in (classification.person_id, classification.approver_id):
        raise ValidationError(
            _("No one above the approver can decide this appeal: ask the personnel department to set the authority.")
        )
    appeal = Appeal.objects.create(
        classification=classification,
        reason=reason,
        documents=clean_text(documents or ""),
        deadline=appeal_deadline(classification.year),
        decider_id=decider,
    )
    _bump(classification)
    classification.save()
    audit_record(
        actor=actor,
        event=events.APPEAL_SUBMITTED,
        subject=classification,
        new={"state": classification.state, "decider": decider},
        reason=reason,
    )
    _notify(
        [decider],
        kind="yearend.appeal",
        url=reverse("yearend:appeals"),
        title=_("An appeal against a classification awaits your decision"),
    )
    return appeal


@transaction.atomic
def appeal_decide(
    *, actor, appeal: Appeal, expected_version: int, decision: str, reason: str, new_level: str = ""
) -> QuotaReport | None:
    """The level above the approver upholds or changes the level, with a reason. A changed level
    is checked against the quota of the unit and group (refused if it would exceed a cap) and the
    report says who, over quota before, now fits."""
    refuse_own_record(actor, appeal.classification.person_id)
    classification = _lock(appeal.classification, expected_version)
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    classification.appeal = appeal
    if decision not in AppealDecision.values:
        raise ValidationError({"decision": _("Choose whether the level is upheld or changed.")})
    reason = _reason(reason)
    perform(classification, "decide_appeal", actor)
    before = classification.level
    report = None
    if decision == AppealDecision.CHANGED:
        new_level = _level(new_level, "new_level")
        if new_level == before:
            raise ValidationError({"new_level": _("The level is already %(level)s.") % {"level": new_level}})
        classification.approved_level = new_level
        _change(actor, classification, kind=ChangeKind.APPEAL, before=before, after=new_level, reason=reason)
    else:
        new_level = ""
    appeal.decision, appeal.new_level, appeal.decision_reason = decision, new_level, reason
    appeal.decided_by, appeal.decided_at = actor, timezone.now()
    appeal.save()
    _bump(classification)
    classification.save()
    if decision == AppealDecision.CHANGED:
        report = _quota_after_change(classification.year, classification)
    audit_record(
        actor=actor,
        event=events.APPEAL_DECIDED,
        subject=classification,
        old={"level": before},
        new={
            "decision": decision,
            "level": classification.level,
            "now_fit": [row.name for row in report.now_fit] if report else [],
        },
        reason=reason,
    )
    _notify(
        [classification.person_id],
        kind="yearend.appeal_decided",
        url=reverse("yearend:my_result", kwargs={"pk": classification.year_id}),
        title=_("Your appeal has been decided"),
    )
    return report


@transaction.atomic
def year_close(*, actor, year: Year) -> Year:
    """No appeal pending: every result becomes final and the year locks."""
    year, before = _year_step(actor, year, "close")
    pending = year.classifications.filter(state=ClassificationState.APPEALED).count()
    if pending:
        raise ValidationError(
            ngettext("%(count)s appeal is not decided yet.", "%(count)s appeals are not decided yet.", pending)
            % {"count": pending}
        )
    classifications = list(
        year.classifications.filter(state__in=[ClassificationState.ANNOUNCED, ClassificationState.ACKNOWLEDGED])
    )
    for classification in classifications:
        perform(classification, "finalise", actor)
        _bump(classification)
    Classification.objects.bulk_update(classifications, ["state", "version"], batch_size=1000)
    year.save()
    audit_record(
        actor=actor,
        event=events.YEAR_CLOSED,
        subject=year,
        old={"state": before},
        new={"state": year.state, "finalised": len(classifications)},
    )
    return year


@transaction.atomic
def amend_after_close(
    *, actor, classification: Classification, expected_version: int, level: str, reason: str
) -> Classification:
    """After closing, only HR corrects a level, with a reason, as a visible amendment: the
    approved level stays readable and the change is kept."""
    _require_hr(actor, _("Only the personnel department amends a closed year."))
    refuse_own_record(actor, classification.person_id)
    classification = _lock(classification, expected_version)
    _require_year_state(classification.year, YearState.CLOSED)
    level, reason = _level(level), _reason(reason)
    before = classification.level
    if level == before:
        raise ValidationError({"level": _("The level is already %(level)s.") % {"level": level}})
    classification.amended_level = level
    _bump(classification)
    classification.save()
    _change(actor, classification, kind=ChangeKind.AMENDMENT, before=before, after=level, reason=reason)
    audit_record(
        actor=actor,
        event=events.LEVEL_AMENDED,
        subject=classification,
        old={"level": before},
        new={"level": level, "approved_level": classification.approved_level},
        reason=reason,
    )
    return classification
