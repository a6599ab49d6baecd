"""Who sees and restarts a background job: the person who started it, HR and the administrator.
The inspector reads but never restarts anything; the worker's own transitions are taken by
nobody signed in."""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from congtam.accounts.permissions import is_hr, is_read_only, is_signed_in
from congtam.core.permissions import declare


@rules.predicate
def started_the_job(user, job) -> bool:
    return is_signed_in(user) and job is not None and job.created_by_id is not None and job.created_by_id == user.pk


@rules.predicate
def is_the_worker(user) -> bool:
    return user is None


declare("jobs.view", is_signed_in, _("Sign in to see background jobs."))
declare("jobs.view_all", is_hr)
declare(
    "jobs.view_job", is_hr | started_the_job, _("Only the person who started a job, HR and the administrator see it.")
)
declare("jobs.retry_job", (is_hr | started_the_job) & ~is_read_only, _("You may not restart this job."))
declare("jobs.run_job", is_the_worker)
