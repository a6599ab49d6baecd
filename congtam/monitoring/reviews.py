"""Monitoring writes for period reviews: ratings and the score, submission, return,
approval (one or many, with the leaders' rescore), amendment, and observations. Each write is
one transaction with its audit entry; a change to an existing row takes the ``version`` the
user saw and locks the row (see :mod:`congtam.monitoring.services`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congtam.accounts.permissions import refuse_own_record
from congtam.audit.services import AuditDraft, Subject, audit_record, audit_record_many
from congtam.core import permissions
from congtam.core.permissions import Refused
from congtam.core.workflow import perform
from congtam.monitoring import conditions, events
from congtam.monitoring.models import (
    GeneralRating,
    Observation,
    Period,
    RaterRole,
    Review,
    ReviewState,
    WorkItem,
)
from congtam.monitoring.scoring import review_score
from congtam.monitoring.services import bump, check_in_period, concurrent_edit, lock_review, require_reason, short, tell
from congtam.scoring import api as engine
from congtam.vietnamese import clean_text


# --- ratings and the score ---------------------------------------------------------------------
def _scale(policy) -> dict[str, int]:
    return {entry["code"]: len(entry["levels"]) for entry in engine.general_levels(policy)}


@transaction.atomic
def rating_save(
    *,
    actor,
    review: Review,
    role: str,
    levels: dict[str, int],
    comments: dict[str, str] | None = None,
    expected_version: int = 0,
    submit: bool = False,
) -> GeneralRating:
    """Save (and with ``submit`` finish) the self-rating or the manager's rating of the general
    criteria. A manager's level at either end of the scale, or two levels or more from the
    person's own, must come with a comment citing what was observed."""
    review = lock_review(review)
    if role == RaterRole.SELF:
        is_rater, open_states = (
            permissions.has_perm(actor, "monitoring.self_assess", review),
            (ReviewState.IN_PROGRESS,),
        )
    elif role == RaterRole.MANAGER:
        is_rater = permissions.has_perm(actor, "monitoring.evaluate_review", review)
        open_states = (ReviewState.IN_PROGRESS, ReviewState.SELF_ASSESSED, ReviewState.RETURNED)
    else:
        raise ValueError(role)
    if not is_rater:
        raise Refused(_("You may not rate this review."))
    if review.state not in open_states:
        raise ValidationError(
            _("The general criteria cannot be rated in the state “%(state)s”.") % {"state": review.get_state_display()}
        )
    policy = review.period.cycle.engine_policy()
    scale = _scale(policy)
    comments = {code: clean_text(text or "") for code, text in (comments or {}).items() if code in scale}
    clean_levels: dict[str, int] = {}
    errors: dict[str, list[str]] = {}
    for code, top in scale.items():
        raw = levels.get(code)
        if raw in (None, ""):
            if submit:
                errors.setdefault(code, []).append(_("Choose a level."))
            continue
        try:
            level = int(raw)
        except (TypeError, ValueError):
            level = 0
        if not 1 <= level <= top:
            errors.setdefault(code, []).append(_("Choose a level from 1 to %(top)s.") % {"top": top})
            continue
        clean_levels[code] = level
    if role == RaterRole.MANAGER:
        own = review.ratings.filter(rater_role=RaterRole.SELF).values_list("levels", flat=True).first() or {}
        for code, level in clean_levels.items():
            extreme = level in (1, scale[code])
            apart = code in own and abs(level - int(own[code])) >= 2
            if (extreme or apart) and len(comments.get(code, "")) < 10:
                errors.setdefault(code, []).append(
                    _(
                        "This level is at the end of the scale or two levels or more from the self-rating: cite what "
                        "you observed (at least 10 characters)."
                    )
                )
    if errors:
        raise ValidationError(errors)
    rating = GeneralRating.objects.select_for_update().filter(review=review, rater_role=role).first()
    if rating is None:
        if expected_version:
            raise concurrent_edit(_("this rating"))
        rating = GeneralRating(review=review, rater_role=role, version=0)
    elif rating.version != expected_version:
        raise concurrent_edit(_("this rating"))
    elif rating.submitted_at is not None and role == RaterRole.SELF:
        raise ValidationError(_("The self-assessment is already submitted."))
    before = {"levels": rating.levels, "comments": rating.comments} if rating.pk else None
    rating.levels, rating.comments, rating.rated_by = clean_levels, comments, actor
    rating.submitted_at = timezone.now() if submit else None
    rating.version += 1
    rating.save()
    audit_record(
        actor=actor,
        event=events.RATING_SAVED,
        subject=review,
        old=before,
        new={"role": role, "levels": clean_levels, "comments": comments, "submitted": submit},
    )
    if submit and role == RaterRole.SELF:
        perform(review, "submit_self_assessment", actor)
        bump(review)
        review.save()
        audit_record(actor=actor, event=events.REVIEW_SELF_ASSESSED, subject=review, new={"state": review.state})
    return rating


