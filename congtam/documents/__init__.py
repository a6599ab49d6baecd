"""The official year-end documents (issue 6, part 8), rendered from plain data.

Nothing here reads the database: the year-end app builds the dataclasses of ``data`` and calls
these functions, in a request or in a background job.
"""

from .archive import archive, archive_to, safe_filename
from .bundles import evaluation_forms_archive_to
from .data import (
    Category,
    EvaluationFormData,
    MeetingMinutesData,
    PersonReview,
    SelfAssessment,
    Signature,
    UnitSummaryRow,
    Votes,
)
from .docx_forms import evaluation_form_docx, meeting_minutes_docx
from .names import evaluation_form_filename, meeting_minutes_filename
from .pdf_forms import evaluation_form_pdf
from .summary import unit_summary_xlsx

__all__ = [
    "Category",
    "EvaluationFormData",
    "MeetingMinutesData",
    "PersonReview",
    "SelfAssessment",
    "Signature",
    "UnitSummaryRow",
    "Votes",
    "archive",
    "archive_to",
    "evaluation_form_docx",
    "evaluation_form_filename",
    "evaluation_form_pdf",
    "evaluation_forms_archive_to",
    "meeting_minutes_docx",
    "meeting_minutes_filename",
    "safe_filename",
    "unit_summary_xlsx",
]
