"""The API's side of the bulk write of work items (batch, single item, completion, documents):
who writes (the calling system, within its units), the call's audit entry, and the answer's
shape. The checks and the write are monitoring's (:func:`congtam.monitoring.bulk.work_items_write`),
shared with the Excel import; reading the JSON is :mod:`congtam.api.payload`'s."""

from __future__ import annotations

from django.utils.translation import gettext as _

from congtam.api import selectors
from congtam.api.events import API_CALL
from congtam.audit.services import AuditDraft, Subject
from congtam.monitoring.bulk import BatchIssue, BatchRejected, BatchResult, BatchSource, ItemInput, work_items_write
from congtam.monitoring.models import Origin

MAX_BATCH = 5000


def system_actor_label(system) -> str:
    """Who the audit entries of a system's calls name as their actor (a system is no user)."""
    return f"api:{system.name}"[:200]


def call_draft(request, **details) -> AuditDraft:
    """The call's audit entry (``api.call``): the method, the path and what the call did."""
    return AuditDraft(
        event=API_CALL,
        subject=Subject.of(request.auth),
        new={"method": request.method, "path": request.path, **details},
    )


def system_source(system) -> BatchSource:
    return BatchSource(
        origin=Origin.SYSTEM,
        scope=selectors.system_scope(system),
        system=system,
        label=_("the system %(name)s") % {"name": system.name},
        actor_label=system_actor_label(system),
    )


def batch_write(request, items: list[ItemInput], issues: list[BatchIssue], **audit) -> BatchResult:
    """Check and write the calling system's ``items``, with the call's audit entry (``audit``:
    what it adds to the entry); raises BatchRejected (nothing written) on any problem."""
    if issues and not items:
        raise BatchRejected(issues)
    return work_items_write(
        items=items,
        source=system_source(request.auth),
        issues=issues,
        audit=lambda result: [call_draft(request, **audit, **result.audit_summary())],
    )


def batch_answer(result: BatchResult) -> dict:
    """The batch endpoint's answer: the counts, and what happened to each item, in their order."""
    outcome = [(index, source_id, "created") for index, source_id, _id in result.created]
    outcome += [(change["index"], change["source_id"], "updated") for change in result.updated]
    outcome += [(index, source_id, "unchanged") for index, source_id, _id in result.unchanged]
    return {
        "created": len(result.created),
        "updated": len(result.updated),
        "unchanged": len(result.unchanged),
        "documents_added": result.documents_added,
        "items": [
            {"index": index, "source_id": source_id, "result": what} for index, source_id, what in sorted(outcome)
        ],
    }
