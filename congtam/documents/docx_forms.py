"""The DOCX documents: the evaluation form and the meeting minutes, through docxtpl."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from docxtpl import DocxTemplate, Listing

from .data import EvaluationFormData, MeetingMinutesData
from .wording import evaluation_form_context, meeting_minutes_context

TEMPLATES = Path(__file__).parent / "templates" / "documents"


@cache
def _template_bytes(name: str) -> bytes:
    return (TEMPLATES / name).read_bytes()


def _with_line_breaks(value):
    """Text the person typed over several lines keeps its lines (docxtpl's Listing escapes it)."""
    if isinstance(value, str):
        return Listing(value) if "\n" in value else value
    if isinstance(value, dict):
        return {key: _with_line_breaks(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_line_breaks(item) for item in value]
    return value


def _render(template_name: str, context: dict) -> bytes:
    template = DocxTemplate(io.BytesIO(_template_bytes(template_name)))
    template.render(_with_line_breaks(context), autoescape=True)
    output = io.BytesIO()
    template.save(output)
    return output.getvalue()


def evaluation_form_docx(data: EvaluationFormData) -> bytes:
    """The person's evaluation form of their category (Mẫu số 01/02/03) as a Word document."""
    return _render("evaluation_form.docx", evaluation_form_context(data))


def meeting_minutes_docx(data: MeetingMinutesData) -> bytes:
    """The minutes of the unit's year-end review meeting as a Word document."""
    return _render("meeting_minutes.docx", meeting_minutes_context(data))
