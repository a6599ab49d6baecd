"""Year-end classification (RULES.md §2.2, §3; DESIGN §4.3): the year HR opens for a staff group,
the overriding facts, each person's classification from the engine's proposal to the final level,
the quota exceptions, every change of level, and the appeals.

Workflow states are ``FSMField(protected=True)``: they change only through the declared
transitions, which the services take with :func:`congtam.core.workflow.perform`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, FSMModelMixin, transition

from congtam.core.permissions import transition as permission
from congtam.core.workflow import condition
from congtam.org.models import Person, Unit
from congtam.periods.scope import PolicyScope
from congtam.scoring.levels import Level
from congtam.scoring.policy import DISCIPLINE_MEASURES, DISCIPLINE_NAMES


class LevelCode(models.TextChoices):
    EXCELLENT = Level.EXCELLENT.value, _("HTXSNV — completed tasks excellently")
    GOOD = Level.GOOD.value, _("HTTNV — completed tasks well")
    COMPLETE = Level.COMPLETE.value, _("HTNV — completed tasks")
    NOT_COMPLETE = Level.NOT_COMPLETE.value, _("KHTNV — did not complete tasks")
    NOT_CLASSIFIED = Level.NOT_CLASSIFIED.value, _("Not classified")


class Model(models.TextChoices):
    POINTS = "points", _("Points (Decree 335)")
    CRITERIA = "criteria", _("Criteria (Decree 90/48)")


class YearState(models.TextChoices):
    OPEN = "open", pgettext_lazy("year", "Open: facts and self-assessments")
    CALIBRATING = "calibrating", _("Calibration")
    APPROVING = "approving", _("Approval")
    ANNOUNCED = "announced", _("Announced")
    CLOSED = "closed", pgettext_lazy("year", "Closed")


class Year(FSMModelMixin, PolicyScope):
    """One year's classification for a staff group in a scope of units, under one policy preset
    (its version is kept: a finished year keeps the rules it used)."""

    model = models.CharField(_("model"), max_length=10, choices=Model.choices)
    appeal_days = models.PositiveSmallIntegerField(_("days to appeal after the announcement"), default=15)
    state = FSMField(_("state"), max_length=12, choices=YearState.choices, default=YearState.OPEN, protected=True)
    announced_at = models.DateTimeField(_("announced at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("year-end classification")
        verbose_name_plural = _("year-end classifications")
        ordering = ["-year", "staff_group"]

    def __str__(self) -> str:
        return f"{self.year} {self.get_staff_group_display()}"

    @transition(
        field=state,
        source=[YearState.OPEN, YearState.CALIBRATING],
        target=YearState.CALIBRATING,
        permission=permission("yearend.run_year"),
    )
    def propose(self) -> None:
        """The engine's proposals are (re)computed; calibration starts."""

    @transition(
        field=state, source=YearState.CALIBRATING, target=YearState.APPROVING, permission=permission("yearend.run_year")
    )
    def submit_for_approval(self) -> None:
        """Calibration ends; the competent authorities approve."""

    @transition(
        field=state, source=YearState.APPROVING, target=YearState.ANNOUNCED, permission=permission("yearend.run_year")
    )
    def announce(self) -> None:
        """Every level approved: results are announced; acknowledgements and appeals run."""

    @transition(
        field=state, source=YearState.ANNOUNCED, target=YearState.CLOSED, permission=permission("yearend.run_year")
    )
    def close(self) -> None:
        """No appeal pending: the year locks; a change after this is an amendment."""


class FactKind(models.TextChoices):
    DISCIPLINE = "discipline", _("Disciplinary measure")
    DEGRADATION = "degradation", _("Conclusion of degradation")
    ABSENCE = "absence", _("Lawful absence (months)")
    MATERNITY = "maternity", _("Maternity leave (months)")
    WORKED = "worked", _("Months worked in the year (joined or left during it)")
    CORRUPTION = "corruption_in_unit", _("Corruption or waste in a unit in the leader's charge")
    TRANSFER = "transfer", _("Transfer from another unit")


DISCIPLINE_CHOICES = [(code, DISCIPLINE_NAMES[code]) for code in DISCIPLINE_MEASURES]


