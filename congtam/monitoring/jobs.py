"""Background jobs of monitoring (see :mod:`congtam.jobs.registry` for how they are written)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from congtam.jobs.registry import job_kind
from congtam.monitoring import cycles
from congtam.monitoring.models import Cycle, Period


@job_kind("monitoring.open_reviews", label=_("Create the period reviews of a cycle"))
def open_reviews(job, *, cycle_id: int) -> dict:
    """Every person's review in every period of the cycle, in committed batches; a run again
    skips the reviews already created, so a retry finishes the work without doubles."""
    cycle = Cycle.objects.select_related("agency").get(pk=cycle_id)
    job.set_message(str(_("Creating the period reviews…")))
    created = cycles.reviews_open(cycle, actor=job.created_by, progress=job.progress)
    return {"url": reverse("monitoring:cycle", kwargs={"pk": cycle.pk}), "created": created}


@job_kind("monitoring.close_period", label=_("Check the scores and close a period"))
def close_period(job, *, period_id: int) -> dict:
    """Every score of the period computed again by the engine from its rows and compared with the
    approved one; the period locks only if all are approved and equal. Nothing is written before
    the lock, so a retry simply checks again."""
    period = Period.objects.select_related("cycle").get(pk=period_id)
    job.set_message(str(_("Computing every score again…")))
    check = cycles.period_close(actor=job.created_by, period=period, progress=job.progress)
    return {
        "url": reverse("monitoring:cycle", kwargs={"pk": period.cycle_id}),
        "checked": check.checked,
        "not_approved": len(check.not_approved),
        "differing": check.differing[:100],
        "closed": not check.not_approved and not check.differing,
    }
