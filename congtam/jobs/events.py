from django.utils.translation import gettext_lazy as _

from congtam.audit.events import register

JOB_STARTED = register("jobs.job.started", _("Background job started"))
JOB_SUCCEEDED = register("jobs.job.succeeded", _("Background job finished"))
JOB_FAILED = register("jobs.job.failed", _("Background job failed"))
JOB_RETRIED = register("jobs.job.retried", _("Background job restarted"))