class Fact(models.Model):
    """A fact of the year that overrides a score, each backed by a document. Sensitive personal
    data: read only through :func:`congtam.yearend.selectors.facts_for`, which logs every read."""

    year = models.ForeignKey(Year, verbose_name=_("year"), on_delete=models.CASCADE, related_name="facts")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind of fact"), max_length=20, choices=FactKind.choices)
    discipline_measure = models.CharField(
        _("disciplinary measure"), max_length=20, choices=DISCIPLINE_CHOICES, blank=True
    )
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    violation = models.TextField(_("violation"), blank=True)
    already_counted = models.BooleanField(_("already used to classify an earlier year"), default=False)
    months = models.DecimalField(_("months"), max_digits=4, decimal_places=1, null=True, blank=True)
    old_unit = models.ForeignKey(
        Unit, verbose_name=_("old unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    old_unit_opinion = models.TextField(_("old unit's opinion"), blank=True)
    document_reference = models.CharField(_("document"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("overriding fact")
        verbose_name_plural = _("overriding facts")
        ordering = ["year", "person", "recorded_at", "pk"]
        indexes = [models.Index(fields=["year", "person"], name="yearend_fact_person")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="discipline") | ~Q(discipline_measure=""), name="yearend_fact_discipline_measure"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["absence", "maternity", "worked"]) | Q(months__gte=0, months__lte=12),
                name="yearend_fact_months",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.document_reference}"


class CriteriaSelfAssessment(models.Model):
    """Criteria model: the person's self-assessment report for the year, their results against the
    criteria (percentages) and the level they propose for themselves (RULES.md §3.1, §3.4). A head
    or deputy adds the results of the unit in their charge (§3.2)."""

    year = models.ForeignKey(Year, verbose_name=_("year"), on_delete=models.CASCADE, related_name="self_assessments")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    shared_criteria_met = models.BooleanField(_("shared criteria met"))
    completion_percent = models.DecimalField(_("tasks completed (%)"), max_digits=5, decimal_places=2)
    exceeded_percent = models.DecimalField(_("tasks exceeded (%)"), max_digits=5, decimal_places=2)
    short_percent = models.DecimalField(
        _("tasks short on quality, time or efficiency (%)"), max_digits=5, decimal_places=2
    )
    proposed_level = models.CharField(
        _("level the person proposes"), max_length=6, choices=LevelCode.choices, blank=True
    )
    report = models.TextField(_("self-assessment report"), blank=True)
    # A leader's unit (RULES.md §3.2); empty for members of staff.
    targets_completed_percent = models.DecimalField(
        _("unit's targets completed (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    targets_exceeded_percent = models.DecimalField(
        _("unit's targets exceeded (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    on_time_percent = models.DecimalField(
        _("unit's targets on time and to quality (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    subunits_complete_or_better_percent = models.DecimalField(
        _("units directly managed at HTNV or better (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    subunits_good_or_better_percent = models.DecimalField(
        _("units directly managed at HTTNV or better (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True, null=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    UNIT_FIELDS = (
        "targets_completed_percent",
        "targets_exceeded_percent",
        "on_time_percent",
        "subunits_complete_or_better_percent",
        "subunits_good_or_better_percent",
    )

    class Meta:
        verbose_name = _("self-assessment against the criteria")
        verbose_name_plural = _("self-assessments against the criteria")
        constraints = [models.UniqueConstraint(fields=["year", "person"], name="yearend_self_assessment_unique")]


class ClassificationState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed by the engine")
    CALIBRATED = "calibrated", _("Changed in calibration")
    APPROVED = "approved", _("Approved")
    ANNOUNCED = "announced", _("Announced")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged by the person")
    APPEALED = "appealed", _("Appealed")
    FINAL = "final", _("Final")


def standing_level(row) -> str:
    """The level that stands now, of a classification or any row with its four level columns:
    amended, else approved, else calibrated, else proposed (an empty column: that step did not set
    it). :func:`standing_level_sql` is the same in SQL."""
    return row.amended_level or row.approved_level or row.calibrated_level or row.proposed_level


def standing_level_sql():
    """:func:`standing_level` as a query expression."""
    from django.db.models import CharField, F, Value
    from django.db.models.functions import Coalesce, NullIf

    blank = Value("")
    return Coalesce(
        NullIf("amended_level", blank),
        NullIf("approved_level", blank),
        NullIf("calibrated_level", blank),
        F("proposed_level"),
        output_field=CharField(),
    )


@condition(_("This level's competent authority has an account here: they approve it themselves."))
def no_approver_here(classification) -> bool:
    """No competent authority on the installation: the one over the person is outside it."""
    return classification.approver_id is None


class Classification(FSMModelMixin, models.Model):
    """One person's year: the engine's proposal with its explanation, the calibrated level, the
    approved level, and what happened after the announcement."""

    year = models.ForeignKey(
        Year, verbose_name=_("year"), on_delete=models.CASCADE, related_name="classifications", db_index=False
    )
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+", db_index=False)
    group = models.CharField(_("group with similar duties"), max_length=100)
    group_set_by_hr = models.BooleanField(_("group set by HR"), default=False)
    evaluator = models.ForeignKey(
        Person, verbose_name=_("evaluator"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approver = models.ForeignKey(
        Person, verbose_name=_("competent authority"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The engine's exact yearly score as text (SQLite keeps decimals as floats).
    score_exact = models.CharField(_("yearly score (exact)"), max_length=80, blank=True)
    proposed_level = models.CharField(_("proposed level"), max_length=6, choices=LevelCode.choices)
    qualified_level = models.CharField(
        _("level qualified for before the quota"), max_length=6, choices=LevelCode.choices
    )
    over_quota = models.BooleanField(_("over quota"), default=False)
    rank_in_group = models.PositiveIntegerField(_("rank in the group"), null=True, blank=True)
    explanation = models.JSONField(_("explanation"), default=dict)
    # Points model: the period scores the level hangs on, each of which alone would move the average
    # into another band if left out ([{"period": "M3", "score": "62.5"}, …]; empty for most).
    pivotal_periods = models.JSONField(_("period scores the level depends on"), default=list, blank=True)
    calibrated_level = models.CharField(_("calibrated level"), max_length=6, choices=LevelCode.choices, blank=True)
    calibration_reason = models.TextField(_("reason for the calibration"), blank=True)
    approved_level = models.CharField(_("approved level"), max_length=6, choices=LevelCode.choices, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    # Approved by the signed decision of an authority outside the installation, recorded by HR.
    outside_decision = models.ForeignKey(
        "monitoring.OutsideDecision",
        verbose_name=_("decision of the outside authority"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="classifications",
        db_index=False,
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    amended_level = models.CharField(_("level after amendment"), max_length=6, choices=LevelCode.choices, blank=True)
    state = FSMField(
        _("state"),
        max_length=12,
        choices=ClassificationState.choices,
        default=ClassificationState.PROPOSED,
        protected=True,
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("classification")
        verbose_name_plural = _("classifications")
        ordering = ["year", "unit", "group", "rank_in_group", "pk"]
        constraints = [models.UniqueConstraint(fields=["year", "person"], name="yearend_classification_unique")]
        indexes = [
            models.Index(fields=["year", "unit", "group"], name="yearend_class_scope"),
            models.Index(fields=["approver", "state"], name="yearend_class_approver"),
            # The quota of a group counted where the group spans the agency (calibration page): on
            # PostgreSQL an index-only scan, not a read of every row and its explanation.
            models.Index(
                fields=["year", "group"],
                include=["unit", "proposed_level", "calibrated_level", "approved_level", "amended_level"],
                name="yearend_class_quota",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.year}"

    @property
    def level(self) -> str:
        """The level that stands now (:func:`standing_level`)."""
        return standing_level(self)

    @property
    def exact_score(self) -> Decimal | None:
        return Decimal(self.score_exact) if self.score_exact else None

    # --- declared transitions ---------------------------------------------------------------
    @transition(
        field=state,
        source=[ClassificationState.PROPOSED, ClassificationState.CALIBRATED],
        target=ClassificationState.CALIBRATED,
        permission=permission("yearend.run_year"),
    )
    def calibrate(self) -> None:
        """HR changes the level, with a reason, before approval."""

    @transition(
        field=state,
        source=[ClassificationState.PROPOSED, ClassificationState.CALIBRATED],
        target=ClassificationState.APPROVED,
        permission=permission("yearend.change_level"),
    )
    def approve(self) -> None:
        """The competent authority fixes the level; nobody approves their own."""

    @transition(
        field=state,
        source=[ClassificationState.PROPOSED, ClassificationState.CALIBRATED],
        target=ClassificationState.APPROVED,
        permission=permission("yearend.record_outside_decision"),
        conditions=[no_approver_here],
    )
    def approve_by_decision(self) -> None:
        """HR records the signed decision of the authority outside the installation that fixes
        the level."""

    @transition(
        field=state,
        source=ClassificationState.APPROVED,
        target=ClassificationState.ANNOUNCED,
        permission=permission("yearend.run_year"),
    )
    def announce(self) -> None:
        """Notified to the person and listed inside the agency."""

    @transition(
        field=state,
        source=ClassificationState.ANNOUNCED,
        target=ClassificationState.ACKNOWLEDGED,
        permission=permission("yearend.respond_to_level"),
    )
    def acknowledge(self) -> None:
        """The person has read the result and accepts it."""

    @transition(
        field=state,
        source=ClassificationState.ANNOUNCED,
        target=ClassificationState.APPEALED,
        permission=permission("yearend.respond_to_level"),
    )
    def submit_appeal(self) -> None:
        """The person appeals, within the deadline, to the level above the approver."""

    @transition(
        field=state,
        source=ClassificationState.APPEALED,
        target=ClassificationState.FINAL,
        permission=permission("yearend.decide_appeal"),
    )
    def decide_appeal(self) -> None:
        """The level above the approver upholds or changes the level."""

    @transition(
        field=state,
        source=[ClassificationState.ANNOUNCED, ClassificationState.ACKNOWLEDGED],
        target=ClassificationState.FINAL,
        permission=permission("yearend.run_year"),
    )
    def finalise(self) -> None:
        """At closing: acknowledged, or the deadline passed without an appeal."""


class QuotaException(models.Model):
    """An authorised exception to the HTXSNV quota for one group (RULES.md §2.2): the decision,
    who recorded it and why."""

    year = models.ForeignKey(Year, verbose_name=_("year"), on_delete=models.CASCADE, related_name="quota_exceptions")
    group = models.CharField(_("group with similar duties"), max_length=100)
    decision_reference = models.CharField(_("decision"), max_length=300)
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("quota exception")
        verbose_name_plural = _("quota exceptions")
        constraints = [models.UniqueConstraint(fields=["year", "group"], name="yearend_quota_exception_unique")]


class ChangeKind(models.TextChoices):
    CALIBRATION = "calibration", _("Calibration")
    APPEAL = "appeal", _("Appeal decision")
    AMENDMENT = "amendment", _("Amendment after closing")


class LevelChange(models.Model):
    """Every change of a level after the engine's proposal, with its reason: kept for ever."""

    classification = models.ForeignKey(
        Classification, verbose_name=_("classification"), on_delete=models.CASCADE, related_name="changes"
    )
    kind = models.CharField(_("kind of change"), max_length=12, choices=ChangeKind.choices)
    from_level = models.CharField(_("from"), max_length=6, choices=LevelCode.choices)
    to_level = models.CharField(_("to"), max_length=6, choices=LevelCode.choices)
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("change of level")
        verbose_name_plural = _("changes of level")
        ordering = ["classification", "changed_at", "pk"]


class AppealDecision(models.TextChoices):
    UPHELD = "upheld", _("Upheld")
    CHANGED = "changed", _("Changed")


class Appeal(models.Model):
    """The person's appeal, decided by the level above the approver."""

    classification = models.OneToOneField(
        Classification, verbose_name=_("classification"), on_delete=models.CASCADE, related_name="appeal"
    )
    reason = models.TextField(_("reason"))
    documents = models.TextField(_("documents"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    deadline = models.DateField(_("deadline"))
    decider = models.ForeignKey(
        Person,
        verbose_name=_("decided by (the level above the approver)"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decision recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision = models.CharField(_("decision"), max_length=10, choices=AppealDecision.choices, blank=True)
    new_level = models.CharField(_("new level"), max_length=6, choices=LevelCode.choices, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")


# The unit meeting and colleague feedback live in their own module, imported here so that Django
# registers them with this app (the names are used through congtam.yearend.meetings.models).
from congtam.yearend.meetings.models import (  # noqa: E402, F401
    FeedbackAnswer,
    FeedbackRound,
    MeetingAmendment,
    MeetingAttendance,
    MeetingDiscussion,
    UnitMeeting,
)
