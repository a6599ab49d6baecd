"""The kinds of background job, each a function registered under a namespaced name.

An app declares its jobs in its own ``jobs`` module (imported when Django starts, in the web
process and in the worker alike)::

    from congtam.jobs.registry import job_kind

    @job_kind("monitoring.open_periods", label=_("Open the periods"))
    def open_periods(job, *, year, month):
        people = list(...)                    # what is still to do: a run again skips what is done
        job.progress(0, len(people))
        for number, batch in enumerate(batched(people, 500), start=1):
            with transaction.atomic():        # one committed transaction per batch, never one for all
                ...                           # idempotent writes (get_or_create, a unique key)
            job.progress(min(number * 500, len(people)))   # outside the batch's transaction
        return {"url": reverse(...), "opened": n}          # kept as the job's result

How a job function is written:

* **Batches, each committed.** Never wrap the whole work in one transaction: a failure then
  keeps every finished batch, progress is visible to others, and no lock is held for minutes.
* **Safe to run again.** A failed job is restarted with the same parameters, and a worker that
  dies is replaced by another that runs the job again (``acks_late``). Each batch must therefore
  skip what an earlier run already did (a unique constraint, ``get_or_create``, a "not yet done"
  filter).
* **Progress between batches.** ``job.progress(done, total)`` writes at most once a second,
  outside the batch's transaction; ``job.set_message(text)`` says what phase the job is in.
* **Failing.** Raise ``ValidationError`` with a translated message for the person who started
  the job; any other exception is logged with its traceback and shown as an unexpected error.
* **Result.** Return a dict (JSON) or ``None``; ``result["url"]`` (a path on this site) becomes a
  link on the job's page.
* **Parameters** are JSON (numbers, strings, lists, dicts): pass ids and dates as ISO text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise

JobFunction = Callable[..., dict | None]


class UnknownJobKind(LookupError):
    pass


@dataclass(frozen=True, slots=True)
class JobKind:
    name: str
    function: JobFunction
    label: Promise | str


_KINDS: dict[str, JobKind] = {}


def job_kind(name: str, *, label: Promise | str = "") -> Callable[[JobFunction], JobFunction]:
    """Register ``function(job, **params)`` as the job kind ``name``."""

    def register(function: JobFunction) -> JobFunction:
        existing = _KINDS.get(name)
        if existing is not None and existing.function.__qualname__ != function.__qualname__:
            raise ValueError(f"Job kind {name!r} is registered twice")
        _KINDS[name] = JobKind(name=name, function=function, label=label or name)
        return function

    return register


def get_kind(name: str) -> JobKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise UnknownJobKind(name) from None


def is_registered(name: str) -> bool:
    return name in _KINDS


def unregister(name: str) -> None:
    """For tests that register a kind of their own."""
    _KINDS.pop(name, None)
