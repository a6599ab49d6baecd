"""Writes of the period summaries: each download recorded in the audit trail (it carries people's
scores), and the background job that builds a large scope's file."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Max, Sum
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from congtam.audit.services import audit_record
from congtam.jobs.models import Job
from congtam.jobs.services import job_start
from congtam.monitoring.models import Review
from congtam.monitoring.summaries import events
from congtam.monitoring.summaries.rows import BandCounts, SummaryScope, summary_title

FORMATS = ("xlsx", "pdf")
SUMMARY_JOB = "monitoring.period_summary"


def _counts(counts: BandCounts | None) -> dict:
    if counts is None:
        return {}
    return {"people": counts.people, "bands": {str(getattr(key, "value", key)): n for key, n in counts.total.items()}}


@transaction.atomic
def summary_downloaded(*, actor, scope: SummaryScope, extension: str, counts: BandCounts | None, job=None) -> None:
    audit_record(
        actor=actor,
        event=events.SUMMARY_DOWNLOADED,
        subject=scope.period,
        new={
            "period": scope.period.pk,
            "unit": scope.unit_code,
            "format": extension,
            **_counts(counts),
            **({"job": str(job.pk)} if job is not None else {}),
        },
    )


@transaction.atomic
def score_sheet_downloaded(*, actor, review: Review) -> None:
    audit_record(
        actor=actor,
        event=events.SHEET_DOWNLOADED,
        subject=review,
        new={"period": review.period_id, "person": review.person.staff_code, "format": "pdf"},
    )


def _key(scope: SummaryScope, extension: str, language: str) -> str:
    """The same scope with nothing changed since is the same file; any change makes a new one."""
    totals = scope.reviews().aggregate(people=Count("pk"), versions=Sum("version"), last=Max("pk"))
    return (
        f"{SUMMARY_JOB}:{scope.period.pk}:{scope.unit_code}:{extension}:{language}:"
        f"{totals['people']}:{totals['versions']}:{totals['last']}"
    )


def summary_job_start(*, actor, scope: SummaryScope, extension: str) -> Job:
    """Build the summary in the background (the scope was allowed by ``rows.summary_scope``)."""
    language = get_language() or "vi"
    return job_start(
        actor=actor,
        kind=SUMMARY_JOB,
        params={"period_id": scope.period.pk, "unit_code": scope.unit_code, "extension": extension, "lang": language},
        key=_key(scope, extension, language),
        label=_("%(title)s — %(scope)s — %(period)s (%(format)s)")
        % {
            "title": summary_title(),
            "scope": scope.scope_name,
            "period": scope.period.label,
            "format": extension.upper(),
        },
    )
