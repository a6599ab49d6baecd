"""Every write of the year-end classification: one transaction, with its audit entry, through the
declared transitions (:func:`congtam.core.workflow.perform`). A change to an existing
classification takes the ``version`` the user saw and locks the row: no lost update.

This module holds the year's own steps (opening, closing) and its facts, and the helpers the other
write modules share; the proposals, calibration, approval, appeals and self-assessments have their
own (:mod:`congtam.yearend.proposals`, :mod:`~congtam.yearend.calibration`,
:mod:`~congtam.yearend.approval`, :mod:`~congtam.yearend.appeals`,
:mod:`congtam.yearend.assessments.services`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from congtam.accounts.permissions import refuse_own_record
from congtam.audit.services import Subject, audit_record
from congtam.core import permissions
from congtam.core.workflow import perform
from congtam.org.models import Person, Unit
from congtam.org.services import ConcurrentEditError
from congtam.scoring import api as engine
from congtam.scoring.classify import Facts
from congtam.scoring.methods import MethodInputError
from congtam.scoring.policy import CRITERIA, DISCIPLINE_MEASURES, POINTS, Policy
from congtam.vietnamese import clean_text
from congtam.yearend import events
from congtam.yearend.models import Classification, ClassificationState, Fact, FactKind, LevelCode, Year, YearState

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


def _plain_rows(queryset, size: int = 50_000) -> Iterator[tuple]:
    """The rows of a ``values_list`` query as plain tuples, a chunk at a time: for the million
    period scores of a large agency, the ORM's per-row machinery costs more than the database."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(size):
            yield from rows


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


# --- closing the year -----------------------------------------------------------------------
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
