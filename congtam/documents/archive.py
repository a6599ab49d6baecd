"""One ZIP archive of many documents, with their Vietnamese file names kept readable and safe."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from typing import BinaryIO

# Characters Windows, macOS or a ZIP tool refuse or read as a path, plus control characters.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_MAX_NAME_BYTES = 200  # well under the 255-byte limit of most file systems, in UTF-8


def safe_filename(name: str) -> str:
    """The name in NFC (one code point per Vietnamese letter), without path parts or unsafe characters."""
    name = unicodedata.normalize("NFC", name)
    name = _UNSAFE.sub("_", name).strip(" .")
    stem, extension = _split_extension(name)
    while len(stem.encode()) + len(extension.encode()) + 1 > _MAX_NAME_BYTES:
        stem = stem[:-1]
    stem = stem.strip(" .") or "tai-lieu"
    return f"{stem}.{extension}" if extension else stem


def _split_extension(name: str) -> tuple[str, str]:
    stem, dot, extension = name.rpartition(".")
    if dot and stem and extension.isalnum() and len(extension) <= 5:
        return stem, extension
    return name, ""


def _unique(name: str, taken: set[str]) -> str:
    """'Nguyễn Văn An.pdf', then 'Nguyễn Văn An (2).pdf' for a namesake (compared case-insensitively)."""
    stem, extension = _split_extension(name)
    candidate, number = name, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{stem} ({number}).{extension}" if extension else f"{stem} ({number})"
    taken.add(candidate.casefold())
    return candidate


def archive_to(target: BinaryIO, files: Iterable[tuple[str, bytes]]) -> list[str]:
    """Writes the files into a ZIP on ``target`` (a file or buffer) as they come; returns the names used.

    Python's zipfile marks non-ASCII names as UTF-8 (general purpose flag bit 11), which current
    Windows, macOS and Linux tools read correctly.
    """
    taken: set[str] = set()
    names = []
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for name, content in files:
            entry = _unique(safe_filename(name), taken)
            bundle.writestr(entry, content)
            names.append(entry)
    return names


def archive(files: Iterable[tuple[str, bytes]]) -> bytes:
    """The files as one ZIP archive in memory (for a large scope, write to a file with ``archive_to``)."""
    output = io.BytesIO()
    archive_to(output, files)
    return output.getvalue()
