"""File names for the documents, as they appear in a download or an archive."""

from __future__ import annotations

from .data import EvaluationFormData, MeetingMinutesData
from .wording import FORM_NUMBER


def evaluation_form_filename(data: EvaluationFormData, extension: str) -> str:
    """'Mẫu số 02 - Nguyễn Thị Hương - 2025.pdf'."""
    return f"{FORM_NUMBER[data.category]} - {data.person_name} - {data.year}.{extension}"


def meeting_minutes_filename(data: MeetingMinutesData) -> str:
    """'Biên bản họp - Vụ Pháp luật - 2025.docx'."""
    return f"Biên bản họp - {data.unit} - {data.year}.docx"