def score_preview(review: Review):
    """The engine's score of a review as it stands (for the page, as the manager works)."""
    items = list(review.items.all())
    ratings = list(review.ratings.all())
    return review_score(review, items, ratings)


def period_not_ended(period) -> bool:
    """Whether the period is still running today: its score is sent early only with a reason."""
    return timezone.localdate() <= period.ends_on


@transaction.atomic
def review_submit(*, actor, review: Review, expected_version: int, early_reason: str = "") -> Review:
    """The evaluator submits: the score is computed again on the server, from the rows, and kept
    with its explanation for the approver.

    Before the period has ended, the work still due in it would count as not done: the score is
    sent early only with a reason (the person is leaving, long leave), which the approver sees."""
    review = lock_review(review, expected_version)
    if period_not_ended(review.period):
        review.early_reason = require_reason(early_reason, "early_reason")
    else:
        review.early_reason = ""
    perform(review, "submit_rating", actor)
    result = score_preview(review)
    if result.score is None or result.rater != RaterRole.MANAGER:
        raise ValidationError(result.problem or str(conditions.manager_rating_complete.refusal_message))
    review.set_score(result.score)
    review.explanation, review.scored_at = result.explanation, timezone.now()
    review.return_comment = ""
    bump(review)
    review.save()
    audit_record(
        actor=actor,
        event=events.REVIEW_SUBMITTED,
        subject=review,
        new={"score": review.score_exact, "state": review.state},
        reason=review.early_reason,
    )
    early = (
        _("Sent before the period ends (%(date)s). Reason: %(reason)s")
        % {"date": short(review.period.ends_on), "reason": review.early_reason}
        if review.early_reason
        else ""
    )
    tell(
        [review.approver_id],
        kind="monitoring.review_submitted",
        review=review,
        title=_("%(name)s's score for %(period)s awaits your approval")
        % {"name": review.person.full_name, "period": review.period.label},
        body=early,
    )
    return review


@transaction.atomic
def review_return(*, actor, review: Review, expected_version: int, comment: str) -> Review:
    comment = require_reason(comment, "comment")
    review = lock_review(review, expected_version)
    perform(review, "return_to_evaluator", actor)
    review.return_comment = comment
    bump(review)
    review.save()
    audit_record(actor=actor, event=events.REVIEW_RETURNED, subject=review, new={"state": review.state}, reason=comment)
    tell(
        [review.evaluator_id],
        kind="monitoring.review_returned",
        review=review,
        body=comment,
        title=_("%(name)s's score for %(period)s was returned to you")
        % {"name": review.person.full_name, "period": review.period.label},
    )
    return review


@transaction.atomic
def review_approve(*, actor, review: Review, expected_version: int | None) -> Review:
    review = lock_review(review, expected_version)
    perform(review, "approve", actor)
    review.approved_by, review.approved_at = actor, timezone.now()
    bump(review)
    review.save()
    audit_record(
        actor=actor,
        event=events.REVIEW_APPROVED,
        subject=review,
        new={"score": review.score_exact, "state": review.state},
    )
    _after_approval(actor, review)
    return review


