"""Writes of the unit meeting and of colleague feedback (RULES.md §3.4): one transaction each, with
its audit entry. The meeting is recorded by HR or a head of the unit (or of a unit above it); once
its minutes are adopted it is locked and a correction is an amendment with its reason.

Colleague feedback: HR opens a round for a unit; each person of the unit answers the anchored form
about each colleague, once. The audit entry of an answer names the round only — never the colleague
answered about nor the levels given — so that not even the audit log shows who wrote what.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date as Date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from congtam.accounts.permissions import refuse_own_record
from congtam.audit.services import Subject, audit_record
from congtam.core import permissions
from congtam.org.models import Person, Unit, UnitRole
from congtam.org.services import ConcurrentEditError
from congtam.vietnamese import clean_text, nfc
from congtam.yearend.meetings import events, feedback_form
from congtam.yearend.meetings import selectors as seen
from congtam.yearend.meetings.models import (
    FeedbackAnswer,
    FeedbackRound,
    MeetingAmendment,
    MeetingAttendance,
    MeetingDiscussion,
    UnitMeeting,
)
from congtam.yearend.models import LevelCode, Year, YearState
from congtam.yearend.services import _notify as notify_people

OPEN_STATES = (YearState.OPEN, YearState.CALIBRATING)
LEADERS = (UnitRole.HEAD, UnitRole.DEPUTY)


# --- checks ----------------------------------------------------------------------------------
def _require_year_open(year: Year) -> Year:
    year = Year.objects.get(pk=year.pk)
    if year.state not in OPEN_STATES:
        raise ValidationError(
            _(
                "The unit meeting and colleague feedback are recorded before approval; this year "
                "is at the step “%(state)s”."
            )
            % {"state": year.get_state_display()}
        )
    return year


def _require_unit_in_year(year: Year, unit: Unit) -> None:
    if not year.units.filter(pk__in=[*unit.ancestor_ids(), unit.pk]).exists():
        raise ValidationError(_("The unit %(unit)s is not part of this year-end classification.") % {"unit": unit})


def _require_manager(actor, unit: Unit) -> None:
    permissions.require(
        actor, "yearend.manage_meeting", unit, message=_("Only HR or a head of the unit records its meeting.")
    )


def _text(value: str, field: str, message: str) -> str:
    value = clean_text(value or "")
    if not value:
        raise ValidationError({field: message})
    return value


def _paragraphs(value: str | None) -> str:
    """Free text of the minutes: normalised, trimmed, its line breaks kept."""
    return nfc(str(value or "")).strip()


def _locked_meeting(meeting: UnitMeeting, version: int | None) -> UnitMeeting:
    locked = UnitMeeting.objects.select_for_update().select_related("year", "unit").get(pk=meeting.pk)
    if version is not None and locked.version != version:
        raise ConcurrentEditError(
            _(
                "Someone else changed these minutes while you were working on them. Nothing "
                "was overwritten: reload the page to see their change, then make yours again."
            )
        )
    return locked


def _subject(meeting: UnitMeeting) -> Subject:
    return Subject("yearend.unitmeeting", str(meeting.pk), str(meeting))


# --- the unit meeting ------------------------------------------------------------------------
@transaction.atomic
def meeting_record(
    *,
    actor,
    year: Year,
    unit: Unit,
    date: Date,
    place: str,
    chair: Person,
    secretary: Person,
    agenda: str,
    present: Iterable[int],
    version: int | None = None,
) -> UnitMeeting:
    """Record (or correct, before adoption) the meeting: when, where, who chaired and took the
    minutes, the agenda, and which people of the unit were present."""
    _require_manager(actor, unit)
    year = _require_year_open(year)
    _require_unit_in_year(year, unit)
    people = {person.pk: person for person in seen.people_of(unit)}
    present_ids = set(present)
    errors = {}
    if date is None or date > timezone.localdate():
        errors["date"] = _("Give the date the meeting was held (not in the future).")
    for field, person in (("chair", chair), ("secretary", secretary)):
        if person is None or person.pk not in present_ids:
            errors[field] = _("Choose a person of the unit who was present.")
    if not present_ids or not present_ids <= people.keys():
        errors["present"] = _("Tick the people of the unit who were present.")
    values = {"date": date, "place": clean_text(place or ""), "agenda": _paragraphs(agenda)}
    if not values["place"]:
        errors["place"] = _("Give the place of the meeting.")
    if not values["agenda"]:
        errors["agenda"] = _("Give the agenda of the meeting.")
    if errors:
        raise ValidationError(errors)
    meeting = UnitMeeting.objects.filter(year=year, unit=unit).first()
    old = None
    if meeting is None:
        meeting = UnitMeeting.objects.create(
            year=year, unit=unit, chair=chair, secretary=secretary, recorded_by=actor, **values
        )
    else:
        meeting = _locked_meeting(meeting, version)
        if meeting.adopted:
            raise ValidationError(_("The minutes are adopted: correct them by an amendment with its reason."))
        old = _header(meeting)
        for name, value in {**values, "chair": chair, "secretary": secretary}.items():
            setattr(meeting, name, value)
        meeting.version += 1
        meeting.save()
        meeting.attendances.all().delete()
    MeetingAttendance.objects.bulk_create(
        MeetingAttendance(meeting=meeting, person_id=pk, present=pk in present_ids) for pk in people
    )
    audit_record(actor=actor, event=events.MEETING_RECORDED, subject=_subject(meeting), old=old, new=_header(meeting))
    return meeting


def _header(meeting: UnitMeeting) -> dict:
    return {
        "date": meeting.date.strftime("%d/%m/%Y"),
        "place": meeting.place,
        "chair": meeting.chair_id,
        "secretary": meeting.secretary_id,
        "agenda": meeting.agenda,
        "present": sorted(meeting.attendances.filter(present=True).values_list("person_id", flat=True)),
    }


def _discussion_values(
    meeting: UnitMeeting,
    person: Person,
    *,
    presentation: str,
    comments: str,
    proposed_level: str,
    vote_held: bool,
    votes_for: int | None,
    votes_against: int | None,
    votes_abstain: int | None,
    party_committee_opinion: str,
) -> dict:
    """The discussion as it will be kept, or every reason it cannot be, at once."""
    errors = {}
    if person.unit_id != meeting.unit_id:
        errors["person"] = _("Only people of the unit are discussed at its meeting.")
    values = {
        "presentation": _paragraphs(presentation),
        "comments": _paragraphs(comments),
        "proposed_level": proposed_level,
        "vote_held": bool(vote_held),
        "party_committee_opinion": _paragraphs(party_committee_opinion),
        "votes_for": None,
        "votes_against": None,
        "votes_abstain": None,
    }
    if not values["presentation"]:
        errors["presentation"] = _("Summarise what the person presented.")
    if proposed_level not in LevelCode.values:
        errors["proposed_level"] = _("Choose a level.")
    if vote_held:
        votes = {"votes_for": votes_for, "votes_against": votes_against, "votes_abstain": votes_abstain}
        present = meeting.attendances.filter(present=True).count()
        if any(count is None or count < 0 for count in votes.values()):
            errors["votes_for"] = _("Give the votes for, against and abstentions (0 where none).")
        elif sum(votes.values()) > present:
            errors["votes_for"] = _("%(votes)s votes were counted but only %(present)s people were present.") % {
                "votes": sum(votes.values()),
                "present": present,
            }
        values.update(votes)
    if person.unit_role in LEADERS and not values["party_committee_opinion"]:
        errors["party_committee_opinion"] = _("For a head or deputy head, record the Party committee's opinion.")
    if errors:
        raise ValidationError(errors)
    return values


def _discussion_snapshot(discussion: MeetingDiscussion | None) -> dict | None:
    if discussion is None:
        return None
    return {
        name: getattr(discussion, name)
        for name in (
            "presentation",
            "comments",
            "proposed_level",
            "vote_held",
            "votes_for",
            "votes_against",
            "votes_abstain",
            "party_committee_opinion",
        )
    }


@transaction.atomic
def meeting_discussion_record(
    *, actor, meeting: UnitMeeting, person: Person, version: int | None = None, **discussion
) -> MeetingDiscussion:
    """Record what was said about one person: their presentation, colleagues' comments, the proposed
    level and, where a vote was held, its count; for a head or deputy, the Party committee's opinion."""
    refuse_own_record(actor, person.pk)  # the minutes about oneself are written by HR
    _require_manager(actor, meeting.unit)
    meeting = _locked_meeting(meeting, version)
    _require_year_open(meeting.year)
    if meeting.adopted:
        raise ValidationError(_("The minutes are adopted: correct them by an amendment with its reason."))
    values = _discussion_values(meeting, person, **discussion)
    existing = meeting.discussions.filter(person=person).first()
    old = _discussion_snapshot(existing)
    record, _created = MeetingDiscussion.objects.update_or_create(meeting=meeting, person=person, defaults=values)
    meeting.version += 1
    meeting.save(update_fields=["version"])
    audit_record(
        actor=actor,
        event=events.MEETING_DISCUSSION_RECORDED,
        subject=_subject(meeting),
        old=old,
        new={"person": person.staff_code, **_discussion_snapshot(record)},
    )
    return record


