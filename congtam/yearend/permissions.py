"""Who may see and do what at year end: the year's steps, levels, appeals, facts, calibration,
the unit meeting and colleagues' feedback, reports, forms and summaries.

Each permission is declared once here, from the predicates of
:mod:`congtam.accounts.permissions` and the year-end ones below; the services, selectors, views,
templates and the ``@transition`` declarations of :mod:`congtam.yearend.models` ask them by name.
"""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from congtam.accounts.permissions import (
    is_admin,
    is_hr,
    is_inspector,
    is_leadership,
    is_signed_in,
    is_the_person,
    person_id,
)
from congtam.core.permissions import declare


# --- predicates on a classification ---------------------------------------------------------------
@rules.predicate
def is_classified_person(user, classification) -> bool:
    own = person_id(user)
    return own is not None and own == classification.person_id


@rules.predicate
def is_competent_authority(user, classification) -> bool:
    """The approver of the authority model, never the person themselves."""
    own = person_id(user)
    return own is not None and own == classification.approver_id and own != classification.person_id


@rules.predicate
def is_appeal_decider(user, classification) -> bool:
    """The level above the approver, recorded on the appeal when it was submitted."""
    own = person_id(user)
    appeal = getattr(classification, "appeal", None)
    return (
        own is not None
        and appeal is not None
        and own == appeal.decider_id
        and own not in (classification.person_id, classification.approver_id)
    )


@rules.predicate
def takes_part_in(user, classification) -> bool:
    """The person, their evaluator or their approver."""
    own = person_id(user)
    return own is not None and own in (
        classification.person_id,
        classification.evaluator_id,
        classification.approver_id,
    )


# --- predicates on a unit -------------------------------------------------------------------------
@rules.predicate
def heads_unit_or_above(user, unit) -> bool:
    """The head of the unit or of a unit above it: those who run its year end."""
    from congtam.org.models import Person, UnitRole

    own = person_id(user)
    return (
        own is not None
        and unit is not None
        and Person.objects.filter(
            pk=own, is_active=True, unit_role=UnitRole.HEAD, unit_id__in=[*unit.ancestor_ids(), unit.pk]
        ).exists()
    )


@rules.predicate
def works_in(user, unit) -> bool:
    """A working person of the unit itself."""
    from congtam.org.models import Person

    own = person_id(user)
    return own is not None and unit is not None and Person.objects.filter(pk=own, unit=unit, is_active=True).exists()


@rules.predicate
def heads_a_unit(user) -> bool:
    from congtam.org.models import Person, UnitRole

    own = person_id(user)
    return own is not None and Person.objects.filter(pk=own, is_active=True, unit_role=UnitRole.HEAD).exists()


@rules.predicate
def works_in_feedback_unit(user, feedback_round) -> bool:
    return works_in(user, feedback_round.unit)


# --- predicates on a person's facts (obj: (year, person)) -------------------------------------------
@rules.predicate
def approves_for_the_year(user, year_and_person) -> bool:
    """The competent authority of the person for the year: the approver recorded on their
    classification, or the one the organisation gives before there is one."""
    from congtam.org.authority import derive_for_person
    from congtam.yearend.models import Classification

    own = person_id(user)
    if own is None:
        return False
    year, person = year_and_person
    approver = Classification.objects.filter(year=year, person=person).values_list("approver_id", flat=True).first()
    if approver is None:
        approver = derive_for_person(person).approver.person_id
    return approver == own


@rules.predicate
def is_the_person_of_the_year(user, year_and_person) -> bool:
    return is_the_person(user, year_and_person[1])


@rules.predicate
def is_the_person_assessed(user, person) -> bool:
    return is_the_person(user, person)


@rules.predicate
def heads_the_persons_unit(user, person) -> bool:
    return heads_unit_or_above(user, person.unit)


runs_the_unit = is_hr | heads_unit_or_above  # HR, and the heads of the unit and above

# --- the year and its levels (the transitions of yearend.models) ------------------------------------
declare("yearend.run_year", is_hr, _("Only HR and the administrator run the year end."))
declare("yearend.change_level", is_competent_authority, _("Only the competent authority decides this level."))
declare(
    "yearend.record_outside_decision",
    is_hr,
    _("Only HR records the decision of an authority outside the installation."),
)
declare("yearend.respond_to_level", is_classified_person, _("Only the person acknowledges or appeals their level."))
declare("yearend.decide_appeal", is_appeal_decider, _("Only the level above the approver decides the appeal."))
# --- facts, calibration, self-assessment ------------------------------------------------------------
declare(
    "yearend.see_facts",
    is_hr | is_the_person_of_the_year | approves_for_the_year,
    _("Facts are visible to HR, the competent authority and the person only."),
)
declare("yearend.calibrate", runs_the_unit, _("Calibration is for HR and the heads of the unit."))
declare("yearend.see_calibration", is_inspector | runs_the_unit, _("Calibration is for HR and the heads of the unit."))
declare(
    "yearend.read_self_assessment",
    is_the_person_assessed | is_inspector | is_hr | heads_the_persons_unit,
    _("A self-assessment is read by the person, HR, the unit's heads and the inspector."),
)
declare(
    "yearend.list_self_assessments",
    is_hr | is_inspector,
    _("The list of self-assessments is for HR and the inspector."),
)
# --- the unit meeting and colleagues' feedback --------------------------------------------------------
declare("yearend.manage_meeting", runs_the_unit, _("The meeting is run by HR and the unit's heads."))
declare(
    "yearend.see_meeting",
    is_inspector | runs_the_unit | works_in,
    _("The minutes are seen by HR, the unit's heads and its people."),
)
declare(
    "yearend.see_unit_feedback",
    is_inspector | runs_the_unit,
    _("The unit's feedback is seen by HR and its heads."),
)
declare("yearend.answer_feedback", works_in_feedback_unit, _("Only the people of the unit answer its feedback round."))
# --- reports, forms and summaries ----------------------------------------------------------------------
report_reader = is_hr | is_leadership | is_inspector
declare(
    "yearend.see_reports",
    report_reader | heads_a_unit,
    _("Reports are for HR, the leadership, the inspector and the heads of units."),
)
declare("yearend.see_all_reports", report_reader)
declare(
    "yearend.see_gender_split",
    is_hr | is_admin,
    _("The split by gender is shown to HR and the administrator only."),
)
declare("yearend.see_talent", report_reader, _("The talent list is for HR, the leadership and the inspector."))
declare(
    "yearend.download_form",
    is_hr | is_inspector | takes_part_in,
    _("A form is downloaded by the person, their evaluator and approver, HR and the inspector."),
)
declare(
    "yearend.download_summary",
    report_reader | heads_unit_or_above,
    _("A summary is downloaded by HR, the leadership, the inspector and the unit's heads."),
)
declare("yearend.build_archive", is_hr, _("Only HR and the administrator build the archive of forms."))
declare("yearend.see_facts_in_summary", is_hr)
declare("yearend.see_own_record", is_signed_in)
declare("yearend.read_year", is_hr | is_inspector, _("This page is for HR and the inspector."))
