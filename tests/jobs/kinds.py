"""Job kinds and a reminder provider used by the tests, in the test process and in the real
worker (started with ``-I tests.jobs.kinds``)."""

from __future__ import annotations

import json
import os
import threading

from django.core.exceptions import ValidationError
from django.db import transaction

from congtam.jobs.registry import job_kind
from congtam.notifications import reminders
from congtam.notifications.reminders import Reminder

# The calls of tests.count_to in this process: (job id, params).
CALLS: list[tuple[str, dict]] = []
# tests.wait_for_test stops here until the test lets it go.
REPORTED = threading.Event()
RELEASE = threading.Event()


@job_kind("tests.count_to", label="Đếm đến n")
def count_to(job, *, n: int, batch: int = 10, fail_at: int | None = None):
    """Counts to ``n`` in committed batches, reporting progress; fails at ``fail_at`` once."""
    CALLS.append((str(job.pk), {"n": n, "batch": batch, "fail_at": fail_at}))
    job.progress(0, n)
    for start in range(0, n, batch):
        with transaction.atomic():
            if fail_at is not None and start <= fail_at < start + batch and job.attempts == 1:
                raise RuntimeError("the disk is full")
        job.progress(min(start + batch, n))
    return {"counted": n, "url": f"/org/units/?counted={n}"}


@job_kind("tests.refuse", label="Bị từ chối")
def refuse(job, *, reason: str):
    raise ValidationError(reason)


@job_kind("tests.wait_for_test", label="Chờ")
def wait_for_test(job, *, done: int, total: int):
    job.progress(done, total)
    REPORTED.set()
    if not RELEASE.wait(timeout=10):
        raise RuntimeError("the test never let the job finish")
    return None


def reminders_from_file(now):
    """The reminders listed in the JSON file named by CONGTAM_TEST_REMINDERS_FILE (the real
    worker test); nothing when it is not set."""
    path = os.environ.get("CONGTAM_TEST_REMINDERS_FILE")
    if not path or not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as file:
        return [Reminder(**item) for item in json.load(file)]


reminders.register(reminders_from_file)