@transaction.atomic
def meeting_adopt(*, actor, meeting: UnitMeeting, version: int | None = None) -> UnitMeeting:
    """The minutes are adopted at the meeting: from now on they change only by amendment."""
    _require_manager(actor, meeting.unit)
    meeting = _locked_meeting(meeting, version)
    if meeting.adopted:
        raise ValidationError(_("These minutes are already adopted."))
    if not meeting.discussions.exists():
        raise ValidationError(_("Record the discussion of at least one person before adopting the minutes."))
    meeting.adopted = True
    meeting.adopted_at = timezone.now()
    meeting.version += 1
    meeting.save(update_fields=["adopted", "adopted_at", "version"])
    audit_record(
        actor=actor,
        event=events.MEETING_ADOPTED,
        subject=_subject(meeting),
        old={"adopted": False},
        new={"adopted": True, "discussed": meeting.discussions.count()},
    )
    return meeting


@transaction.atomic
def meeting_amend(
    *, actor, meeting: UnitMeeting, person: Person, reason: str, version: int | None = None, **discussion
) -> MeetingAmendment:
    """Correct the adopted minutes about one person: the amendment keeps before, after and why."""
    refuse_own_record(actor, person.pk)  # the minutes about oneself are written by HR
    _require_manager(actor, meeting.unit)
    meeting = _locked_meeting(meeting, version)
    if not meeting.adopted:
        raise ValidationError(_("The minutes are not adopted yet: correct them directly."))
    reason = _text(reason, "reason", _("Give the reason."))
    values = _discussion_values(meeting, person, **discussion)
    existing = meeting.discussions.filter(person=person).first()
    old = _discussion_snapshot(existing) or {}
    record, _created = MeetingDiscussion.objects.update_or_create(meeting=meeting, person=person, defaults=values)
    new = _discussion_snapshot(record)
    amendment = MeetingAmendment.objects.create(
        meeting=meeting, person=person, old=old, new=new, reason=reason, amended_by=actor
    )
    meeting.version += 1
    meeting.save(update_fields=["version"])
    audit_record(
        actor=actor,
        event=events.MEETING_AMENDED,
        subject=_subject(meeting),
        old=old,
        new={"person": person.staff_code, **new},
        reason=reason,
    )
    return amendment


