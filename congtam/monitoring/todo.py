"""“Việc cần làm”: what each person must do next in the monitoring of their periods, in which
period, by when — overdue first.

One set of rules decides what is pending (:func:`review_steps`, :func:`_item_task`,
:func:`_observation_task`); :func:`todo_for` lists one user's tasks for their page, and
:func:`tasks_for_everyone` lists everybody's, in batches, for the reminders. Both read a fixed
number of queries per batch, whatever the amount of data: the facts each rule needs (items
waiting, a self-rating submitted) are annotated on the reviews, never asked per review.

A task's deadline is the period's deadline for that step, or the item's own due date.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congtam.monitoring import conditions
from congtam.monitoring.models import (
    GeneralRating,
    ItemState,
    Observation,
    PeriodState,
    RaterRole,
    Review,
    ReviewState,
    WorkItem,
)

# Who takes a step of a review.
PERSON, EVALUATOR, APPROVER = "person", "evaluator", "approver"

# Kinds of task (stable names: a reminder's key is built on them).
ASSIGN_WORK = "assign_work"
ANSWER_PROPOSAL = "answer_proposal"
ACKNOWLEDGE_PLAN = "acknowledge_plan"
ACKNOWLEDGE_CHANGED_PLAN = "acknowledge_changed_plan"
REPORT_ITEM = "report_item"
CHECK_ITEM = "check_item"
SELF_RATE = "self_rate"
RATE = "rate"
RATE_AGAIN = "rate_again"
APPROVE = "approve"
ANSWER_OBSERVATION = "answer_observation"

REVIEW_BATCH = 1000
# States in which a review may wait for its evaluator (assigning, answering, checking, rating).
EVALUATOR_STATES = (ReviewState.PLANNING, ReviewState.IN_PROGRESS, ReviewState.SELF_ASSESSED, ReviewState.RETURNED)


@dataclass(frozen=True, slots=True)
class Step:
    """A step of a review that is waiting for someone (review level: items are counted, not named)."""

    kind: str
    actor: str  # PERSON, EVALUATOR or APPROVER
    due_on: date


@dataclass(frozen=True, slots=True)
class Task:
    kind: str
    what: str  # what to do, in words
    key: str  # the task's identity (kind and object), stable while the task is pending
    review_id: int
    period_label: str
    person_name: str  # whose review it is
    due_on: date
    overdue: bool
    url: str
    actor_person_id: int  # who must do it

    @property
    def sort_key(self) -> tuple:
        return (not self.overdue, self.due_on, self.period_label, self.person_name, self.what)


# --- the rules ---------------------------------------------------------------------------------
def _open_reviews() -> QuerySet[Review]:
    """Reviews of open periods that are not approved yet, with the facts the rules read."""
    items = WorkItem.objects.filter(review=OuterRef("pk"))
    return (
        Review.objects.filter(period__state=PeriodState.OPEN)
        .exclude(state=ReviewState.APPROVED)
        .annotate(
            has_assigned=Exists(items.filter(state=ItemState.ASSIGNED)),
            has_proposed=Exists(items.filter(state=ItemState.PROPOSED)),
            has_reported=Exists(items.filter(state=ItemState.REPORTED)),
            self_rated=Exists(
                GeneralRating.objects.filter(
                    review=OuterRef("pk"), rater_role=RaterRole.SELF, submitted_at__isnull=False
                )
            ),
        )
    )


def review_steps(review: Review, today: date) -> list[Step]:
    """The steps of ``review`` waiting for someone today, from its state and the annotations of
    :func:`_open_reviews` (``has_assigned``, ``has_proposed``, ``has_reported``, ``self_rated``)."""
    period = review.period
    state = review.state
    steps: list[Step] = []
    if state == ReviewState.PLANNING:
        if review.has_proposed:
            steps.append(Step(ANSWER_PROPOSAL, EVALUATOR, period.assignment_due))
        elif not review.has_assigned:
            if period.starts_on <= today:  # a future period's plan is not yet anyone's task
                steps.append(Step(ASSIGN_WORK, EVALUATOR, period.assignment_due))
        else:
            steps.append(Step(ACKNOWLEDGE_PLAN, PERSON, period.assignment_due))
        return steps
    if state == ReviewState.SUBMITTED:
        return [Step(APPROVE, APPROVER, period.approval_due)]
    # in progress, self-assessed or returned
    if review.plan_changed_since_acknowledged:
        steps.append(Step(ACKNOWLEDGE_CHANGED_PLAN, PERSON, period.reporting_due))
    if review.has_proposed and state in conditions.PLAN_OPEN_STATES:
        steps.append(Step(ANSWER_PROPOSAL, EVALUATOR, period.reporting_due))
    if review.has_assigned:
        steps.append(Step(REPORT_ITEM, PERSON, period.reporting_due))
    if review.has_reported:
        steps.append(Step(CHECK_ITEM, EVALUATOR, period.manager_rating_due))
    if state == ReviewState.IN_PROGRESS and not review.self_rated:
        steps.append(Step(SELF_RATE, PERSON, period.self_rating_due))
    if state == ReviewState.RETURNED:
        steps.append(Step(RATE_AGAIN, EVALUATOR, period.manager_rating_due))
    elif state == ReviewState.SELF_ASSESSED or (state == ReviewState.IN_PROGRESS and today > period.self_rating_due):
        steps.append(Step(RATE, EVALUATOR, period.manager_rating_due))
    return steps


STEP_LABELS = {
    ASSIGN_WORK: gettext_lazy("Assign the period's work"),
    ANSWER_PROPOSAL: gettext_lazy("Accept or decline the proposals"),
    ACKNOWLEDGE_PLAN: gettext_lazy("Acknowledge the plan"),
    ACKNOWLEDGE_CHANGED_PLAN: gettext_lazy("Acknowledge the changed plan"),
    REPORT_ITEM: gettext_lazy("Report the items"),
    CHECK_ITEM: gettext_lazy("Check the reported items"),
    SELF_RATE: gettext_lazy("Self-rate"),
    RATE: gettext_lazy("Rate and submit"),
    RATE_AGAIN: gettext_lazy("Rate again (returned by the approver)"),
    APPROVE: gettext_lazy("Approve the score"),
}

REVIEW_TASK_TEXTS = {
    ASSIGN_WORK: gettext_lazy("Assign the work of %(name)s"),
    ACKNOWLEDGE_PLAN: gettext_lazy("Acknowledge the plan"),
    ACKNOWLEDGE_CHANGED_PLAN: gettext_lazy("Acknowledge the changed plan"),
    SELF_RATE: gettext_lazy("Self-rate"),
    RATE: gettext_lazy("Rate %(name)s"),
    RATE_AGAIN: gettext_lazy("Rate %(name)s again (returned by the approver)"),
    APPROVE: gettext_lazy("Approve %(name)s's score"),
}


def step_label(kind: str) -> str:
    """A step in words, without names (the unit page says whose step it is)."""
    return str(STEP_LABELS[kind])


def _review_task_text(kind: str, name: str) -> str:
    return str(REVIEW_TASK_TEXTS[kind]) % {"name": name}


# Review-level steps that become a task as they are; the others are listed item by item.
REVIEW_TASK_KINDS = frozenset(
    {ASSIGN_WORK, ACKNOWLEDGE_PLAN, ACKNOWLEDGE_CHANGED_PLAN, SELF_RATE, RATE, RATE_AGAIN, APPROVE}
)


def review_url(review_id: int) -> str:
    return reverse("monitoring:review", kwargs={"pk": review_id})


def _actor_id(review: Review, actor: str) -> int | None:
    return {PERSON: review.person_id, EVALUATOR: review.evaluator_id, APPROVER: review.approver_id}[actor]


def _review_tasks(review: Review, today: date) -> Iterator[Task]:
    for step in review_steps(review, today):
        actor_id = _actor_id(review, step.actor)
        if step.kind not in REVIEW_TASK_KINDS or actor_id is None:
            continue
        yield Task(
            kind=step.kind,
            what=_review_task_text(step.kind, review.person.full_name),
            key=f"{step.kind}:{review.pk}",
            review_id=review.pk,
            period_label=review.period.label,
            person_name=review.person.full_name,
            due_on=step.due_on,
            overdue=step.due_on < today,
            url=review_url(review.pk),
            actor_person_id=actor_id,
        )


def _item_task(item: WorkItem, today: date) -> Task | None:
    review = item.review
    period = review.period
    name = review.person.full_name
    if item.state == ItemState.ASSIGNED and review.state in conditions.WORK_OPEN_STATES:
        kind, actor_id, due_on = REPORT_ITEM, review.person_id, item.due_on
        what = _("Report “%(item)s”") % {"item": item.name}
    elif item.state == ItemState.REPORTED and review.state in conditions.CHECK_OPEN_STATES:
        kind, actor_id, due_on = CHECK_ITEM, review.evaluator_id, period.manager_rating_due
        what = _("Check “%(item)s” of %(name)s") % {"item": item.name, "name": name}
    elif item.state == ItemState.PROPOSED and review.state in conditions.PLAN_OPEN_STATES:
        kind, actor_id = ANSWER_PROPOSAL, review.evaluator_id
        due_on = (
            period.assignment_due if review.state == ReviewState.PLANNING else max(item.due_on, period.assignment_due)
        )
        what = _("Accept or decline the proposal of %(name)s: “%(item)s”") % {"item": item.name, "name": name}
    else:
        return None
    if actor_id is None:
        return None
    return Task(
        kind=kind,
        what=what,
        key=f"{kind}:{item.pk}",
        review_id=review.pk,
        period_label=period.label,
        person_name=name,
        due_on=due_on,
        overdue=due_on < today,
        url=review_url(review.pk),
        actor_person_id=actor_id,
    )


def _observation_task(observation: Observation, today: date) -> Task:
    review = observation.review
    due_on = review.period.self_rating_due
    return Task(
        kind=ANSWER_OBSERVATION,
        what=_("Answer the observation of %(date)s")
        % {"date": date_format(observation.observed_on, "SHORT_DATE_FORMAT")},
        key=f"{ANSWER_OBSERVATION}:{observation.pk}",
        review_id=review.pk,
        period_label=review.period.label,
        person_name=review.person.full_name,
        due_on=due_on,
        overdue=due_on < today,
        url=review_url(review.pk),
        actor_person_id=review.person_id,
    )


# --- the reads ---------------------------------------------------------------------------------
_REVIEW_FIELDS = (
    "id",
    "state",
    "person_id",
    "evaluator_id",
    "approver_id",
    "plan_version",
    "acknowledged_version",
    "person__full_name",
    "period__id",
    "period__number",
    "period__state",
    "period__starts_on",
    "period__assignment_due",
    "period__reporting_due",
    "period__self_rating_due",
    "period__manager_rating_due",
    "period__approval_due",
    "period__cycle__id",
    "period__cycle__year",
    "period__cycle__frequency",
)
_ITEM_FIELDS = ("id", "name", "state", "due_on", "review_id") + tuple(f"review__{name}" for name in _REVIEW_FIELDS)


def _with_review(queryset: QuerySet, prefix: str = "") -> QuerySet:
    return queryset.select_related(f"{prefix}period__cycle", f"{prefix}person")


def _items_waiting(review_filter: Q) -> QuerySet[WorkItem]:
    """Items waiting for their person (to report), or their evaluator (to check, or to answer a
    proposal), in reviews matching ``review_filter`` (a filter on WorkItem's ``review__``)."""
    waiting = (
        Q(state=ItemState.ASSIGNED, review__state__in=conditions.WORK_OPEN_STATES)
        | Q(state=ItemState.REPORTED, review__state__in=conditions.CHECK_OPEN_STATES)
        | Q(state=ItemState.PROPOSED, review__state__in=conditions.PLAN_OPEN_STATES)
    )
    return _with_review(
        WorkItem.objects.filter(review_filter, waiting, review__period__state=PeriodState.OPEN), "review__"
    ).only(*_ITEM_FIELDS)


def _observations_unanswered(review_filter: Q) -> QuerySet[Observation]:
    return (
        _with_review(
            Observation.objects.filter(review_filter, answer="", review__period__state=PeriodState.OPEN), "review__"
        )
        .exclude(review__state=ReviewState.APPROVED)
        .only("id", "observed_on", "review_id", *(f"review__{name}" for name in _REVIEW_FIELDS))
    )


def _collect(
    reviews: Iterable[Review], items: Iterable[WorkItem], observations: Iterable[Observation], today: date
) -> Iterator[Task]:
    for review in reviews:
        yield from _review_tasks(review, today)
    for item in items:
        task = _item_task(item, today)
        if task is not None:
            yield task
    for observation in observations:
        yield _observation_task(observation, today)


def todo_for(user, today: date) -> list[Task]:
    """What ``user`` must do next: overdue first, then by due date. Four queries, whatever the
    size of the agency or the number of people the user evaluates or approves."""
    me = getattr(user, "person_id", None) if user is not None and user.is_authenticated and user.is_active else None
    if me is None:
        return []
    # Only the reviews where a step may be the viewer's: an approver's reviews wait for them only
    # once submitted, an evaluator's until then (a head approving a whole department reads a few rows).
    mine = (
        Q(person_id=me)
        | Q(evaluator_id=me, state__in=EVALUATOR_STATES)
        | Q(approver_id=me, state=ReviewState.SUBMITTED)
    )
    reviews = _with_review(_open_reviews().filter(mine)).only(*_REVIEW_FIELDS)
    items = _items_waiting(
        Q(review__person_id=me, state=ItemState.ASSIGNED)
        | Q(review__evaluator_id=me, state__in=(ItemState.REPORTED, ItemState.PROPOSED))
    )
    observations = _observations_unanswered(Q(review__person_id=me))
    tasks = [task for task in _collect(reviews, items, observations, today) if task.actor_person_id == me]
    return sorted(tasks, key=lambda task: task.sort_key)


def tasks_for_everyone(today: date, *, due_by: date | None = None, batch_size: int = REVIEW_BATCH) -> Iterator[Task]:
    """Every pending task of the agency (due on or before ``due_by`` when given), reviews read in
    batches of ``batch_size`` (three queries a batch), for the reminders.

    With ``due_by``, what cannot be due by then is not read: the periods not begun by then (every
    deadline of a period falls after its first day), the items due later, the checks and the
    observations whose period deadline is later."""
    reviews, items_due, observations_due = _open_reviews(), Q(), Q()
    if due_by is not None:
        reviews = reviews.filter(period__starts_on__lte=due_by)
        items_due = (
            Q(state=ItemState.ASSIGNED, due_on__lte=due_by)
            | Q(state=ItemState.REPORTED, review__period__manager_rating_due__lte=due_by)
            | Q(state=ItemState.PROPOSED, review__period__assignment_due__lte=due_by)
        )
        observations_due = Q(review__period__self_rating_due__lte=due_by)
    last_id = 0
    while True:
        batch = list(_with_review(reviews.filter(pk__gt=last_id)).only(*_REVIEW_FIELDS).order_by("pk")[:batch_size])
        if not batch:
            return
        last_id = batch[-1].pk
        ids = [review.pk for review in batch]
        items = _items_waiting(Q(review_id__in=ids) & items_due)
        observations = _observations_unanswered(Q(review_id__in=ids) & observations_due)
        for task in _collect(batch, items, observations, today):
            if due_by is None or task.due_on <= due_by:
                yield task
