"""The pieces the monitoring services share: locking a row at the version the user saw, the
version bump, the refusal of a concurrent edit, reasons, notifications, and the checks of a
work item's plan values (factor, dates within the period, catalogue item).

The writes themselves live in :mod:`congtam.monitoring.cycles` (cycles and periods),
:mod:`congtam.monitoring.items` (work items and their evidence) and
:mod:`congtam.monitoring.reviews` (ratings, submission, approval, amendment, observations).
Every write of monitoring: one transaction, with its audit entry, through the declared
workflow transitions. Concurrent edits are refused, never silently overwritten: each service
that changes an existing row takes the ``version`` the user saw and locks the row."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from congtam.catalogue import rules as catalogue_rules
from congtam.catalogue.models import CatalogueItem
from congtam.catalogue.selectors import catalogue_item_current
from congtam.monitoring.models import Review, WorkItem
from congtam.org.services import ConcurrentEditError
from congtam.vietnamese import clean_text


def short(value: date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def concurrent_edit(label: str) -> ConcurrentEditError:
    return ConcurrentEditError(
        _(
            "Someone else changed %(what)s while you were working on it. Nothing was overwritten: reload the page "
            "to see their change, then make yours again."
        )
        % {"what": label}
    )


def lock_review(review: Review, expected_version: int | None = None) -> Review:
    locked = Review.objects.select_for_update().select_related("period__cycle", "person").get(pk=review.pk)
    if expected_version is not None and locked.version != expected_version:
        raise concurrent_edit(_("this period review"))
    return locked


def lock_item(item: WorkItem, expected_version: int | None) -> WorkItem:
    locked = (
        WorkItem.objects.select_for_update().select_related("review__period__cycle", "review__person").get(pk=item.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise concurrent_edit(_("the item “%(name)s”") % {"name": locked.name})
    return locked


def bump(instance) -> None:
    instance.version += 1


def tell(person_ids, *, kind: str, title: str, body: str, review: Review) -> None:
    """Notify the people concerned (in the app, and by e-mail after the commit)."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from congtam.notifications.services import notify

    users = list(get_user_model().objects.filter(person_id__in=[pk for pk in person_ids if pk], is_active=True))
    if users:
        notify(users, kind=kind, title=title, body=body, url=reverse("monitoring:review", kwargs={"pk": review.pk}))


def require_reason(text: str, field: str = "reason") -> str:
    text = clean_text(text or "")
    if not text:
        raise ValidationError({field: _("Give the reason.")})
    return text


# --- the plan ----------------------------------------------------------------------------------
def parse_factor(value) -> Decimal:
    """A work item's conversion factor, read and checked as a catalogue's
    (:func:`congtam.catalogue.rules.parse_factor`); the error is the ``factor`` field's."""
    try:
        return catalogue_rules.parse_factor(value)
    except ValidationError as error:
        raise ValidationError({"factor": error.error_list}) from None


def check_in_period(review: Review, value: date, field: str) -> None:
    check_within_period(review.period.starts_on, review.period.ends_on, value, field)


def check_within_period(starts_on: date, ends_on: date, value: date, field: str) -> None:
    """:func:`check_in_period` for a writer that has the period's dates but not the period."""
    if not starts_on <= value <= ends_on:
        raise ValidationError(
            {
                field: _("The date must lie within the period, from %(start)s to %(end)s.")
                % {"start": short(starts_on), "end": short(ends_on)}
            }
        )


def opens_plan_version(review) -> bool:
    """Whether a change to the plan of ``review`` (a Review, or a row with the same two
    versions) opens a new plan version: it does when the person has acknowledged the plan as it
    stands, so that they acknowledge the changed plan again."""
    return bool(review.acknowledged_version) and review.acknowledged_version == review.plan_version


def plan_changed(review: Review) -> None:
    """A change to the plan of one review: a new plan version when it :func:`opens_plan_version`,
    and the review's version goes up. The bulk write does the same for many reviews at once
    (:func:`congtam.monitoring.bulk.work_items_write`)."""
    if opens_plan_version(review):
        review.plan_version += 1
    bump(review)
    review.save(update_fields=["plan_version", "version"])


def item_values(item: WorkItem) -> dict:
    return {
        "code": item.code,
        "name": item.name,
        "factor": item.factor,
        "due_on": item.due_on,
        "state": item.state,
        "origin": item.origin,
        "plan_version": item.in_plan_version,
    }


def catalogue_item_for(review: Review, code: str) -> CatalogueItem:
    code = (code or "").strip()
    item = catalogue_item_current(review.position, code) if review.position_id else None
    if item is None:
        raise ValidationError(
            {"catalogue_code": _("“%(code)s” is not in the catalogue of this person's position.") % {"code": code}}
        )
    return item
