"""The engine's proposals of the year-end classification: every person's level with its explanation,
read and classified outside any transaction, then written in one (by COPY on PostgreSQL)."""

from __future__ import annotations

import gc
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils.translation import gettext as _

from congtam.audit.models import AuditEntry
from congtam.audit.services import audit_record
from congtam.core.bulk import copy_into, insert_rows
from congtam.core.workflow import perform, refusal
from congtam.monitoring.models import Period, Review, ReviewState
from congtam.org.authority import derive_all
from congtam.org.models import Person
from congtam.scoring import api as engine
from congtam.scoring.classify import CriteriaInput, LeaderUnitCriteria, PeriodScore
from congtam.scoring.classify import Person as EnginePerson
from congtam.scoring.methods import MethodInputError
from congtam.scoring.policy import CRITERIA, POINTS, Policy
from congtam.yearend import events
from congtam.yearend.assessments.services import is_leader
from congtam.yearend.models import Classification, ClassificationState, Fact, Year
from congtam.yearend.services import TWELVE, _plain_rows, engine_facts, year_policy


@dataclass
class ProposalRun:
    classified: int = 0
    missing: list[Person] = field(default_factory=list)  # no approved period score / no self-assessment


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
