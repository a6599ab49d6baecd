"""Notifying people: in-app rows now, the e-mail from a task once the transaction has committed.

Notifications are messages about changes, not changes of the record: the change that causes one
is audited by its own service, so creating or reading a notification writes no audit entry.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from congtam.core.bulk import batched
from congtam.notifications import reminders
from congtam.notifications.models import Notification

logger = logging.getLogger(__name__)

BATCH = 500
EMAILS_PER_TASK = 100


def _user_id(user) -> int:
    return user if isinstance(user, int) else user.pk


def _checked_url(url: str) -> str:
    url = url or ""
    if url and (not url.startswith("/") or url.startswith("//")):
        raise ValueError(f"A notification links to a page of this site (a path starting with '/'), not {url!r}")
    return url[:500]


def notify(
    users, *, kind: str, title: str, body: str = "", url: str = "", key: str | None = None, email: bool = True
) -> list[Notification]:
    """Notify each of ``users`` (users or user ids). With a ``key``, a person who already has a
    notification with that key gets nothing new. Returns the notifications created; their
    e-mails are sent by a background task after the caller's transaction commits."""
    url = _checked_url(url)
    drafts = (
        Notification(
            user_id=_user_id(user), kind=kind, title=str(title)[:300], body=str(body), url=url, key=(key or "")[:200]
        )
        for user in dict.fromkeys(users)
    )
    return _create(drafts, email=email)


def _create(drafts: Iterable[Notification], *, email: bool) -> list[Notification]:
    created: list[Notification] = []
    for batch in batched(drafts, BATCH):
        with transaction.atomic():
            new = _without_duplicates(batch)
            try:
                with transaction.atomic():
                    created_now = Notification.objects.bulk_create(new)
            except IntegrityError:
                # Someone sent the same keyed notification at the same moment: one by one, then.
                created_now = [row for row in new if _create_one(row)]
            created += created_now
            if email and created_now:
                _email_on_commit([row.pk for row in created_now])
    return created


def _without_duplicates(batch: list[Notification]) -> list[Notification]:
    keyed = [row for row in batch if row.key]
    seen: set[tuple[int, str]] = set()
    if keyed:
        seen = set(
            Notification.objects.filter(
                user_id__in={row.user_id for row in keyed}, key__in={row.key for row in keyed}
            ).values_list("user_id", "key")
        )
    rows = []
    for row in batch:
        if row.key:
            if (row.user_id, row.key) in seen:
                continue
            seen.add((row.user_id, row.key))
        rows.append(row)
    return rows


def _create_one(row: Notification) -> bool:
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        return False
    return True


def _email_on_commit(notification_ids: list[int]) -> None:
    for chunk in batched(notification_ids, EMAILS_PER_TASK):
        transaction.on_commit(lambda chunk=chunk: _enqueue_emails(chunk))


def _enqueue_emails(notification_ids: list[int]) -> None:
    from congtam.notifications.tasks import send_notification_emails

    try:
        send_notification_emails.delay(notification_ids)
    except Exception:  # the broker is unreachable: the notifications are there; the e-mails wait
        logger.exception("Could not queue the e-mails of notifications %s", notification_ids)


# --- reading them -------------------------------------------------------------------------------
@transaction.atomic
def mark_read(*, actor, notification_id: int) -> bool:
    """Mark one of the actor's own notifications read; another person's is left alone."""
    updated = Notification.objects.filter(pk=notification_id, user=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return bool(updated)


@transaction.atomic
def mark_all_read(*, actor) -> int:
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())


# --- e-mail -------------------------------------------------------------------------------------
def recipient_address(user) -> str:
    if user.email:
        return user.email
    person = getattr(user, "person", None) if user.person_id else None
    return person.email if person is not None else ""


def _recipient_name(user) -> str:
    return user.person.full_name if user.person_id else user.get_username()


def notification_email(notification: Notification) -> EmailMessage | None:
    """The plain-text e-mail of a notification, in Vietnamese (the product's language)."""
    address = recipient_address(notification.user)
    if not address:
        return None
    link = f"{settings.CONGTAM_SITE_URL}{notification.url}" if notification.url else ""
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(f"[Công Tâm] {notification.title}".split())
        body = render_to_string(
            "notifications/email.txt",
            {"name": _recipient_name(notification.user), "notification": notification, "link": link},
        )
    return EmailMessage(subject=subject, body=body, to=[address])


def emails_send(*, notification_ids: list[int]) -> int:
    """Send the e-mails not sent yet; each is marked sent as soon as it has gone, so a retry
    after a failure sends only the rest. Returns how many were sent."""
    notifications = (
        Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
        .select_related("user", "user__person")
        .only(
            "id",
            "title",
            "body",
            "url",
            "user__email",
            "user__username",
            "user__person",
            "user__person__full_name",
            "user__person__email",
        )
        .order_by("id")
    )
    sent = 0
    with get_connection() as connection:
        for notification in notifications:
            message = notification_email(notification)
            if message is None:
                logger.info("No e-mail address for the recipient of notification %s", notification.pk)
                continue
            message.connection = connection
            message.send()
            Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
            sent += 1
    return sent


# --- reminders ----------------------------------------------------------------------------------
def reminders_send(*, now: datetime | None = None) -> int:
    """Ask every registered provider for the reminders due now and notify each one once (in the
    application and by e-mail). A provider that fails is logged and the others still run.
    Returns how many notifications were created."""
    now = now or timezone.now()
    created = 0
    for provider in reminders.providers():
        try:
            created += len(_create((_reminder_notification(reminder) for reminder in provider(now)), email=True))
        except Exception:
            logger.exception("Reminder provider %r failed", provider)
    return created


def _reminder_notification(reminder: reminders.Reminder) -> Notification:
    if not reminder.key:
        raise ValueError("A reminder needs a key, or it would be sent again every time")
    return Notification(
        user_id=reminder.user_id,
        kind=reminder.kind,
        title=str(reminder.title)[:300],
        body=str(reminder.body),
        url=_checked_url(reminder.url),
        key=reminder.key[:200],
    )
