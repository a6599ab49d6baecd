"""Background jobs of the year end (see :mod:`congtam.jobs.registry` for how jobs are written): the
engine's proposals of a year, and the archive of a scope's evaluation forms."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from congtam.core.workflow import refusal
from congtam.documents import evaluation_forms_archive_to
from congtam.jobs.models import Job
from congtam.jobs.registry import job_kind
from congtam.jobs.services import job_start
from congtam.org.models import Unit
from congtam.yearend.exports import build
from congtam.yearend.models import Year
from congtam.yearend.proposals import proposals_compute, proposals_last_run
from congtam.yearend.services import year_policy

PROPOSALS = "yearend.proposals"
FORMS_ARCHIVE = "yearend.forms_archive"
# Processes rendering the forms of an archive (the job's own process reads and writes the ZIP).
ARCHIVE_PROCESSES = 2


# --- the engine's proposals ------------------------------------------------------------------------
@job_kind(PROPOSALS, label=_("Compute the engine's proposals for a year"))
def proposals(job, *, year_id: int) -> dict:
    """Every person's proposed level with its explanation
    (:func:`~congtam.yearend.proposals.proposals_compute`): read and classified first, then written
    in one transaction, all or nothing. A run again computes and writes the same rows, so a failed
    job is simply restarted. The people left unclassified for lack of data are listed on the year's
    page (from the run's audit entry)."""
    year = Year.objects.get(pk=year_id)

    def report(step: int, steps: int, what: str) -> None:
        job.set_message(str(what))
        job.progress(step, steps)

    run = proposals_compute(actor=job.created_by, year=year, progress=report)
    return {
        "url": reverse("yearend:year", kwargs={"pk": year.pk}),
        "classified": run.classified,
        "missing": len(run.missing),
    }


@transaction.atomic
def proposals_start(*, actor, year: Year) -> Job:
    """HR asks for the proposals: refused at once if the year's step or the policy does not allow
    them, else computed in the background. Asked again before that run has finished, the same job
    is returned (the key names the last finished run)."""
    year = Year.objects.get(pk=year.pk)
    problem = refusal(year, "propose", actor)
    if problem is not None:
        raise problem
    year_policy(year)
    last = proposals_last_run(year)
    return job_start(
        actor=actor,
        kind=PROPOSALS,
        params={"year_id": year.pk},
        key=f"{PROPOSALS}:{year.pk}:{last.seq if last else 0}",
        label=_("Compute the engine's proposals for %(year)s") % {"year": year},
    )


# --- the archive of the evaluation forms -----------------------------------------------------------
def archive_path(job_id) -> Path:
    """Where the job's ZIP is kept: the data folder's ``exports``, named after the job."""
    return Path(settings.DATA_DIR) / "exports" / f"{job_id}.zip"


def archive_processes(people: int) -> int:
    return max(1, min(int(getattr(settings, "CONGTAM_ARCHIVE_PROCESSES", ARCHIVE_PROCESSES)), people))


@job_kind(FORMS_ARCHIVE, label=_("Evaluation forms of a unit or of the agency, as one archive"))
def forms_archive(job, *, year_id: int, unit_code: str = "") -> dict:
    """Each person's form, in Word and in PDF, rendered by ARCHIVE_PROCESSES worker processes
    (forked by this one, which reads the forms and writes the ZIP in order). Nothing is written to
    the database; the archive is written beside its final name and renamed when complete, so a
    run again simply builds it again."""
    year = Year.objects.select_related("agency").get(pk=year_id)
    unit = Unit.objects.get(agency=year.agency, code=unit_code) if unit_code else None
    total = build.scope(year, unit).count()
    job.set_message(str(_("Rendering the evaluation forms…")))
    job.progress(0, total)
    target = archive_path(job.pk)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    with partial.open("wb") as output:
        names = evaluation_forms_archive_to(
            output,
            build.forms(year, unit),
            formats=build.FORM_FORMATS,
            on_progress=lambda done: job.progress(done, total),
            processes=archive_processes(total),
        )
    os.replace(partial, target)
    return {
        "url": reverse("yearend:forms_archive_download", kwargs={"job_id": job.pk}),
        "people": total,
        "files": len(names),
    }
