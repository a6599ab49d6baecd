"""A whole scope's forms as one archive, for the background job that serves large scopes."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import BinaryIO

from .archive import archive_to
from .data import EvaluationFormData
from .docx_forms import evaluation_form_docx
from .names import evaluation_form_filename
from .pdf_forms import evaluation_form_pdf

RENDERERS = {"docx": evaluation_form_docx, "pdf": evaluation_form_pdf}
# Forms handed to the worker processes ahead of the one being written, per process: enough to keep
# them busy, few enough that rendered documents never pile up in memory.
AHEAD_PER_PROCESS = 4


def _render(form: EvaluationFormData, formats: tuple[str, ...]) -> list[tuple[str, bytes]]:
    """One person's form in each format, with its file name (run in a worker process)."""
    return [(evaluation_form_filename(form, extension), RENDERERS[extension](form)) for extension in formats]


@contextmanager
def _worker_processes(processes: int):
    """A pool of forked rendering processes. Billiard's (Celery's own fork of multiprocessing),
    because a Celery prefork worker's process is daemonic and the standard library refuses to
    start children from one; the documents are rendered from plain data, so the children never
    touch the parent's database connection."""
    from billiard import get_context

    pool = get_context("fork").Pool(processes)
    try:
        yield pool
    finally:
        pool.terminate()
        pool.join()


def _rendered_forms(
    forms: Iterable[EvaluationFormData],
    formats: tuple[str, ...],
    on_progress: Callable[[int], None] | None,
    processes: int,
) -> Iterator[tuple[str, bytes]]:
    """The rendered files in the order of ``forms``. With several processes, the forms are read
    here (the caller's database queries stay in this process) and rendered by the workers a few
    ahead; the files come back in order."""
    if processes <= 1:
        for done, form in enumerate(forms, 1):
            yield from _render(form, formats)
            if on_progress:
                on_progress(done)
        return
    with _worker_processes(processes) as pool:
        pending: deque = deque()
        done = 0

        def next_files():
            nonlocal done
            files = pending.popleft().get()
            done += 1
            if on_progress:
                on_progress(done)
            return files

        for form in forms:
            pending.append(pool.apply_async(_render, (form, formats)))
            if len(pending) >= processes * AHEAD_PER_PROCESS:
                yield from next_files()
        while pending:
            yield from next_files()


def evaluation_forms_archive_to(
    target: BinaryIO,
    forms: Iterable[EvaluationFormData],
    *,
    formats: tuple[str, ...] = ("docx", "pdf"),
    on_progress: Callable[[int], None] | None = None,
    processes: int = 1,
) -> list[str]:
    """Renders each person's form in each format straight into a ZIP on ``target``.

    ``forms`` may be a generator, so a scope of thousands never sits in memory; ``on_progress`` is
    called with the number of people done, for the job's progress bar. With ``processes`` above 1
    the forms are rendered by that many forked worker processes while this one reads the next and
    writes the archive; the archive is the same. Returns the names used.
    """
    unknown = set(formats) - set(RENDERERS)
    if unknown:
        raise ValueError(f"unknown form formats: {sorted(unknown)}")
    return archive_to(target, _rendered_forms(forms, formats, on_progress, processes))
