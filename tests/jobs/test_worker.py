"""The real thing: a Celery worker process, on the local Redis, working on the test's database.

A job started here is run by the worker, with its progress; a reminder goes through the worker's
``send_reminders`` (what the scheduler sends every 15 minutes) and its e-mail is really written
(the worker's file-based e-mail backend). The broker keys carry a prefix of their own, so this
test never meets a developer's worker or another test run on the same Redis.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("CONGTAM_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
TIMEOUT = 15


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def _database_url(settings_dict) -> str:
    """The test database (not the configured one), for the worker's DATABASE_URL."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    credentials = quote(settings_dict["USER"] or "", safe="")
    if settings_dict.get("PASSWORD"):
        credentials += ":" + quote(settings_dict["PASSWORD"], safe="")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}@{host}:{port}/{settings_dict['NAME']}"


@dataclass
class Worker:
    process: subprocess.Popen
    mail_dir: Path
    reminders_file: Path
    log_file: Path

    def log(self) -> str:
        return self.log_file.read_text(errors="replace")[-4000:]


def _wait_for(condition, worker: Worker, what: str):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if worker.process.poll() is not None:
            pytest.fail(f"The worker exited ({worker.process.returncode}) before {what}:\n{worker.log()}")
        time.sleep(0.1)
    pytest.fail(f"Timed out waiting for {what}:\n{worker.log()}")


def _use_broker(app, *, url: str | None, prefix: str | None, eager: bool) -> None:
    options = dict(app.conf.broker_transport_options or {})
    options.pop("global_keyprefix", None)
    if prefix:
        options["global_keyprefix"] = prefix
    app.conf.update(broker_url=url, broker_transport_options=options, task_always_eager=eager)
    app._pool = None  # connections are pooled per broker: take the new one
    app.amqp._producer_pool = None


def require_redis() -> None:
    """An unreachable Redis fails the test with CI=true and skips it elsewhere."""
    if not _redis_reachable():
        message = f"Redis is not reachable at {REDIS_URL} (scripts/test.sh starts it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def worker(transactional_db, tmp_path):
    require_redis()
    from django.db import connection

    from congtam.celery import app

    prefix = f"congtam-test-{uuid.uuid4().hex[:12]}:"
    files = Worker(
        process=None,
        mail_dir=tmp_path / "mail",
        reminders_file=tmp_path / "reminders.json",
        log_file=tmp_path / "worker.log",
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "congtam.settings",
        "DATABASE_URL": _database_url(connection.settings_dict),
        "CONGTAM_BROKER_URL": REDIS_URL,
        "CONGTAM_BROKER_KEY_PREFIX": prefix,
        "CONGTAM_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "CONGTAM_EMAIL_FILE_PATH": str(files.mail_dir),
        "CONGTAM_TEST_REMINDERS_FILE": str(files.reminders_file),
        "CONGTAM_CONN_MAX_AGE": "0",
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "congtam",
        "worker",
        "--pool=solo",
        "-c",
        "1",
        "-I",
        "tests.jobs.kinds",
        "-n",
        f"{prefix.rstrip(':')}@%h",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        "-l",
        "INFO",
    ]
    with open(files.log_file, "w") as log:
        files.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    before = (app.conf.broker_url, app.conf.task_always_eager)
    _use_broker(app, url=REDIS_URL, prefix=prefix, eager=False)
    try:
        yield files
    finally:
        _stop(files.process)
        _use_broker(app, url=before[0], prefix=None, eager=before[1])
        _forget_queue(prefix)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # warm shutdown: finishes the task at hand
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _forget_queue(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)


def test_a_real_worker_runs_a_job_and_sends_a_reminder_through_redis(worker, kinds):
    from congtam.accounts.models import Role
    from congtam.jobs import services
    from congtam.jobs.models import Job, JobState
    from congtam.notifications.models import Notification
    from congtam.notifications.tasks import send_reminders
    from tests.factories import make_user

    hr = make_user("hoa", role=Role.HR)
    hr.email = "hoa@quochoi.vn"
    hr.save(update_fields=["email"])

    # A job: started here, run by the worker, its progress and result written to our database.
    job = services.job_start(actor=hr, kind="tests.count_to", params={"n": 120, "batch": 40})
    assert Job.objects.get(pk=job.pk).state == JobState.QUEUED  # not run inline: the worker has it
    finished = _wait_for(
        lambda: Job.objects.filter(pk=job.pk, state__in=[JobState.SUCCEEDED, JobState.FAILED]).first(),
        worker,
        "the job",
    )
    assert finished.state == JobState.SUCCEEDED, f"{finished.error}\n{worker.log()}"
    assert (finished.done, finished.total, finished.attempts) == (120, 120, 1)
    assert finished.result == {"counted": 120, "url": "/org/units/?counted=120"}
    assert hr.notifications.filter(kind="jobs.finished").exists()  # written by the worker

    # A reminder: the worker asks the providers (here, the test's) and notifies once, by e-mail too.
    worker.reminders_file.write_text(
        json.dumps(
            [
                {
                    "user_id": hr.pk,
                    "key": "report-due:2026-01",
                    "title": "Còn 3 ngày để báo cáo tháng 01/2026",
                    "url": "/jobs/",
                }
            ]
        ),
        encoding="utf-8",
    )
    send_reminders.delay()
    reminder = _wait_for(
        lambda: Notification.objects.filter(user=hr, key="report-due:2026-01", emailed_at__isnull=False).first(),
        worker,
        "the reminder's e-mail",
    )
    assert reminder.title == "Còn 3 ngày để báo cáo tháng 01/2026"
    [message_file] = list(worker.mail_dir.iterdir())
    message = message_file.read_text(encoding="utf-8")
    assert "To: hoa@quochoi.vn" in message
    from email import message_from_bytes
    from email.header import decode_header, make_header

    parsed = message_from_bytes(message_file.read_bytes())
    assert str(make_header(decode_header(parsed["Subject"]))) == "[Công Tâm] Còn 3 ngày để báo cáo tháng 01/2026"
    body = parsed.get_payload(decode=True).decode("utf-8")
    assert "Kính gửi hoa," in body and "/jobs/" in body

    # The scheduler's next round finds the same reminder: nothing new is sent.
    send_reminders.delay()
    job_two = services.job_start(actor=hr, kind="tests.count_to", params={"n": 1})  # a marker after it
    _wait_for(lambda: Job.objects.filter(pk=job_two.pk, state=JobState.SUCCEEDED).exists(), worker, "the second round")
    assert Notification.objects.filter(key="report-due:2026-01").count() == 1
    assert len(list(worker.mail_dir.iterdir())) == 1
