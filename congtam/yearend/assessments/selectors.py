"""Reads of the self-assessments of the criteria model, with visibility per viewer."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from congtam.core import permissions
from congtam.org.models import Person, Unit, UnitRole
from congtam.yearend.models import CriteriaSelfAssessment, Year


def in_year(year: Year, person: Person) -> bool:
    return year.scope_people().filter(pk=person.pk).exists()


def self_assessment(*, viewer, year: Year, person: Person) -> CriteriaSelfAssessment | None:
    permissions.require(viewer, "yearend.read_self_assessment", person)
    return CriteriaSelfAssessment.objects.filter(year=year, person=person).select_related("recorded_by").first()


@dataclass
class AssessmentRow:
    person: Person
    assessment: CriteriaSelfAssessment | None
    leader: bool


def self_assessment_list(*, viewer, year: Year, unit: Unit | None = None, missing_only: bool = False):
    """Everyone of the year with their self-assessment or its absence, for HR and the inspector:
    a queryset of people annotated with the assessment's id (one query per page, see ``rows``)."""
    permissions.require(viewer, "yearend.list_self_assessments")
    people = year.scope_people()
    if unit is not None:
        people = people.filter(unit__path__startswith=unit.path)
    assessments = CriteriaSelfAssessment.objects.filter(year=year, person=OuterRef("pk"))
    people = people.annotate(assessment_id=Subquery(assessments.values("pk")[:1]))
    if missing_only:
        people = people.filter(assessment_id__isnull=True)
    return people.select_related("unit").order_by("unit__path", "sort_key", "staff_code")


def assessment_rows(people) -> list[AssessmentRow]:
    """One page of :func:`self_assessment_list` with the assessments: one more query."""
    people = list(people)
    found = {
        a.pk: a
        for a in CriteriaSelfAssessment.objects.filter(
            pk__in=[p.assessment_id for p in people if p.assessment_id]
        ).select_related("recorded_by")
    }
    return [
        AssessmentRow(p, found.get(p.assessment_id), p.unit_role in (UnitRole.HEAD, UnitRole.DEPUTY)) for p in people
    ]
