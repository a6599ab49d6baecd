"""Reading the rendered documents back, as a person's office software would."""

from __future__ import annotations

import io
import re

import docx
import pypdf


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def pdf_reader(content: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(content))


def pdf_lines(content: bytes) -> str:
    """The text of every page with its line breaks."""
    return "\n".join(page.extract_text() for page in pdf_reader(content).pages)


def pdf_text(content: bytes) -> str:
    """The text of every page, with line wraps and repeated spaces folded into single spaces."""
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pdf_reader(content).pages))


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text)
