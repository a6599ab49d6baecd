"""Monthly and quarterly monitoring (Decree 335): the year's periods, each person's review of a
period, the work items assigned and delivered, their checks and evidence, the general-criteria
ratings, and the score the engine gives.

Every workflow state is an ``FSMField(protected=True)``: it changes only through the transitions
declared in :mod:`congtam.core.workflow`, which the services call and the pages ask.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, FSMModelMixin, transition

from congtam.catalogue.models import CatalogueItem
from congtam.core.permissions import transition as permission
from congtam.monitoring import conditions
from congtam.org.models import Agency, Person, Position, Unit
from congtam.periods.scope import PolicyScope
from congtam.scoring.decimals import exact_text


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class Cycle(PolicyScope):
    """The periods of one year that HR opened for a staff group in a scope of units, under one
    policy preset of the engine (its version is kept: a finished year keeps the rules it used)."""

    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="cycles")
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    # Deadlines of each step, in days: assignment from the period's first day, the others from its last.
    assignment_days = models.PositiveSmallIntegerField(_("assignment: days after the period starts"), default=5)
    reporting_days = models.PositiveSmallIntegerField(_("reporting: days after the period ends"), default=3)
    self_rating_days = models.PositiveSmallIntegerField(_("self-rating: days after the period ends"), default=5)
    manager_rating_days = models.PositiveSmallIntegerField(_("manager rating: days after the period ends"), default=8)
    approval_days = models.PositiveSmallIntegerField(_("approval: days after the period ends"), default=10)

    class Meta:
        verbose_name = _("monitoring cycle")
        verbose_name_plural = _("monitoring cycles")
        ordering = ["-year", "staff_group"]

    def __str__(self) -> str:
        return f"{self.year} {self.get_frequency_display()} {self.get_staff_group_display()}"


class PeriodState(models.TextChoices):
    OPEN = "open", pgettext_lazy("period", "Open")
    CLOSED = "closed", pgettext_lazy("period", "Closed")


class Period(FSMModelMixin, models.Model):
    """A month or a quarter of a cycle, with the deadline of each step."""

    cycle = models.ForeignKey(Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="periods")
    number = models.PositiveSmallIntegerField(_("number"))  # month 1..12 or quarter 1..4
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    assignment_due = models.DateField(_("assignment due"))
    reporting_due = models.DateField(_("reporting due"))
    self_rating_due = models.DateField(_("self-rating due"))
    manager_rating_due = models.DateField(_("manager rating due"))
    approval_due = models.DateField(_("approval due"))
    state = FSMField(_("state"), max_length=10, choices=PeriodState.choices, default=PeriodState.OPEN, protected=True)

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["cycle", "number"]
        constraints = [models.UniqueConstraint(fields=["cycle", "number"], name="monitoring_period_unique")]

    def __str__(self) -> str:
        return str(self.label)

    @transition(
        field=state,
        source=PeriodState.OPEN,
        target=PeriodState.CLOSED,
        permission=permission("monitoring.manage_periods"),
        conditions=[conditions.all_reviews_approved],
    )
    def close(self) -> None:
        """Every review approved: the period closes and nothing in it changes but by amendment."""

    @property
    def label(self) -> str:
        if self.cycle.frequency == Frequency.MONTHLY:
            return _("Month %(number)s/%(year)s") % {"number": self.number, "year": self.cycle.year}
        return _("Quarter %(number)s/%(year)s") % {"number": self.number, "year": self.cycle.year}


class ReviewState(models.TextChoices):
    PLANNING = "planning", _("Planning")
    IN_PROGRESS = "in_progress", _("Plan acknowledged, in progress")
    SELF_ASSESSED = "self_assessed", _("Self-assessed")
    SUBMITTED = "submitted", _("Rated, awaiting approval")
    RETURNED = "returned", _("Returned by the approver")
    APPROVED = "approved", _("Approved and locked")


class Review(FSMModelMixin, models.Model):
    """One person's period: their plan of work, what they delivered, the ratings and the score.

    The unit, position, evaluator and approver are those of the day the period was opened
    (refreshed by HR if the organisation changes during the period)."""

    # The foreign keys' own indexes are left out where a composite index below starts with the
    # same column: a year opens 1.2 million reviews for 100,000 people, and each index costs.
    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="reviews", db_index=False
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="reviews", db_index=False
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+", db_index=False)
    position = models.ForeignKey(
        Position, verbose_name=_("position"), null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    is_leader = models.BooleanField(_("leader"), default=False)
    evaluator = models.ForeignKey(
        Person,
        verbose_name=_("evaluator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews_to_evaluate",
        db_index=False,
    )
    approver = models.ForeignKey(
        Person,
        verbose_name=_("approver"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews_to_approve",
        db_index=False,
    )
    external_approver = models.CharField(_("approver outside the agency"), max_length=300, blank=True)
    state = FSMField(
        _("state"), max_length=20, choices=ReviewState.choices, default=ReviewState.PLANNING, protected=True
    )
    # The plan's version goes up with each change after the person first acknowledged it; the
    # person acknowledges each version, so a change they have not seen is visible.
    plan_version = models.PositiveIntegerField(_("plan version"), default=1)
    acknowledged_version = models.PositiveIntegerField(_("plan version acknowledged"), default=0)
    acknowledged_at = models.DateTimeField(_("plan acknowledged at"), null=True, blank=True)
    # The engine's exact score as text (SQLite keeps decimals as floats), and the same rounded to
    # 8 places for sorting and sums in queries; only the exact one is ever used in a computation.
    score_exact = models.CharField(_("score (exact)"), max_length=80, blank=True)
    score = models.DecimalField(_("score"), max_digits=12, decimal_places=8, null=True, blank=True)
    explanation = models.JSONField(_("explanation"), null=True, blank=True)
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    return_comment = models.TextField(_("approver's comment on return"), blank=True)
    # Why the evaluator sent the score before the period ended (the person is leaving, long
    # leave); empty when it was sent after the end. The approver reads it before approving.
    early_reason = models.TextField(_("reason for scoring before the period ends"), blank=True, db_default="")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    # Approved by the signed decision of an authority outside the installation, recorded by HR.
    outside_decision = models.ForeignKey(
        "OutsideDecision",
        verbose_name=_("decision of the outside authority"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews",
        db_index=False,
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("period review")
        verbose_name_plural = _("period reviews")
        ordering = ["period", "person__sort_key"]
        constraints = [models.UniqueConstraint(fields=["period", "person"], name="monitoring_review_unique")]
        indexes = [
            models.Index(fields=["evaluator", "state"], name="monitoring_review_evaluator"),
            models.Index(fields=["approver", "state"], name="monitoring_review_approver"),
            models.Index(fields=["person", "period"], name="monitoring_review_person"),
            models.Index(fields=["unit", "period"], name="monitoring_review_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.period}"

    @property
    def is_locked(self) -> bool:
        return self.state == ReviewState.APPROVED

    @property
    def exact_score(self) -> Decimal | None:
        return Decimal(self.score_exact) if self.score_exact else None

    def set_score(self, value: Decimal | None) -> None:
        self.score_exact = "" if value is None else exact_text(value)
        self.score = None if value is None else value.quantize(Decimal("0.00000001"), rounding=ROUND_HALF_UP)

    @property
    def plan_changed_since_acknowledged(self) -> bool:
        return 0 < self.acknowledged_version < self.plan_version

    # --- declared transitions: the only way the state changes (see services) -------------------
    @transition(
        field=state,
        source=ReviewState.PLANNING,
        target=ReviewState.IN_PROGRESS,
        permission=permission("monitoring.self_assess"),
        conditions=[conditions.has_assigned_items, conditions.no_pending_proposals],
    )
    def acknowledge_plan(self) -> None:
        """The person accepts the period's plan; work and reporting begin."""

    @transition(
        field=state,
        source=ReviewState.IN_PROGRESS,
        target=ReviewState.SELF_ASSESSED,
        permission=permission("monitoring.self_assess"),
        conditions=[conditions.self_rating_complete],
    )
    def submit_self_assessment(self) -> None:
        """The person has rated the general criteria themselves."""

    @transition(
        field=state,
        source=[ReviewState.IN_PROGRESS, ReviewState.SELF_ASSESSED, ReviewState.RETURNED],
        target=ReviewState.SUBMITTED,
        permission=permission("monitoring.evaluate_review"),
        conditions=[
            conditions.self_assessed_or_overdue,
            conditions.manager_rating_complete,
            conditions.nothing_awaiting_check,
            conditions.no_pending_proposals,
            conditions.staff_reviews_approved,
        ],
    )
    def submit_rating(self) -> None:
        """The evaluator has checked every item and rated: the score goes to the approver."""

    @transition(
        field=state,
        source=ReviewState.SUBMITTED,
        target=ReviewState.RETURNED,
        permission=permission("monitoring.approve_review"),
    )
    def return_to_evaluator(self) -> None:
        """The approver sends the review back, with a comment."""

    @transition(
        field=state,
        source=ReviewState.SUBMITTED,
        target=ReviewState.APPROVED,
        permission=permission("monitoring.approve_review"),
        conditions=[conditions.staff_reviews_approved],
    )
    def approve(self) -> None:
        """The approver approves: the review locks."""

    @transition(
        field=state,
        source=ReviewState.SUBMITTED,
        target=ReviewState.APPROVED,
        permission=permission("monitoring.record_outside_decision"),
        conditions=[conditions.approver_outside, conditions.staff_reviews_approved],
    )
    def approve_by_decision(self) -> None:
        """HR records the signed decision of the authority outside the installation that
        approves the score: the review locks."""


