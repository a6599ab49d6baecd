"""Background job of the year-end documents (see :mod:`congtam.jobs.registry` for how jobs are written)."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from congtam.documents import evaluation_forms_archive_to
from congtam.jobs.registry import job_kind
from congtam.org.models import Unit
from congtam.yearend import exports
from congtam.yearend.models import Year

FORMS_ARCHIVE = "yearend.forms_archive"


def archive_path(job_id) -> Path:
    """Where the job's ZIP is kept: the data folder's ``exports``, named after the job."""
    return Path(settings.DATA_DIR) / "exports" / f"{job_id}.zip"


@job_kind(FORMS_ARCHIVE, label=_("Evaluation forms of a unit or of the agency, as one archive"))
def forms_archive(job, *, year_id: int, unit_code: str = "") -> dict:
    """Each person's form, in Word and in PDF, rendered one at a time into a ZIP. Nothing is written
    to the database; the archive is written beside its final name and renamed when complete, so a
    run again simply builds it again."""
    year = Year.objects.select_related("agency").get(pk=year_id)
    unit = Unit.objects.get(code=unit_code) if unit_code else None
    total = exports.scope(year, unit).count()
    job.set_message(str(_("Rendering the evaluation forms…")))
    job.progress(0, total)
    target = archive_path(job.pk)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    with partial.open("wb") as output:
        names = evaluation_forms_archive_to(output, exports.forms(year, unit), formats=exports.FORM_FORMATS,
                                            on_progress=lambda done: job.progress(done, total))
    os.replace(partial, target)
    return {"url": reverse("yearend:forms_archive_download", kwargs={"job_id": job.pk}), "people": total,
            "files": len(names)}
