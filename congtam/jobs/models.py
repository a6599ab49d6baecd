"""A background job: one piece of long work (opening the periods of 100,000 people, an import, a
report) run by a Celery worker, or inline when no broker is configured, with its progress."""

from __future__ import annotations

import time
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from congtam.core.permissions import transition as permission

# Progress is written at most this often (seconds), so that reporting it stays cheap.
PROGRESS_INTERVAL = 1.0


class JobState(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Finished")
    FAILED = "failed", _("Failed")


FINISHED_STATES = frozenset({JobState.SUCCEEDED, JobState.FAILED})


class Job(ConcurrentTransitionMixin, models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=100)
    label = models.CharField(_("job"), max_length=300)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # The same work started twice (a double click, a retried request) finds the job already
    # there, unless that one failed.
    key = models.CharField(_("idempotency key"), max_length=200, blank=True, default="")
    state = FSMField(_("state"), max_length=20, choices=JobState.choices, default=JobState.QUEUED, protected=True)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)  # 0: not known yet
    message = models.CharField(_("message"), max_length=500, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="jobs",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=~Q(state=JobState.FAILED) & ~Q(key=""), name="jobs_job_key_unless_failed"
            ),
        ]
        indexes = [
            models.Index(fields=["created_by", "-created_at"], name="jobs_job_creator_idx"),
            models.Index(fields=["-created_at"], name="jobs_job_created_idx"),
            models.Index(fields=["state", "created_at"], name="jobs_job_state_idx"),
        ]

    def __str__(self) -> str:
        return self.label

    # --- declared transitions; services check has_transition_perm before taking one ---
    @transition(
        field=state,
        source=[JobState.QUEUED, JobState.RUNNING],
        target=JobState.RUNNING,
        permission=permission("jobs.run_job"),
    )
    def run(self) -> None:
        """A worker takes the job (again, when the broker redelivers it after a lost worker)."""
        self.attempts += 1
        self.started_at = timezone.now()
        self.finished_at = None

    @transition(field=state, source=JobState.RUNNING, target=JobState.SUCCEEDED, permission=permission("jobs.run_job"))
    def succeed(self, result: dict | None) -> None:
        self.result = result
        if self.total and self.done < self.total:
            self.done = self.total
        self.error = ""
        self.finished_at = timezone.now()

    @transition(
        field=state,
        source=[JobState.QUEUED, JobState.RUNNING],
        target=JobState.FAILED,
        permission=permission("jobs.run_job"),
    )
    def fail(self, error: str) -> None:
        self.error = error
        self.finished_at = timezone.now()

    @transition(field=state, source=JobState.FAILED, target=JobState.QUEUED, permission=permission("jobs.retry_job"))
    def retry(self) -> None:
        self.error = ""
        self.result = None
        self.done = 0
        self.message = ""
        self.finished_at = None

    # --- reading ---
    @property
    def is_finished(self) -> bool:
        return self.state in FINISHED_STATES

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, self.done * 100 // self.total)

    @property
    def result_url(self) -> str:
        url = (self.result or {}).get("url", "") if isinstance(self.result, dict) else ""
        return url if isinstance(url, str) and url.startswith("/") and not url.startswith("//") else ""

    # --- reporting progress from inside the job function ---
    def progress(self, done: int, total: int | None = None) -> None:
        """Report that ``done`` of ``total`` items are finished.

        One UPDATE of ``done`` and ``total`` at most once a second (and always for the last item),
        in its own autocommitted statement: call it between batches, outside any transaction, so
        that the progress bar (another connection) sees it at once.
        """
        self.done = max(0, int(done))
        if total is not None:
            self.total = max(0, int(total))
        now = time.monotonic()
        last = getattr(self, "_progress_written_at", None)
        finished = bool(self.total) and self.done >= self.total
        if last is not None and now - last < PROGRESS_INTERVAL and not finished:
            return
        type(self).objects.filter(pk=self.pk).update(done=self.done, total=self.total)
        self._progress_written_at = now

    def set_message(self, message: str) -> None:
        """Say what the job is doing now ("Creating the work plans…"), shown under the bar."""
        self.message = str(message)[:500]
        type(self).objects.filter(pk=self.pk).update(message=self.message)
