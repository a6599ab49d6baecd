"""Reminders of “Việc cần làm”: each task due within the reminder window or overdue, to the
person who must do it, once per task and deadline, in the application (and by e-mail)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from congtam.accounts.models import Role
from congtam.monitoring import items, reminders, todo
from congtam.monitoring.models import Review
from congtam.notifications import reminders as registry
from congtam.notifications import services as notifications
from congtam.notifications.models import Notification
from tests.monitoring.test_todo import acknowledge, assign, binh_user

pytestmark = pytest.mark.django_db

NOW = datetime.combine(date(2026, 11, 20), time(8, 0), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture
def provider():
    """The monitoring provider registered (as MonitoringConfig.ready does), and only it."""
    saved = registry.providers()
    for each in saved:
        registry.unregister(each)
    reminders.register()
    reminders.register()  # twice is harmless
    yield registry.providers()
    for each in registry.providers():
        registry.unregister(each)
    for each in saved:
        registry.register(each)


def _due_soon(year):
    """An's plan: a report due on the 22nd (within two days), an opinion on the 25th (not)."""
    items = assign(year, items=(("BC", 22), ("GY", 25)))
    acknowledge(year)
    return items


def _by_user(found, user):
    return {reminder.key: reminder for reminder in found if reminder.user_id == user.pk}


def test_each_task_due_within_the_window_or_overdue_is_a_reminder_for_whoever_must_do_it(year, today):
    report, _opinion = _due_soon(year)
    found = list(reminders.monitoring_reminders(NOW))
    an = _by_user(found, year.user(Role.STAFF))
    review = year.review("an")
    assert set(an) == {f"monitoring.todo:report_item:{report.pk}:2026-11-22"}  # the 25th and the self-rating wait
    reminder = an[f"monitoring.todo:report_item:{report.pk}:2026-11-22"]
    assert reminder.url == reverse("monitoring:review", kwargs={"pk": review.pk})
    assert "Báo cáo thẩm tra" in reminder.title and "22/11/2026" in reminder.body
    manager = _by_user(found, year.user(Role.MANAGER))
    # the work of January to November is not assigned (An's November is): overdue, each a reminder
    assert len([key for key in manager if key.startswith("monitoring.todo:assign_work:")]) == 10 + 11
    assert {reminder.user_id for reminder in found} <= {
        year.user(Role.STAFF).pk,
        year.user(Role.MANAGER).pk,
        year.user(Role.UNIT_HEAD).pk,
    }


def test_the_window_is_a_setting(year, today, settings):
    _report, opinion = _due_soon(year)
    settings.CONGTAM_REMINDER_DAYS = 5
    an = _by_user(reminders.monitoring_reminders(NOW), year.user(Role.STAFF))
    assert f"monitoring.todo:report_item:{opinion.pk}:2026-11-25" in an and len(an) == 2


def test_people_without_an_active_login_get_no_reminder(year, today):
    assign(year, "binh")  # Bình must acknowledge, but has no login
    found = list(reminders.monitoring_reminders(NOW))
    assert not [reminder for reminder in found if "acknowledge_plan" in reminder.key]
    binh = binh_user(year)
    assert [
        reminder.user_id for reminder in reminders.monitoring_reminders(NOW) if "acknowledge_plan" in reminder.key
    ] == [binh.pk]
    binh.is_active = False
    binh.save(update_fields=["is_active"])
    assert not [reminder for reminder in reminders.monitoring_reminders(NOW) if "acknowledge_plan" in reminder.key]


def test_a_reminder_is_sent_once_per_task_and_deadline(year, today, provider):
    report, _ = _due_soon(year)
    staff = year.user(Role.STAFF)
    assert reminders.monitoring_reminders in provider
    first = notifications.reminders_send(now=NOW)
    assert first > 0
    assert notifications.reminders_send(now=NOW) == 0  # the same tasks again: nothing new
    mine = Notification.objects.filter(user=staff)
    assert list(mine.values_list("key", flat=True)) == [f"monitoring.todo:report_item:{report.pk}:2026-11-22"]
    report.refresh_from_db()
    items.item_move_due(
        actor=year.user(Role.MANAGER),
        item=report,
        expected_version=report.version,
        new_due_on=date(2026, 11, 21),
        reason="Lãnh đạo Vụ yêu cầu gửi sớm",
    )
    assert notifications.reminders_send(now=NOW) == 1  # a new deadline: reminded again
    assert mine.filter(key=f"monitoring.todo:report_item:{report.pk}:2026-11-21").exists()


def test_done_tasks_are_not_reminded(year, today):
    report, _ = _due_soon(year)
    report.refresh_from_db()
    items.item_report(
        actor=year.user(Role.STAFF), item=report, expected_version=report.version, completed_on=date(2026, 11, 19)
    )
    found = list(reminders.monitoring_reminders(NOW))
    assert not _by_user(found, year.user(Role.STAFF))
    assert not [
        key for key in _by_user(found, year.user(Role.MANAGER)) if key.startswith("monitoring.todo:check_item:")
    ]
    # the check is due by the manager's rating deadline (08/12): not yet within the window
    later = datetime.combine(date(2026, 12, 7), time(8, 0), tzinfo=NOW.tzinfo)
    assert any(
        key.startswith(f"monitoring.todo:check_item:{report.pk}:")
        for key in _by_user(reminders.monitoring_reminders(later), year.user(Role.MANAGER))
    )


def test_everyones_tasks_are_read_in_batches_of_a_fixed_number_of_queries(year, today, count_queries):
    from tests.monitoring.test_dashboards import add_people, busy

    with count_queries() as few:
        few_tasks = list(todo.tasks_for_everyone(NOW.date(), batch_size=10_000))
    busy(year, add_people(year, 25))
    with count_queries() as many:
        many_tasks = list(todo.tasks_for_everyone(NOW.date(), batch_size=10_000))
    assert len(many_tasks) > len(few_tasks)
    assert len(few) == len(many) == 4, many.report()  # one batch: reviews, items, observations; then the end
    with count_queries() as batched:
        assert sorted(task.key for task in todo.tasks_for_everyone(NOW.date(), batch_size=50)) == sorted(
            task.key for task in many_tasks
        )
    batches = -(-Review.objects.exclude(state="approved").count() // 50)
    assert len(batched) == 3 * batches + 1, batched.report()


def test_the_reminders_start_from_the_days_deadlines_in_the_agencys_time_zone(year, today):
    _due_soon(year)
    # 23:30 on the 19th in Hà Nội is still the 19th: the 22nd is three days away
    evening = datetime.combine(date(2026, 11, 19), time(23, 30), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert not _by_user(reminders.monitoring_reminders(evening.astimezone(ZoneInfo("UTC"))), year.user(Role.STAFF))
    assert _by_user(reminders.monitoring_reminders(evening + timedelta(hours=1)), year.user(Role.STAFF))


@pytest.mark.parametrize(
    "due_by",
    [
        date(2026, 11, 6),
        date(2026, 11, 12),
        date(2026, 11, 22),
        date(2026, 12, 5),
        date(2026, 12, 8),
        date(2026, 12, 31),
    ],
)
def test_reading_only_what_can_be_due_leaves_out_nothing_that_is(year, today, due_by):
    from tests.monitoring.test_todo import _busy_month

    binh_user(year)
    _busy_month(year, "binh")
    _busy_month(year, "an")
    everything = [task for task in todo.tasks_for_everyone(today) if task.due_on <= due_by]
    assert everything
    assert sorted(task.key for task in todo.tasks_for_everyone(today, due_by=due_by)) == sorted(
        task.key for task in everything
    )
