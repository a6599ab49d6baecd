"""Monitoring writes for work items: assigning and proposing them, accepting, declining,
withdrawing, moving the due date, acknowledging the plan, reporting and checking, and their
evidence. Each write is one transaction with its audit entry; a change to an existing row takes
the ``version`` the user saw and locks the row (see :mod:`congtam.monitoring.services`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congtam.audit.services import audit_record
from congtam.core import permissions
from congtam.core.permissions import Refused
from congtam.core.workflow import perform
from congtam.monitoring import conditions, events
from congtam.monitoring.evidence import check_link, check_upload
from congtam.monitoring.models import (
    CheckResult,
    DueDateChange,
    Evidence,
    ItemState,
    Origin,
    QualityCheck,
    Review,
    ReviewState,
    WorkItem,
)
from congtam.monitoring.services import (
    bump,
    catalogue_item_for,
    check_in_period,
    item_values,
    lock_item,
    lock_review,
    parse_factor,
    plan_changed,
    require_reason,
    short,
    tell,
)
from congtam.vietnamese import clean_text


# --- the plan ----------------------------------------------------------------------------------
def _new_item(
    review: Review,
    *,
    actor,
    origin: str,
    state: str,
    catalogue_code: str,
    name: str,
    factor,
    reason: str,
    due_on: date,
    unit_of_measure: str,
    source_system=None,
    source_id: str = "",
) -> WorkItem:
    check_in_period(review, due_on, "due_on")
    if catalogue_code:
        entry = catalogue_item_for(review, catalogue_code)
        values = {
            "catalogue_item": entry,
            "code": entry.code,
            "name": entry.name,
            "factor": entry.factor,
            "unit_of_measure": entry.unit,
            "quality_requirement": entry.quality_requirement,
        }
    else:
        name = clean_text(name or "")
        if not name:
            raise ValidationError({"name": _("Name the product or task.")})
        if factor in (None, ""):
            raise ValidationError({"factor": _("Give the conversion factor of an item outside the catalogue.")})
        values = {
            "name": name[:500],
            "factor": parse_factor(factor),
            "unit_of_measure": clean_text(unit_of_measure or "")[:100],
            "ad_hoc_reason": require_reason(reason, "ad_hoc_reason"),
        }
    item = WorkItem(
        review=review,
        origin=origin,
        state=state,
        due_on=due_on,
        created_by=actor,
        in_plan_version=review.plan_version,
        source_system=source_system,
        source_id=source_id,
        **values,
    )
    item.full_clean(exclude=["review", "catalogue_item", "source_system", "created_by", "state"])
    item.save()
    return item


def _item_into_plan(*, actor, review: Review, permission: str, refusal: str, **content) -> tuple[Review, WorkItem]:
    """What assigning and proposing share: the review locked, the actor's permission, the plan
    still open, then the new item (``content``: the keyword arguments of :func:`_new_item`)."""
    review = lock_review(review)
    permissions.require(actor, permission, review, message=refusal)
    if review.state not in conditions.PLAN_OPEN_STATES:
        raise ValidationError(str(conditions.plan_open.refusal_message))
    return review, _new_item(review, actor=actor, **content)


@transaction.atomic
def item_assign(
    *,
    actor,
    review: Review,
    due_on: date,
    catalogue_code: str = "",
    name: str = "",
    factor=None,
    ad_hoc_reason: str = "",
    unit_of_measure: str = "",
) -> WorkItem:
    """The evaluator assigns an item from the person's catalogue, or ad hoc with a factor and a reason."""
    review, item = _item_into_plan(
        actor=actor,
        review=review,
        permission="monitoring.plan_item",
        refusal=_("Only the person's evaluator assigns their work."),
        origin=Origin.MANAGER,
        state=ItemState.ASSIGNED,
        catalogue_code=catalogue_code,
        name=name,
        factor=factor,
        reason=ad_hoc_reason,
        due_on=due_on,
        unit_of_measure=unit_of_measure,
    )
    plan_changed(review)
    item.in_plan_version = review.plan_version
    item.save(update_fields=["in_plan_version"])
    audit_record(
        actor=actor, event=events.ITEM_ASSIGNED, subject=item, new=item_values(item), reason=item.ad_hoc_reason
    )
    return item


