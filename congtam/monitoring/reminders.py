"""Reminders of “Việc cần làm”: each person is reminded, in the application and by e-mail, of
each task whose deadline is within ``CONGTAM_REMINDER_DAYS`` days (2 by default) or already past.

The same rules as the page decide what is pending (:mod:`congtam.monitoring.todo`). The key
names the task and its deadline, so a reminder goes once per task and deadline: moving an item's
due date reminds again, a repeated run does not.

:func:`register` adds the provider to :mod:`congtam.notifications.reminders`; call it from
``MonitoringConfig.ready`` (it imports nothing of the notifications app at module level, so the
order in which the apps become ready does not matter).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from congtam.monitoring import todo

KEY_PREFIX = "monitoring.todo"
USER_BATCH = 2000


def reminder_days() -> int:
    return int(getattr(settings, "CONGTAM_REMINDER_DAYS", 2))


def reminder_key(task: todo.Task) -> str:
    return f"{KEY_PREFIX}:{task.key}:{task.due_on.isoformat()}"


def _body(task: todo.Task) -> str:
    values = {
        "period": task.period_label,
        "date": date_format(task.due_on, "SHORT_DATE_FORMAT"),
        "name": task.person_name,
    }
    if task.overdue:
        return _("%(period)s, review of %(name)s: overdue since %(date)s.") % values
    return _("%(period)s, review of %(name)s: due by %(date)s.") % values


def _users_of(person_ids: set[int]) -> dict[int, int]:
    from congtam.accounts.models import User

    return dict(User.objects.filter(person_id__in=person_ids, is_active=True).values_list("person_id", "id"))


def monitoring_reminders(now: datetime) -> Iterator:
    """The reminders due at ``now``: every pending task due within the reminder window or overdue,
    for the person who must do it (if they have an active login), in the product's language."""
    from congtam.notifications.reminders import Reminder

    today = timezone.localtime(now).date()  # the agency's day, whatever the server's clock zone
    due_by = today + timedelta(days=reminder_days())
    with translation.override(settings.LANGUAGE_CODE):
        batch: dict[int, list[todo.Task]] = defaultdict(list)
        count = 0
        for task in todo.tasks_for_everyone(today, due_by=due_by):
            batch[task.actor_person_id].append(task)
            count += 1
            if count >= USER_BATCH:
                yield from _reminders(batch, Reminder)
                batch, count = defaultdict(list), 0
        yield from _reminders(batch, Reminder)


def _reminders(batch: dict[int, list[todo.Task]], reminder_class) -> Iterator:
    users = _users_of(set(batch))
    for person_id, tasks in batch.items():
        user_id = users.get(person_id)
        if user_id is None:
            continue
        for task in tasks:
            yield reminder_class(
                user_id=user_id,
                key=reminder_key(task),
                title=task.what,
                body=_body(task),
                url=task.url,
                kind=KEY_PREFIX,
            )


def register() -> None:
    """Add the provider to the notifications' reminder registry (harmless if done twice)."""
    from congtam.notifications import reminders

    reminders.register(monitoring_reminders)