# --- colleague feedback ----------------------------------------------------------------------
@transaction.atomic
def feedback_open(*, actor, year: Year, unit: Unit) -> FeedbackRound:
    permissions.require(actor, "yearend.run_year", message=_("Only HR opens a round of colleague feedback."))
    year = _require_year_open(year)
    _require_unit_in_year(year, unit)
    if FeedbackRound.objects.filter(year=year, unit=unit).exists():
        raise ValidationError(_("Colleague feedback is already open for this unit and year."))
    feedback_round = FeedbackRound.objects.create(year=year, unit=unit, opened_by=actor)
    audit_record(
        actor=actor,
        event=events.FEEDBACK_OPENED,
        subject=Subject("yearend.feedbackround", str(feedback_round.pk), f"{unit} — {year.year}"),
        new={"year": year.year, "unit": unit.code},
    )
    notify_people(
        [person.pk for person in seen.people_of(unit)],
        kind="yearend.feedback",
        url=reverse("yearend:my_feedback", kwargs={"pk": year.pk}),
        title=_(
            "Colleague feedback %(year)s is open for %(unit)s: tell what you have seen of each "
            "colleague's work. Your name is never shown."
        )
        % {"year": year.year, "unit": unit.name},
    )
    return feedback_round


@transaction.atomic
def feedback_close(*, actor, feedback_round: FeedbackRound) -> FeedbackRound:
    """No more answers: the aggregates appear (from MIN_ANSWERS answers up)."""
    permissions.require(actor, "yearend.run_year", message=_("Only HR closes a round of colleague feedback."))
    feedback_round = FeedbackRound.objects.select_for_update().select_related("year", "unit").get(pk=feedback_round.pk)
    if feedback_round.closed_at is not None:
        raise ValidationError(_("This round of colleague feedback is already closed."))
    feedback_round.closed_at = timezone.now()
    feedback_round.closed_by = actor
    feedback_round.save(update_fields=["closed_at", "closed_by"])
    audit_record(
        actor=actor,
        event=events.FEEDBACK_CLOSED,
        subject=Subject(
            "yearend.feedbackround", str(feedback_round.pk), f"{feedback_round.unit} — {feedback_round.year.year}"
        ),
        new={"answers": feedback_round.answers.count()},
    )
    return feedback_round