@transaction.atomic
def review_approve_by_decision(
    *, actor, review: Review, expected_version: int | None, number: str, signed_on: date | None, signer: str, upload
) -> Review:
    """HR records the signed decision of the authority outside the installation that approves
    the score of a person whose approver it is (an agency's head): the record approves the
    review, which locks, with its audit entry (see :mod:`congtam.monitoring.decisions`)."""
    from congtam.monitoring.decisions import decision_record, decision_values

    refuse_own_record(actor, review.person_id)
    review = lock_review(review, expected_version)
    perform(review, "approve_by_decision", actor)
    decision = decision_record(
        actor=actor,
        person=review.person,
        authority=review.external_approver,
        number=number,
        signed_on=signed_on,
        signer=signer,
        upload=upload,
    )
    review.approved_by, review.approved_at, review.outside_decision = actor, timezone.now(), decision
    bump(review)
    review.save()
    audit_record(
        actor=actor,
        event=events.REVIEW_APPROVED_BY_DECISION,
        subject=review,
        new={"score": review.score_exact, "state": review.state, "decision": decision_values(decision)},
    )
    _after_approval(actor, review)
    return review


def _after_approval(actor, review: Review) -> None:
    """What follows the approval of one score, by its approver or by a recorded decision: the
    person is told, and the leaders above whose score waited for it are scored again."""
    tell(
        [review.person_id],
        kind="monitoring.review_approved",
        review=review,
        body="",
        title=_("Your score for %(period)s was approved") % {"period": review.period.label},
    )
    _leaders_rescore(actor=actor, period=review.period, unit_ids=[review.unit_id])


def _leaders_rescore(*, actor, period: Period, unit_ids) -> int:
    """After staff reviews are approved: the heads' and deputies' reviews above them whose score
    already awaits approval (sent before a staff review was added to the period) get their unit
    part computed again, once the last of their staff is approved; the audit keeps the change.
    The others need nothing: a leader's score is computed, with the unit part, when it is sent.
    Two queries when there is nobody to rescore. Returns how many scores changed."""
    from congtam.monitoring import leaders

    above = leaders.leader_units_above(period, unit_ids)
    waiting = (
        Review.objects.select_for_update()
        .select_related("period__cycle", "person", "unit")
        .filter(period=period, is_leader=True, unit_id__in=above, state=ReviewState.SUBMITTED)
    )
    changed = 0
    for leader in waiting:
        result = score_preview(leader)
        if result.score is None or (result.score == leader.exact_score and result.explanation == leader.explanation):
            continue
        old_score = leader.score_exact
        leader.set_score(result.score)
        leader.explanation, leader.scored_at = result.explanation, timezone.now()
        bump(leader)
        leader.save()
        audit_record(
            actor=actor,
            event=events.REVIEW_UNIT_PART,
            subject=leader,
            old={"score": old_score},
            new={"score": leader.score_exact, "unit": result.explanation.get("leader")},
        )
        changed += 1
    return changed


@transaction.atomic
def reviews_approve(*, actor, reviews: Iterable[Review]) -> int:
    """Approve several reviews at once (a whole unit): each must be one the actor approves and
    awaiting approval; the others are left as they are. Returns how many were approved."""
    ids = [review.pk for review in reviews]
    locked = list(
        Review.objects.select_for_update().select_related("period__cycle", "person", "unit").filter(pk__in=ids)
    )
    # Staff first, then the leaders from the lowest unit up: a head's or deputy's approval waits
    # for their staff's (conditions.staff_reviews_approved), who may be approved in this batch.
    locked.sort(key=lambda review: (review.is_leader, -review.unit.depth))
    now = timezone.now()
    drafts = []
    for review in locked:
        if review.state != ReviewState.SUBMITTED or not permissions.has_perm(
            actor, "monitoring.approve_review", review
        ):
            continue
        if review.is_leader and not conditions.staff_reviews_approved(review):
            continue  # left as it is, like a review the actor does not approve
        perform(review, "approve", actor)
        review.approved_by, review.approved_at = actor, now
        bump(review)
        review.save()
        drafts.append(
            AuditDraft(
                event=events.REVIEW_APPROVED,
                subject=Subject.of(review),
                new={"score": review.score_exact, "state": review.state},
            )
        )
    if drafts:
        audit_record_many(actor=actor, drafts=drafts)
        approved = [review for review in locked if review.state == ReviewState.APPROVED and review.approved_at == now]
        for period_id in {review.period_id for review in approved}:
            _leaders_rescore(
                actor=actor,
                period=next(review.period for review in approved if review.period_id == period_id),
                unit_ids={review.unit_id for review in approved if review.period_id == period_id},
            )
        if approved:
            from django.contrib.auth import get_user_model
            from django.urls import reverse

            from congtam.notifications.services import notify

            users = {
                user.person_id: user
                for user in get_user_model().objects.filter(
                    person_id__in=[review.person_id for review in approved], is_active=True
                )
            }
            for review in approved:
                if review.person_id in users:
                    notify(
                        [users[review.person_id]],
                        kind="monitoring.review_approved",
                        title=_("Your score for %(period)s was approved") % {"period": review.period.label},
                        url=reverse("monitoring:review", kwargs={"pk": review.pk}),
                    )
    return len(drafts)