@transaction.atomic
def item_propose(
    *,
    actor,
    review: Review,
    due_on: date,
    catalogue_code: str = "",
    name: str = "",
    factor=None,
    ad_hoc_reason: str = "",
    unit_of_measure: str = "",
) -> WorkItem:
    """The person proposes an item for the manager to accept or decline."""
    _review, item = _item_into_plan(
        actor=actor,
        review=review,
        permission="monitoring.propose_item",
        refusal=_("Only the person proposes items for their own plan."),
        origin=Origin.PERSON,
        state=ItemState.PROPOSED,
        catalogue_code=catalogue_code,
        name=name,
        factor=factor,
        reason=ad_hoc_reason,
        due_on=due_on,
        unit_of_measure=unit_of_measure,
    )
    audit_record(
        actor=actor, event=events.ITEM_PROPOSED, subject=item, new=item_values(item), reason=item.ad_hoc_reason
    )
    return item


def _item_transition(
    item: WorkItem,
    name: str,
    actor,
    *,
    expected_version: int,
    event: str,
    reason: str = "",
    change: Callable[[WorkItem], None] | None = None,
    plan_change: bool = False,
) -> WorkItem:
    # Locks in one order everywhere (the review, then its item), so two writers cannot deadlock.
    review = lock_review(Review(pk=item.review_id)) if plan_change else None
    item = lock_item(item, expected_version)
    if review is not None:
        item.review = review
    before = item_values(item)
    perform(item, name, actor)
    if change is not None:
        change(item)
    bump(item)
    item.save()
    if review is not None:
        plan_changed(review)
    audit_record(actor=actor, event=event, subject=item, old=before, new=item_values(item), reason=reason)
    return item


@transaction.atomic
def item_accept(*, actor, item: WorkItem, expected_version: int) -> WorkItem:
    return _item_transition(
        item, "accept", actor, expected_version=expected_version, event=events.ITEM_ACCEPTED, plan_change=True
    )


@transaction.atomic
def item_decline(*, actor, item: WorkItem, expected_version: int, reason: str) -> WorkItem:
    reason = require_reason(reason)

    def change(row: WorkItem) -> None:
        row.decline_reason = reason

    item = _item_transition(
        item,
        "decline",
        actor,
        expected_version=expected_version,
        event=events.ITEM_DECLINED,
        reason=reason,
        change=change,
    )
    tell(
        [item.review.person_id],
        kind="monitoring.proposal_declined",
        review=item.review,
        title=_("Your proposal “%(name)s” was declined") % {"name": item.name},
        body=reason,
    )
    return item


@transaction.atomic
def item_withdraw(*, actor, item: WorkItem, expected_version: int, reason: str) -> WorkItem:
    reason = require_reason(reason)
    return _item_transition(
        item,
        "withdraw",
        actor,
        expected_version=expected_version,
        event=events.ITEM_WITHDRAWN,
        reason=reason,
        plan_change=True,
    )


@transaction.atomic
def item_move_due(*, actor, item: WorkItem, expected_version: int, new_due_on: date, reason: str) -> WorkItem:
    """The evaluator moves a due date, with the reason. A date already missed still counts as late."""
    reason = require_reason(reason)
    item = lock_item(item, expected_version)
    review = item.review
    permissions.require(
        actor, "monitoring.plan_item", review, message=_("Only the person's evaluator moves a due date.")
    )
    if (
        item.state != ItemState.ASSIGNED
        or review.state not in conditions.WORK_OPEN_STATES + conditions.PLAN_OPEN_STATES
    ):
        raise ValidationError(_("Only the due date of an assigned item not yet reported can move."))
    check_in_period(review, new_due_on, "new_due_on")
    before = item_values(item)
    missed = timezone.localdate() > item.due_on
    DueDateChange.objects.create(
        item=item, old_due_on=item.due_on, new_due_on=new_due_on, was_missed=missed, reason=reason, changed_by=actor
    )
    item.missed_deadlines += 1 if missed else 0
    item.due_on = new_due_on
    bump(item)
    item.save()
    audit_record(
        actor=actor,
        event=events.ITEM_DUE_MOVED,
        subject=item,
        old=before,
        new={**item_values(item), "old_date_missed": missed},
        reason=reason,
    )
    return item


@transaction.atomic
def plan_acknowledge(*, actor, review: Review, expected_version: int) -> Review:
    """The person acknowledges the plan as it stands (its current version)."""
    review = lock_review(review, expected_version)
    if review.state == ReviewState.PLANNING:
        perform(review, "acknowledge_plan", actor)
    elif not permissions.has_perm(actor, "monitoring.self_assess", review):
        raise Refused(_("Only the person acknowledges their plan."))
    elif review.acknowledged_version == review.plan_version:
        raise ValidationError(_("You have already acknowledged this version of the plan."))
    review.acknowledged_version = review.plan_version
    review.acknowledged_at = timezone.now()
    bump(review)
    review.save()
    audit_record(actor=actor, event=events.PLAN_ACKNOWLEDGED, subject=review, new={"plan_version": review.plan_version})
    return review


