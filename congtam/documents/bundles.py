"""A whole scope's forms as one archive, for the background job that serves large scopes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO

from .archive import archive_to
from .data import EvaluationFormData
from .docx_forms import evaluation_form_docx
from .names import evaluation_form_filename
from .pdf_forms import evaluation_form_pdf

RENDERERS = {"docx": evaluation_form_docx, "pdf": evaluation_form_pdf}


def _rendered_forms(
    forms: Iterable[EvaluationFormData], formats: tuple[str, ...], on_progress: Callable[[int], None] | None
) -> Iterator[tuple[str, bytes]]:
    for done, form in enumerate(forms, 1):
        for extension in formats:
            yield evaluation_form_filename(form, extension), RENDERERS[extension](form)
        if on_progress:
            on_progress(done)


def evaluation_forms_archive_to(
    target: BinaryIO,
    forms: Iterable[EvaluationFormData],
    *,
    formats: tuple[str, ...] = ("docx", "pdf"),
    on_progress: Callable[[int], None] | None = None,
) -> list[str]:
    """Renders each person's form in each format straight into a ZIP on ``target``, one at a time.

    ``forms`` may be a generator, so a scope of thousands never sits in memory; ``on_progress`` is
    called with the number of people done, for the job's progress bar. Returns the names used.
    """
    unknown = set(formats) - set(RENDERERS)
    if unknown:
        raise ValueError(f"unknown form formats: {sorted(unknown)}")
    return archive_to(target, _rendered_forms(forms, formats, on_progress))
