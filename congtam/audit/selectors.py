from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Q, QuerySet
from django.utils import timezone

from congtam.audit.models import AuditEntry
from congtam.core import permissions


@dataclass(frozen=True, slots=True)
class AuditFilter:
    actor: str = ""
    subject: str = ""
    event: str = ""
    date_from: date | None = None
    date_to: date | None = None


def audit_entry_list(*, viewer, filters: AuditFilter) -> QuerySet[AuditEntry]:
    """The audit trail, newest first, for the inspector and the administrator only."""
    permissions.require(viewer, "audit.view")
    entries = AuditEntry.objects.all().order_by("-seq")
    if filters.actor:
        entries = entries.filter(actor_label__icontains=filters.actor.strip())
    if filters.subject:
        text = filters.subject.strip()
        entries = entries.filter(Q(subject_label__icontains=text) | Q(subject_id=text))
    if filters.event:
        entries = entries.filter(event=filters.event)
    if filters.date_from:
        entries = entries.filter(created_at__gte=timezone.make_aware(datetime.combine(filters.date_from, time.min)))
    if filters.date_to:
        entries = entries.filter(created_at__lte=timezone.make_aware(datetime.combine(filters.date_to, time.max)))
    return entries
