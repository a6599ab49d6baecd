"""Progress is written cheaply, and other connections (the progress bar's request) see it while
the job is still running."""

import threading

import pytest
from django.db import connection, connections

from congtam.accounts.models import Role
from congtam.jobs import services
from congtam.jobs.models import Job, JobState


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_from_another_connection_while_the_job_runs(kinds, monkeypatch):
    from tests.factories import make_user

    queued = []
    monkeypatch.setattr(services, "_enqueue", queued.append)  # a broker holds it; our "worker" takes it
    hr = make_user("hoa", role=Role.HR)
    job = services.job_start(actor=hr, kind="tests.wait_for_test", params={"done": 40, "total": 100})
    assert queued == [str(job.pk)]
    # The worker: another thread, so another database connection.
    worker = threading.Thread(target=_run_in_thread, args=(job.pk,))
    worker.start()
    try:
        assert kinds.REPORTED.wait(timeout=10)
        seen = Job.objects.get(pk=job.pk)
        assert seen.state == JobState.RUNNING
        assert (seen.done, seen.total, seen.percent) == (40, 100, 40)
    finally:
        kinds.RELEASE.set()
        worker.join(timeout=10)
    assert Job.objects.get(pk=job.pk).state == JobState.SUCCEEDED


def _run_in_thread(job_id):
    try:
        services.job_execute(job_id=job_id)
    finally:
        connections.close_all()


@pytest.mark.django_db
def test_progress_writes_at_most_once_a_second_and_always_the_last_item(count_queries, monkeypatch):
    from congtam.jobs import models

    clock = [1000.0]
    monkeypatch.setattr(models.time, "monotonic", lambda: clock[0])
    job = Job.objects.create(kind="tests.count_to", label="x")
    with count_queries() as counter:
        job.progress(0, 1000)  # first report: written
        for done in range(1, 999):
            job.progress(done)  # within the same second: kept in memory only
        clock[0] += 1.5
        job.progress(999)  # a second later: written
        job.progress(1000)  # the last item: written
    updates = [query["sql"] for query in counter.captured_queries if query["sql"].startswith("UPDATE")]
    assert len(updates) == 3, counter.report()
    assert all('"state"' not in sql and '"result"' not in sql for sql in updates)
    stored = Job.objects.get(pk=job.pk)
    assert (stored.done, stored.total) == (1000, 1000)
    assert connection.in_atomic_block  # (the test's own transaction; jobs report outside any)
