"""Reads of the unit meeting and of colleague feedback, with visibility per viewer.

The minutes are seen by HR, the heads of the unit (and of the units above it) and the people of the
unit. Colleague feedback is seen only as aggregates: the mean of each question and the number of
answers, and only where at least :data:`~congtam.yearend.meetings.feedback_form.MIN_ANSWERS`
colleagues answered — enforced here, so no page can show less. The person sees their own
aggregate; HR and the heads see the unit's. Nothing here returns an answer or its author.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count

from congtam.accounts.permissions import person_id
from congtam.core import permissions
from congtam.org.models import Person, Unit
from congtam.yearend.meetings import feedback_form
from congtam.yearend.meetings.models import FeedbackAnswer, FeedbackRound, MeetingAmendment, UnitMeeting
from congtam.yearend.models import CriteriaSelfAssessment, Year

CENTS = Decimal("0.01")


def people_of(unit: Unit) -> list[Person]:
    """The working people of the unit itself, in Vietnamese order."""
    return list(Person.objects.filter(unit=unit, is_active=True).order_by("sort_key", "staff_code"))


# --- the unit meeting ------------------------------------------------------------------------
@dataclass
class Minutes:
    meeting: UnitMeeting | None
    present: list[Person]
    absent: list[Person]
    discussions: list
    amendments: list[MeetingAmendment]
    self_proposed: dict[int, str] = field(default_factory=dict)  # person id -> the level they proposed


def meeting_minutes(*, viewer, year: Year, unit: Unit) -> Minutes:
    """The meeting of the unit for the year as its minutes read. Refused for anyone else."""
    permissions.require(viewer, "yearend.see_meeting", unit)
    meeting = UnitMeeting.objects.filter(year=year, unit=unit).select_related("chair", "secretary").first()
    if meeting is None:
        return Minutes(None, [], [], [], [])
    attendances = list(meeting.attendances.select_related("person").order_by("person__sort_key", "person__staff_code"))
    return Minutes(
        meeting=meeting,
        present=[row.person for row in attendances if row.present],
        absent=[row.person for row in attendances if not row.present],
        discussions=list(
            meeting.discussions.select_related("person").order_by("person__sort_key", "person__staff_code")
        ),
        amendments=list(meeting.amendments.select_related("person", "amended_by")),
        self_proposed=dict(
            CriteriaSelfAssessment.objects.filter(year=year, person__unit=unit)
            .exclude(proposed_level="")
            .values_list("person_id", "proposed_level")
        ),
    )


# --- colleague feedback ----------------------------------------------------------------------
@dataclass
class Aggregate:
    """One person's feedback once the round is closed: how many colleagues answered and, from
    MIN_ANSWERS up, the mean of each question (else ``means`` is None: not shown). While the round
    is open nothing per person is shown (``answers`` is None): a count or a mean that moves between
    two reads would tell who answered about whom, and what."""

    person: Person
    answers: int | None
    means: list[tuple[feedback_form.Question, Decimal]] | None

    @property
    def shown(self) -> bool:
        return self.means is not None


def feedback_round(year: Year, unit: Unit) -> FeedbackRound | None:
    return FeedbackRound.objects.filter(year=year, unit=unit).select_related("year", "unit").first()


def _aggregates(feedback_round: FeedbackRound, people: list[Person]) -> list[Aggregate]:
    """One query whatever the number of people or answers; none while the round is open."""
    if feedback_round.closed_at is None:
        return [Aggregate(person, None, None) for person in people]
    rows = {
        row["subject_id"]: row
        for row in FeedbackAnswer.objects.filter(round=feedback_round, subject__in=[person.pk for person in people])
        .values("subject_id")
        .annotate(answers=Count("pk"), **{field: Avg(field) for field in feedback_form.QUESTION_FIELDS})
        .order_by()
    }
    result = []
    for person in people:
        row = rows.get(person.pk)
        count = row["answers"] if row else 0
        means = None
        if count >= feedback_form.MIN_ANSWERS:
            means = [
                (question, Decimal(str(row[question.field])).quantize(CENTS)) for question in feedback_form.QUESTIONS
            ]
        result.append(Aggregate(person, count, means))
    return result


def feedback_answer_total(feedback_round: FeedbackRound) -> int:
    """How many answers the round has in all: the progress HR follows while it is open."""
    return feedback_round.answers.count()


def feedback_unit_aggregates(*, viewer, feedback_round: FeedbackRound) -> list[Aggregate]:
    """Every person of the unit's aggregate, for HR and the unit's heads."""
    permissions.require(viewer, "yearend.see_unit_feedback", feedback_round.unit)
    return _aggregates(feedback_round, people_of(feedback_round.unit))


def feedback_own_aggregate(*, viewer, feedback_round: FeedbackRound) -> Aggregate | None:
    """The viewer's own aggregate, if the viewer is a person of the round's unit."""
    if not permissions.has_perm(viewer, "yearend.answer_feedback", feedback_round):
        return None
    person = Person.objects.get(pk=viewer.person_id)
    return _aggregates(feedback_round, [person])[0]


def feedback_colleagues(*, viewer, feedback_round: FeedbackRound) -> list[tuple[Person, bool]]:
    """The viewer's colleagues in the round's unit, each with whether the viewer has answered about
    them (the viewer's own answers only)."""
    if not permissions.has_perm(viewer, "yearend.answer_feedback", feedback_round):
        return []
    answered = set(
        FeedbackAnswer.objects.filter(round=feedback_round, author_id=viewer.person_id).values_list(
            "subject_id", flat=True
        )
    )
    return [
        (person, person.pk in answered) for person in people_of(feedback_round.unit) if person.pk != viewer.person_id
    ]


def feedback_rounds_of(*, viewer, year: Year) -> list[FeedbackRound]:
    """The rounds the viewer takes part in (their own unit's) for the year."""
    if person_id(viewer) is None:
        return []
    return list(
        FeedbackRound.objects.filter(
            year=year, unit__people__pk=viewer.person_id, unit__people__is_active=True
        ).select_related("year", "unit")
    )
