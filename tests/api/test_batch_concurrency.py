"""Identical batches sent at the same moment (a source system retrying on a timeout) are one
batch: every call succeeds, the item exists once. Real threads, so real connections and
transactions, as under gunicorn."""

import threading

import pytest
from django.conf import settings
from django.db import close_old_connections, connection
from django.test import Client

from congtam.monitoring.models import WorkItem
from tests.api.conftest import item

CALLERS = 6

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="SQLite's writers queue on the database lock (BEGIN IMMEDIATE)",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_identical_batches_at_the_same_moment_all_succeed_and_write_once(api):
    body = {"items": [item("GV-NEW-1"), item("GV-NEW-2", staff_code="NV022", catalogue_code="GY")]}
    barrier = threading.Barrier(CALLERS)
    answers, errors = [], []

    def call():
        try:
            client = Client(raise_request_exception=False)
            barrier.wait()
            response = client.post(
                "/api/v1/work-items/batch",
                body,
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {api.token}",
            )
            answers.append((response.status_code, response.json() if response.status_code == 200 else response.content))
        except Exception as error:  # reported below: a thread's exception is otherwise lost
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(CALLERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert [status for status, _answer in answers] == [200] * CALLERS, answers
    assert sorted(answer["created"] for _status, answer in answers) == [0] * (CALLERS - 1) + [2]
    assert sorted(answer["unchanged"] for _status, answer in answers) == [0] + [2] * (CALLERS - 1)
    assert sorted(WorkItem.objects.values_list("source_id", flat=True)) == ["GV-NEW-1", "GV-NEW-2"]
