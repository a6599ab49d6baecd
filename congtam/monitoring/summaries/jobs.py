"""The background job of a large period summary: the file is written to the data folder's
``exports`` under the job's id and downloaded once from the job's page (see ``views``)."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from congtam.jobs.registry import job_kind
from congtam.monitoring.models import Period
from congtam.monitoring.summaries.rows import SummaryScope
from congtam.monitoring.summaries.services import SUMMARY_JOB
from congtam.org.models import Unit


def summary_path(job_id, extension: str) -> Path:
    return Path(settings.DATA_DIR) / "exports" / f"{job_id}.{extension}"


@job_kind(SUMMARY_JOB, label=_("Summary of a period's evaluation results"))
def period_summary(job, *, period_id: int, unit_code: str = "", extension: str = "xlsx", lang: str = "vi") -> dict:
    """Writes nothing to the database: the file is written beside its final name and renamed when
    complete, so a run again simply builds it again."""
    from congtam.monitoring.summaries.pdf import summary_pdf
    from congtam.monitoring.summaries.workbook import summary_xlsx_to

    period = Period.objects.select_related("cycle__agency").get(pk=period_id)
    unit = Unit.objects.get(agency=period.cycle.agency, code=unit_code) if unit_code else None
    scope = SummaryScope(period=period, unit=unit)
    target = summary_path(job.pk, extension)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    with translation.override(lang):
        job.set_message(str(_("Writing the summary…")))
        total = scope.people()
        job.progress(0, total)
        with partial.open("wb") as output:
            counts = summary_pdf(scope, output)[1] if extension == "pdf" else summary_xlsx_to(output, scope)
    os.replace(partial, target)
    job.progress(total, total)
    return {
        "url": reverse("monitoring:summary_download", kwargs={"job_id": job.pk}),
        "people": counts.people,
    }