def _levels(answers: Mapping[str, object]) -> dict[str, int]:
    levels, errors = {}, {}
    for field in feedback_form.QUESTION_FIELDS:
        try:
            level = int(answers.get(field))
        except (TypeError, ValueError):
            level = None
        if level not in feedback_form.LEVELS:
            errors[field] = _("Choose a level from 1 to 5.")
        levels[field] = level
    if errors:
        raise ValidationError(errors)
    return levels


# Who the audit log names for a colleague's feedback (stored as is, like the system's own label).
FEEDBACK_ACTOR_LABEL = "đồng nghiệp (ẩn danh)"


@transaction.atomic
def feedback_answer(*, actor, feedback_round: FeedbackRound, subject: Person, answers: Mapping[str, object]) -> None:
    """The actor's answer about a colleague of the same unit, once. Returns nothing: nobody reads
    an answer back."""
    author_id = getattr(actor, "person_id", None)
    permissions.require(
        actor,
        "yearend.answer_feedback",
        feedback_round,
        message=_("Only the people of the unit give feedback on their colleagues."),
    )
    _require_year_open(feedback_round.year)
    if FeedbackRound.objects.filter(pk=feedback_round.pk, closed_at__isnull=False).exists():
        raise ValidationError(_("This round of colleague feedback is closed."))
    if subject.pk == author_id:
        raise ValidationError(_("You give feedback on your colleagues, not on yourself."))
    if subject.unit_id != feedback_round.unit_id or not subject.is_active:
        raise ValidationError(_("Feedback is given only on colleagues of the same unit."))
    levels = _levels(answers)
    if FeedbackAnswer.objects.filter(round=feedback_round, subject=subject, author_id=author_id).exists():
        raise ValidationError(_("You have already given feedback on this colleague."))
    try:
        with transaction.atomic():
            FeedbackAnswer.objects.create(round=feedback_round, subject=subject, author_id=author_id, **levels)
    except IntegrityError:  # a second answer sent at the same moment
        raise ValidationError(_("You have already given feedback on this colleague.")) from None
    # The entry says that an answer was given in the round, not by whom: with the time and the
    # answer counts the author would narrow down who answered about whom. "Once" is kept by the
    # answers' own unique constraint, not by the log.
    audit_record(
        actor=None,
        actor_label=FEEDBACK_ACTOR_LABEL,
        event=events.FEEDBACK_ANSWERED,
        subject=Subject(
            "yearend.feedbackround", str(feedback_round.pk), f"{feedback_round.unit} — {feedback_round.year.year}"
        ),
        new={},
    )
