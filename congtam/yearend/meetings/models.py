"""The unit meeting at year end and colleague feedback (RULES.md §3.4; DESIGN §1). Imported at the
end of :mod:`congtam.yearend.models` so that Django registers them with the year-end app."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from congtam.org.models import Person, Unit
from congtam.yearend.meetings.feedback_form import QUESTIONS

__all__ = [
    "FeedbackAnswer",
    "FeedbackRound",
    "MeetingAmendment",
    "MeetingAttendance",
    "MeetingDiscussion",
    "UnitMeeting",
]


class UnitMeeting(models.Model):
    """The meeting of a unit that discusses its people's year: who attended, what each person
    presented, what colleagues said, the proposed level and, where held, the vote. Once the minutes
    are adopted the meeting is locked; a correction is an amendment with its reason."""

    year = models.ForeignKey("yearend.Year", verbose_name=_("year"), on_delete=models.CASCADE, related_name="meetings")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date of the meeting"))
    place = models.CharField(_("place"), max_length=300)
    chair = models.ForeignKey(Person, verbose_name=_("chair"), on_delete=models.PROTECT, related_name="+")
    secretary = models.ForeignKey(Person, verbose_name=_("secretary"), on_delete=models.PROTECT, related_name="+")
    agenda = models.TextField(_("agenda"))
    adopted = models.BooleanField(_("minutes adopted"), default=False)
    adopted_at = models.DateTimeField(_("minutes adopted at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("unit meeting")
        verbose_name_plural = _("unit meetings")
        constraints = [
            models.UniqueConstraint(fields=["year", "unit"], name="yearend_meeting_unique"),
            models.CheckConstraint(
                condition=Q(adopted=False) | Q(adopted_at__isnull=False), name="yearend_meeting_adopted_at"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.date:%d/%m/%Y}"


class MeetingAttendance(models.Model):
    meeting = models.ForeignKey(
        UnitMeeting, verbose_name=_("unit meeting"), on_delete=models.CASCADE, related_name="attendances"
    )
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(_("present"))

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="yearend_attendance_unique")]


class MeetingDiscussion(models.Model):
    """One person discussed at the meeting."""

    meeting = models.ForeignKey(
        UnitMeeting, verbose_name=_("unit meeting"), on_delete=models.CASCADE, related_name="discussions"
    )
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    presentation = models.TextField(_("summary of the person's presentation"))
    comments = models.TextField(_("colleagues' comments"), blank=True)
    proposed_level = models.CharField(_("proposed level"), max_length=6)
    vote_held = models.BooleanField(_("a vote was held"), default=False)
    votes_for = models.PositiveSmallIntegerField(_("votes for"), null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(_("votes against"), null=True, blank=True)
    votes_abstain = models.PositiveSmallIntegerField(_("abstentions"), null=True, blank=True)
    party_committee_opinion = models.TextField(_("Party committee's opinion"), blank=True)

    class Meta:
        verbose_name = _("discussion of a person")
        verbose_name_plural = _("discussions of people")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="yearend_discussion_unique"),
            models.CheckConstraint(
                condition=Q(
                    vote_held=False, votes_for__isnull=True, votes_against__isnull=True, votes_abstain__isnull=True
                )
                | Q(vote_held=True, votes_for__isnull=False, votes_against__isnull=False, votes_abstain__isnull=False),
                name="yearend_discussion_votes",
            ),
        ]


class MeetingAmendment(models.Model):
    """A correction to adopted minutes: what changed, why, by whom. The audit log keeps both."""

    meeting = models.ForeignKey(
        UnitMeeting, verbose_name=_("unit meeting"), on_delete=models.CASCADE, related_name="amendments"
    )
    person = models.ForeignKey(Person, verbose_name=_("person discussed"), on_delete=models.PROTECT, related_name="+")
    old = models.JSONField(_("before"))
    new = models.JSONField(_("after"))
    reason = models.TextField(_("reason"))
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("amended by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    amended_at = models.DateTimeField(_("amended at"), auto_now_add=True)

    class Meta:
        verbose_name = _("amendment of the minutes")
        verbose_name_plural = _("amendments of the minutes")
        ordering = ["meeting", "amended_at", "pk"]


class FeedbackRound(models.Model):
    """HR asks the people of a unit for feedback on each other for the year."""

    year = models.ForeignKey(
        "yearend.Year", verbose_name=_("year"), on_delete=models.CASCADE, related_name="feedback_rounds"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    # Aggregates appear only once the round is closed: while answers still arrive, the change of a
    # mean between two reads would give away the answer that came in between.
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("colleague feedback round")
        verbose_name_plural = _("colleague feedback rounds")
        constraints = [models.UniqueConstraint(fields=["year", "unit"], name="yearend_feedback_round_unique")]


def _level_field(question):
    return models.PositiveSmallIntegerField(question.text)


class FeedbackAnswer(models.Model):
    """One colleague's answer about another. ``author`` is kept only to refuse a second answer about
    the same colleague: it is never shown to anyone, HR included, and no selector returns it."""

    round = models.ForeignKey(
        FeedbackRound, verbose_name=_("colleague feedback round"), on_delete=models.CASCADE, related_name="answers"
    )
    subject = models.ForeignKey(
        Person, verbose_name=_("person the answer is about"), on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        Person, verbose_name=_("author (never shown)"), on_delete=models.PROTECT, related_name="+"
    )
    q_deadlines = _level_field(QUESTIONS[0])
    q_quality = _level_field(QUESTIONS[1])
    q_cooperation = _level_field(QUESTIONS[2])
    q_conduct = _level_field(QUESTIONS[3])

    class Meta:
        verbose_name = _("colleague feedback answer")
        verbose_name_plural = _("colleague feedback answers")
        constraints = [
            models.UniqueConstraint(fields=["round", "subject", "author"], name="yearend_feedback_once"),
            models.CheckConstraint(condition=~Q(subject=F("author")), name="yearend_feedback_not_self"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{q.field}__gte": 1, f"{q.field}__lte": 5}),
                    name=f"yearend_feedback_{q.field}_range",
                )
                for q in QUESTIONS
            ],
        ]
        indexes = [models.Index(fields=["round", "subject"], name="yearend_feedback_subject")]
