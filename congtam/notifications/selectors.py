"""Reading one's own notifications."""

from __future__ import annotations

from django.db.models import QuerySet

from congtam.core import permissions
from congtam.notifications.models import Notification


def _signed_in(viewer) -> bool:
    return viewer is not None and getattr(viewer, "is_authenticated", False)


def notification_list(*, viewer) -> QuerySet[Notification]:
    """The viewer's notifications, newest first. Nobody reads another person's."""
    permissions.require(viewer, "notifications.view")
    return Notification.objects.filter(user=viewer).defer("key", "emailed_at").order_by("-created_at", "-id")


def unread_count(*, viewer) -> int:
    if not _signed_in(viewer):
        return 0
    return Notification.objects.filter(user=viewer, read_at__isnull=True).count()


def notification_get(*, viewer, notification_id) -> Notification | None:
    if not _signed_in(viewer):
        return None
    return Notification.objects.filter(user=viewer, pk=notification_id).only("id", "url", "read_at").first()