class Origin(models.TextChoices):
    MANAGER = "manager", _("Assigned by the manager")
    PERSON = "person", _("Proposed by the person")
    SYSTEM = "system", _("From a task-assignment system")
    IMPORT = "import", _("Imported from Excel")


class ItemState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, awaiting the manager")
    DECLINED = "declined", _("Declined")
    ASSIGNED = "assigned", _("Assigned")
    REPORTED = "reported", _("Reported done, awaiting the check")
    ACCEPTED = "accepted", _("Checked and accepted")
    CANCELLED = "cancelled", _("Withdrawn from the plan")


class WorkItem(FSMModelMixin, models.Model):
    """A product or task of a person's period: from the position's catalogue (its factor copied,
    so the period keeps it) or ad hoc with a factor and a reason."""

    review = models.ForeignKey(Review, verbose_name=_("period review"), on_delete=models.CASCADE, related_name="items")
    catalogue_item = models.ForeignKey(
        CatalogueItem,
        verbose_name=_("catalogue item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    code = models.CharField(_("product code"), max_length=50, blank=True)
    name = models.CharField(_("product or task"), max_length=500)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=100, blank=True)
    factor = models.DecimalField(_("conversion factor"), max_digits=9, decimal_places=4)
    quality_requirement = models.TextField(_("quality requirement"), blank=True)
    ad_hoc_reason = models.TextField(_("reason for an item outside the catalogue"), blank=True)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    state = FSMField(_("state"), max_length=10, choices=ItemState.choices, default=ItemState.ASSIGNED, protected=True)
    decline_reason = models.TextField(_("reason declined"), blank=True)
    due_on = models.DateField(_("due on"))
    missed_deadlines = models.PositiveSmallIntegerField(_("earlier due dates missed"), default=0)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    report_note = models.TextField(_("report"), blank=True)
    quality_failures = models.PositiveSmallIntegerField(_("quality checks failed"), default=0)
    objective_cause = models.BooleanField(_("objective cause confirmed"), default=False)
    in_plan_version = models.PositiveIntegerField(_("added in plan version"), default=0)
    source_system = models.ForeignKey(
        "api.SourceSystem",
        verbose_name=_("source system"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
    )
    source_id = models.CharField(_("id in the source system"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("work item")
        verbose_name_plural = _("work items")
        ordering = ["review", "due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(factor__gt=0), name="monitoring_item_factor_positive"),
            models.UniqueConstraint(
                fields=["source_system", "source_id"],
                condition=Q(source_system__isnull=False),
                name="monitoring_item_source_unique",
            ),
        ]
        indexes = [models.Index(fields=["review", "state"], name="monitoring_item_review_state")]

    def __str__(self) -> str:
        return self.name

    # --- declared transitions ------------------------------------------------------------------
    @transition(
        field=state,
        source=ItemState.PROPOSED,
        target=ItemState.ASSIGNED,
        permission=permission("monitoring.plan_item"),
        conditions=[conditions.plan_open],
    )
    def accept(self) -> None:
        """The manager accepts the person's proposal into the plan."""

    @transition(
        field=state,
        source=ItemState.PROPOSED,
        target=ItemState.DECLINED,
        permission=permission("monitoring.plan_item"),
        conditions=[conditions.plan_open],
    )
    def decline(self) -> None:
        """The manager declines the proposal, with a reason."""

    @transition(
        field=state,
        source=ItemState.ASSIGNED,
        target=ItemState.CANCELLED,
        permission=permission("monitoring.plan_item"),
        conditions=[conditions.plan_open],
    )
    def withdraw(self) -> None:
        """The manager takes an item out of the plan, with a reason, before it is reported."""

    @transition(
        field=state,
        source=ItemState.ASSIGNED,
        target=ItemState.REPORTED,
        permission=permission("monitoring.report_item"),
        conditions=[conditions.work_open],
    )
    def report(self) -> None:
        """The person reports the item done, with the date and evidence."""

    @transition(
        field=state,
        source=ItemState.ASSIGNED,
        target=ItemState.REPORTED,
        permission=permission("monitoring.report_item_from_system"),
        conditions=[conditions.work_open],
    )
    def report_from_system(self) -> None:
        """The task-assignment system reports the item done (through the API, within its scope);
        the manager still checks it."""

    @transition(
        field=state,
        source=ItemState.REPORTED,
        target=ItemState.ACCEPTED,
        permission=permission("monitoring.check_item"),
        conditions=[conditions.checks_open],
    )
    def pass_check(self) -> None:
        """Quality passed."""

    @transition(
        field=state,
        source=ItemState.REPORTED,
        target=ItemState.ASSIGNED,
        permission=permission("monitoring.check_item"),
        conditions=[conditions.checks_open],
    )
    def fail_check(self) -> None:
        """A major error: the item goes back to the person and one quality deduction counts."""

    @transition(
        field=state,
        source=ItemState.REPORTED,
        target=ItemState.ACCEPTED,
        permission=permission("monitoring.confirm_objective_cause"),
        conditions=[conditions.checks_open],
    )
    def confirm_objective_cause(self) -> None:
        """The competent authority confirms an objective cause: no deduction for this item."""

    @property
    def counts(self) -> bool:
        """Whether the item is part of the period's assigned work (what the score is over)."""
        return self.state in (ItemState.ASSIGNED, ItemState.REPORTED, ItemState.ACCEPTED)

    @property
    def late_count(self) -> int:
        """Times late, from the dates alone: each earlier due date missed, and the last one if the
        item was completed after it."""
        late_now = self.completed_on is not None and self.completed_on > self.due_on
        return self.missed_deadlines + (1 if late_now else 0)


class CheckResult(models.TextChoices):
    PASSED = "passed", _("Quality passed")
    FAILED = "failed", _("Failed: major error")
    OBJECTIVE_CAUSE = "objective_cause", _("Objective cause confirmed by the competent authority")


class QualityCheck(models.Model):
    """The manager's check of a reported item. A failure must cite what is wrong."""

    item = models.ForeignKey(WorkItem, verbose_name=_("work item"), on_delete=models.CASCADE, related_name="checks")
    result = models.CharField(_("result"), max_length=20, choices=CheckResult.choices)
    comment = models.TextField(_("comment"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("checked by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("quality check")
        verbose_name_plural = _("quality checks")
        ordering = ["item", "checked_at", "id"]


class DueDateChange(models.Model):
    """A due date moved by the manager, with the reason; a move after the old date had passed
    counts that date as missed."""

    item = models.ForeignKey(
        WorkItem, verbose_name=_("work item"), on_delete=models.CASCADE, related_name="due_changes"
    )
    old_due_on = models.DateField(_("old due date"))
    new_due_on = models.DateField(_("new due date"))
    was_missed = models.BooleanField(_("old date already missed"))
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("due date change")
        verbose_name_plural = _("due date changes")
        ordering = ["item", "changed_at", "id"]


def evidence_storage():
    from congtam.monitoring.evidence import private_storage

    return private_storage()


class Evidence(models.Model):
    """A document proving a result: a file kept outside the web root, or a link to the record in
    the document system."""

    item = models.ForeignKey(WorkItem, verbose_name=_("work item"), on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), storage=evidence_storage, upload_to="evidence/%Y/%m/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    link = models.URLField(_("link to the document system"), max_length=1000, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["item", "added_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(file="") | ~Q(link=""), name="monitoring_evidence_file_or_link"),
        ]


class RaterRole(models.TextChoices):
    SELF = "self", _("Self-rating")
    MANAGER = "manager", _("Manager's rating")


class GeneralRating(models.Model):
    """The general criteria of a period rated on the preset's anchored scale: level per
    sub-criterion, and the comments that the rules require."""

    review = models.ForeignKey(
        Review, verbose_name=_("period review"), on_delete=models.CASCADE, related_name="ratings"
    )
    rater_role = models.CharField(_("rater"), max_length=10, choices=RaterRole.choices)
    levels = models.JSONField(_("levels"), default=dict)  # sub-criterion code -> level number
    comments = models.JSONField(_("comments"), default=dict)  # sub-criterion code -> observed evidence
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("rated by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("general-criteria rating")
        verbose_name_plural = _("general-criteria ratings")
        constraints = [models.UniqueConstraint(fields=["review", "rater_role"], name="monitoring_rating_unique")]


class Observation(models.Model):
    """A dated observation of behaviour, written by the manager; the person sees it and may answer."""

    review = models.ForeignKey(
        Review, verbose_name=_("period review"), on_delete=models.CASCADE, related_name="observations"
    )
    observed_on = models.DateField(_("observed on"))
    text = models.TextField(_("what was observed"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    written_at = models.DateTimeField(_("written at"), auto_now_add=True)
    answer = models.TextField(_("the person's answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["review", "observed_on", "id"]


class Amendment(models.Model):
    """HR's correction of an approved, locked period score, with its reason; the original stays."""

    review = models.ForeignKey(
        Review, verbose_name=_("period review"), on_delete=models.PROTECT, related_name="amendments"
    )
    old_score = models.CharField(_("score before"), max_length=80, blank=True)  # exact text
    new_score = models.CharField(_("score after"), max_length=80, blank=True)
    old_explanation = models.JSONField(_("explanation before"), null=True)
    reason = models.TextField(_("reason"))
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("amended by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    amended_at = models.DateTimeField(_("amended at"), auto_now_add=True)

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["review", "amended_at", "id"]


class OutsideDecision(models.Model):
    """The signed decision of a competent authority outside the installation (the Standing
    Committee of the National Assembly over the Office's head, a provincial committee over a
    department's head) approving a person's period score or year level. The authority has no
    account here: HR records the decision (its number, date and signer) with the signed file,
    and that record approves the review or level, with its audit entry."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    authority = models.CharField(_("competent authority"), max_length=300)
    number = models.CharField(_("decision number"), max_length=100)
    signed_on = models.DateField(_("signed on"))
    signer = models.CharField(_("signed by"), max_length=200)
    file = models.FileField(_("signed file"), storage=evidence_storage, upload_to="decisions/%Y/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("decision of an outside authority")
        verbose_name_plural = _("decisions of outside authorities")
        ordering = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.number} ({self.authority})"