# --- reporting and checking ------------------------------------------------------------------
@transaction.atomic
def item_report(*, actor, item: WorkItem, expected_version: int, completed_on: date, note: str = "") -> WorkItem:
    """The person reports an item done. The date decides lateness; it cannot be in the future."""
    locked = lock_item(item, expected_version)
    period = locked.review.period
    today = timezone.localdate()
    if completed_on > today:
        raise ValidationError({"completed_on": _("The completion date cannot be in the future.")})
    if completed_on < period.starts_on:
        raise ValidationError(
            {
                "completed_on": _("The completion date cannot be before the period starts (%(start)s).")
                % {"start": short(period.starts_on)}
            }
        )
    if today > period.reporting_due and permissions.has_perm(actor, "monitoring.report_item", locked):
        raise ValidationError(
            _("The reporting deadline of this period (%(date)s) has passed. Ask your manager to record the result.")
            % {"date": short(period.reporting_due)}
        )

    def change(row: WorkItem) -> None:
        row.completed_on = completed_on
        row.report_note = clean_text(note or "")

    return _item_transition(
        locked, "report", actor, expected_version=locked.version, event=events.ITEM_REPORTED, change=change
    )


@transaction.atomic
def item_check(*, actor, item: WorkItem, expected_version: int, result: str, comment: str = "") -> WorkItem:
    """The evaluator's check: passed; or failed for a major error (a comment citing what is wrong
    is required; the item goes back for correction and one quality deduction counts); or, by the
    competent authority, an objective cause confirmed (no deduction)."""
    comment = clean_text(comment or "")
    if result == CheckResult.PASSED:
        name = "pass_check"
    elif result == CheckResult.FAILED:
        name = "fail_check"
        if len(comment) < 10:
            raise ValidationError({"comment": _("Say what is wrong: cite the error found (at least 10 characters).")})
    elif result == CheckResult.OBJECTIVE_CAUSE:
        name = "confirm_objective_cause"
        if not comment:
            raise ValidationError({"comment": _("Cite the objective cause and its confirmation.")})
    else:
        raise ValidationError({"result": _("Choose the result of the check.")})

    def change(row: WorkItem) -> None:
        if result == CheckResult.FAILED:
            row.quality_failures += 1
            row.completed_on = None
        elif result == CheckResult.OBJECTIVE_CAUSE:
            row.objective_cause = True
        QualityCheck.objects.create(item=row, result=result, comment=comment, checked_by=actor)

    item = _item_transition(
        item, name, actor, expected_version=expected_version, event=events.ITEM_CHECKED, reason=comment, change=change
    )
    if result == CheckResult.FAILED:
        tell(
            [item.review.person_id],
            kind="monitoring.check_failed",
            review=item.review,
            title=_("“%(name)s” did not pass the quality check") % {"name": item.name},
            body=comment,
        )
    return item


@transaction.atomic
def evidence_add(*, actor, item: WorkItem, upload=None, link: str = "", description: str = "") -> Evidence:
    """The person attaches a document (type and size checked, stored outside the web root) or a
    link to the document system's record."""
    item = WorkItem.objects.select_related("review__period", "review__person").get(pk=item.pk)
    permissions.require(
        actor, "monitoring.report_item", item, message=_("Only the person attaches evidence to their items.")
    )
    if item.review.state in (ReviewState.SUBMITTED, ReviewState.APPROVED):
        raise ValidationError(_("The review is submitted: evidence can no longer be added."))
    link = (link or "").strip()
    if bool(upload) == bool(link):
        raise ValidationError(_("Attach one file or give one link."))
    if link:
        check_link(link)
    evidence = Evidence(item=item, link=link, description=clean_text(description or "")[:500], added_by=actor)
    if upload:
        evidence.content_type = check_upload(upload)
        evidence.original_name = upload.name[-255:]
        evidence.size = upload.size
        evidence.file.save(upload.name, upload, save=False)
    else:
        evidence.full_clean(exclude=["item", "file", "added_by"])
    evidence.save()
    audit_record(
        actor=actor,
        event=events.EVIDENCE_ADDED,
        subject=item,
        new={"file": evidence.original_name, "size": evidence.size, "link": evidence.link},
    )
    return evidence


@transaction.atomic
def evidence_viewed(*, actor, evidence: Evidence) -> None:
    """The download's audit entry, in a transaction of its own: a read changes nothing else."""
    audit_record(
        actor=actor,
        event=events.EVIDENCE_VIEWED,
        subject=evidence.item,
        new={"evidence": evidence.pk, "file": evidence.original_name},
    )
