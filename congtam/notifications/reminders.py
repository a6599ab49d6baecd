"""Reminders: what each person must do next, before each deadline, in the application and by
e-mail.

An app registers a provider, a function ``provider(now) -> Iterable[Reminder]`` that lists the
reminders due at ``now``, in its ``AppConfig.ready``::

    from congtam.notifications import reminders

    reminders.register(deadline_reminders)

The scheduled task ``congtam.notifications.tasks.send_reminders`` (every 15 minutes with
``celery -A congtam worker -B``) asks every provider and notifies each reminder once: the key
(unique per person) de-duplicates, so a provider simply lists everything that is due and the same
reminder is never sent twice. Give each reminder a key naming the thing and the moment, e.g.
``periods.item.due:<item id>:3-days``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Reminder:
    user_id: int
    key: str
    title: str
    body: str = ""
    url: str = ""
    kind: str = "reminder"


ReminderProvider = Callable[[datetime], Iterable[Reminder]]

_PROVIDERS: list[ReminderProvider] = []


def register(provider: ReminderProvider) -> ReminderProvider:
    """Add a provider (also usable as a decorator); registering it twice is harmless."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def unregister(provider: ReminderProvider) -> None:
    if provider in _PROVIDERS:
        _PROVIDERS.remove(provider)


def providers() -> tuple[ReminderProvider, ...]:
    return tuple(_PROVIDERS)
