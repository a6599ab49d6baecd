"""Reminders: the scheduled task asks every registered provider and notifies each reminder once."""

import logging
from datetime import datetime

import pytest
from django.core import mail

from congtam.accounts.models import Role
from congtam.notifications import reminders, services, tasks
from congtam.notifications.models import Notification
from congtam.notifications.reminders import Reminder

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider_of(monkeypatch):
    """Registers the providers given, alone, for one test."""
    monkeypatch.setattr(reminders, "_PROVIDERS", [])

    def register(*providers):
        for provider in providers:
            reminders.register(provider)

    return register


def test_the_task_sends_each_reminder_once_in_the_app_and_by_email(
    world, provider_of, django_capture_on_commit_callbacks
):
    an, son = world.users[Role.STAFF], world.users[Role.MANAGER]
    asked = []

    def deadlines(now):
        asked.append(now)
        yield Reminder(
            user_id=an.pk,
            key="report-due:2026-01",
            title="Còn 3 ngày để báo cáo kết quả tháng 01/2026",
            url="/org/my-people/",
        )
        yield Reminder(
            user_id=son.pk,
            key="check-due:2026-01",
            title="Còn 3 ngày để kiểm tra chất lượng",
            body="2 sản phẩm chờ kiểm tra.",
        )

    provider_of(deadlines)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_reminders.delay()
    assert len(asked) == 1 and isinstance(asked[0], datetime)
    assert an.notifications.get().title == "Còn 3 ngày để báo cáo kết quả tháng 01/2026"
    assert son.notifications.get().body == "2 sản phẩm chờ kiểm tra."
    assert {m.to[0] for m in mail.outbox} == {"an@quochoi.vn", "truong_phong@quochoi.vn"}

    # Fifteen minutes later the provider lists the same reminders: nothing is sent again.
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_reminders.delay()
    assert len(asked) == 2
    assert Notification.objects.count() == 2 and len(mail.outbox) == 2


def test_a_failing_provider_does_not_stop_the_others(world, provider_of, caplog):
    an = world.users[Role.STAFF]

    def broken(now):
        raise RuntimeError("provider bug")

    def working(now):
        return [Reminder(user_id=an.pk, key="k", title="t")]

    provider_of(broken, working)
    with caplog.at_level(logging.ERROR):
        assert services.reminders_send() == 1
    assert "provider bug" in caplog.text
    assert an.notifications.count() == 1


def test_a_reminder_without_a_key_is_refused(world, provider_of, caplog):
    provider_of(lambda now: [Reminder(user_id=world.users[Role.STAFF].pk, key="", title="t")])
    with caplog.at_level(logging.ERROR):
        assert services.reminders_send() == 0
    assert Notification.objects.count() == 0
    assert "needs a key" in caplog.text


def test_registering_twice_registers_once(provider_of):
    def provider(now):
        return []

    provider_of(provider, provider)
    assert reminders.providers() == (provider,)
    reminders.unregister(provider)
    assert reminders.providers() == ()


def test_the_scheduler_runs_the_reminders_every_fifteen_minutes():
    from django.conf import settings

    from congtam.celery import app

    app.loader.import_default_modules()  # what a worker does when it starts: find every app's tasks
    entry = settings.CELERY_BEAT_SCHEDULE["send-reminders"]
    assert entry["task"] == tasks.send_reminders.name
    assert entry["schedule"] == 15 * 60
    assert entry["task"] in app.tasks
    assert settings.CELERY_BEAT_SCHEDULE["fail-interrupted-jobs"]["task"] in app.tasks