@transaction.atomic
def review_amend(*, actor, review: Review, reason: str, item_corrections: dict[int, dict] | None = None) -> Review:
    """HR corrects a locked review: item facts (quality failures, objective cause, completion
    date) with a reason; the score is computed again and the original stays readable."""
    from congtam.monitoring.models import Amendment

    reason = require_reason(reason)
    permissions.require(
        actor, "monitoring.correct_review", review, message=_("Only the personnel department corrects a locked review.")
    )
    refuse_own_record(actor, review.person_id)
    review = lock_review(review)
    if review.state != ReviewState.APPROVED:
        raise ValidationError(
            _("Only an approved, locked review is corrected by amendment; before that, the evaluator changes it.")
        )
    allowed = {"quality_failures", "objective_cause", "completed_on"}
    changes = []
    for item in WorkItem.objects.select_for_update().filter(review=review, pk__in=list(item_corrections or {})):
        correction = item_corrections[item.pk]
        if set(correction) - allowed:
            raise ValidationError(
                _("Only an item's quality failures, objective cause or completion date can be corrected.")
            )
        before = {name: getattr(item, name) for name in correction}
        for name, value in correction.items():
            setattr(item, name, value)
        bump(item)
        item.save()
        changes.append({"item": item.pk, "before": before, "after": correction})
    old_score, old_explanation = review.score_exact, review.explanation
    result = score_preview(review)
    if result.score is None:
        raise ValidationError(result.problem)
    review.set_score(result.score)
    Amendment.objects.create(
        review=review,
        old_score=old_score,
        new_score=review.score_exact,
        old_explanation=old_explanation,
        reason=reason,
        amended_by=actor,
    )
    review.explanation, review.scored_at = result.explanation, timezone.now()
    bump(review)
    review.save()
    audit_record(
        actor=actor,
        event=events.REVIEW_AMENDED,
        subject=review,
        old={"score": old_score},
        new={"score": review.score_exact, "changes": changes},
        reason=reason,
    )
    return review


# --- observations ------------------------------------------------------------------------------
@transaction.atomic
def observation_write(*, actor, review: Review, observed_on: date, text: str) -> Observation:
    review = lock_review(review)
    permissions.require(
        actor, "monitoring.observe", review, message=_("Only the person's evaluator writes observations.")
    )
    text = clean_text(text or "")
    if len(text) < 10:
        raise ValidationError({"text": _("Describe what you observed (at least 10 characters).")})
    if observed_on > timezone.localdate():
        raise ValidationError({"observed_on": _("An observation cannot be dated in the future.")})
    check_in_period(review, observed_on, "observed_on")
    observation = Observation.objects.create(review=review, observed_on=observed_on, text=text, author=actor)
    audit_record(
        actor=actor, event=events.OBSERVATION_WRITTEN, subject=review, new={"observed_on": observed_on, "text": text}
    )
    tell(
        [review.person_id],
        kind="monitoring.observation",
        review=review,
        body=text,
        title=_("Your manager recorded an observation; you may answer it"),
    )
    return observation


@transaction.atomic
def observation_answer(*, actor, observation: Observation, answer: str) -> Observation:
    observation = (
        Observation.objects.select_for_update()
        .select_related("review__person", "review__period__cycle")
        .get(pk=observation.pk)
    )
    permissions.require(
        actor,
        "monitoring.answer_observation",
        observation,
        message=_("Only the person observed answers an observation."),
    )
    answer = clean_text(answer or "")
    if not answer:
        raise ValidationError({"answer": _("Write your answer.")})
    before = {"answer": observation.answer}
    observation.answer, observation.answered_at = answer, timezone.now()
    observation.save(update_fields=["answer", "answered_at"])
    audit_record(
        actor=actor, event=events.OBSERVATION_ANSWERED, subject=observation.review, old=before, new={"answer": answer}
    )
    return observation
