"""The notifications page: the list, and marking read (one, all, or by opening one)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from congtam.notifications import selectors, services


def _notification_id(request) -> int | None:
    value = request.POST.get("id", "")
    return int(value) if value.isdigit() else None


@require_http_methods(["GET", "POST"])
def notification_list_view(request):
    if request.method == "POST":
        return _act(request)
    page = Paginator(selectors.notification_list(viewer=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


def _act(request):
    action = request.POST.get("action")
    if action == "read_all":
        count = services.mark_all_read(actor=request.user)
        messages.success(
            request,
            ngettext("%(count)d notification marked read.", "%(count)d notifications marked read.", count)
            % {"count": count},
        )
        return redirect("notifications:list")
    notification = selectors.notification_get(viewer=request.user, notification_id=_notification_id(request))
    if notification is None or action not in ("read", "open"):
        messages.error(request, _("That notification does not exist."))
        return redirect("notifications:list")
    services.mark_read(actor=request.user, notification_id=notification.pk)
    if action == "open" and notification.url:
        return redirect(notification.url)
    return redirect("notifications:list")
