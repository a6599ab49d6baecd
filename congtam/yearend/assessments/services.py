"""Writes of the self-assessment of the criteria model (one transaction each, with its audit entry)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from congtam.audit.services import Subject, audit_record
from congtam.core import permissions
from congtam.core.permissions import Refused
from congtam.org.models import Person
from congtam.org.services import ConcurrentEditError
from congtam.scoring.policy import CRITERIA
from congtam.vietnamese import NumberFormatError, clean_text, read_number
from congtam.yearend import events
from congtam.yearend.models import CriteriaSelfAssessment, Year, YearState
from congtam.yearend.services import _level, _require_year_state


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
