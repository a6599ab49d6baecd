"""Background jobs of monitoring (see :mod:`congtam.jobs.registry` for how they are written)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from congtam.jobs.registry import job_kind
from congtam.monitoring import services
from congtam.monitoring.models import Cycle


@job_kind("monitoring.open_reviews", label=_("Create the period reviews of a cycle"))
def open_reviews(job, *, cycle_id: int) -> dict:
    """Every person's review in every period of the cycle, in committed batches; a run again
    skips the reviews already created, so a retry finishes the work without doubles."""
    cycle = Cycle.objects.select_related("agency").get(pk=cycle_id)
    job.set_message(str(_("Creating the period reviews…")))
    created = services.reviews_open(cycle, actor=job.created_by, progress=job.progress)
    return {"url": reverse("monitoring:cycle", kwargs={"pk": cycle.pk}), "created": created}
