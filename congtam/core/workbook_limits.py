"""The limits a workbook must keep before calamine is allowed to read it.

calamine builds each sheet as a dense range from its first to its last cell, and reads the parts
of the zip it needs whole: a 7.5 KB file with one cell at XFD1048576 asks it for 512 GiB, and a
1 MB file whose sheet expands to 1 GiB of white space is read in full. So every workbook is looked
at first with the standard library, cheaply and without holding any part in memory:

1. the file's own size (``CONGTAM_IMPORT_MAX_BYTES``), and that it is a zip archive at all;
2. the zip directory, before any part is inflated: its size, the sum of the declared expanded
   sizes of the parts (``CONGTAM_IMPORT_MAX_EXPANDED_BYTES``) and, for a large part, its
   compression ratio (``CONGTAM_IMPORT_MAX_COMPRESSION_RATIO``);
3. the XML parts calamine reads, inflated as a stream: a part may not expand to more than the
   directory says, and in a sheet the declared extent (``<dimension ref>``) and every cell
   calamine would keep (``<c r>``, or its place counted when ``r`` is left out) must lie within
   ``CONGTAM_IMPORT_MAX_ROWS`` × ``CONGTAM_IMPORT_MAX_COLUMNS`` and span at most
   ``CONGTAM_IMPORT_MAX_CELLS`` cells. The scan stops at the first cell out of bounds.

A refusal is a :class:`WorkbookRefused`; the importers turn it into their usual report (one
problem, nothing written). The module needs no Django settings (the pure scoring package uses it
too): :meth:`WorkbookLimits.from_settings` falls back on the defaults.
"""

from __future__ import annotations

import os
import posixpath
import re
import struct
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

MIB = 1024 * 1024
# A ratio is only judged for parts above this size: small parts (styles, an empty sheet) compress
# very well and harm nobody.
RATIO_CHECKED_ABOVE = 4 * MIB
# The zip directory is read whole by :mod:`zipfile` (and by calamine): about 80 bytes a part.
MAX_DIRECTORY_BYTES = 1 * MIB
# The workbook's list of sheets and their relationships, read whole to name the sheets.
MAX_INDEX_PART_BYTES = 8 * MIB
# A single tag longer than this is not one a spreadsheet program writes.
MAX_TAG_BYTES = 64 * 1024
CHUNK_BYTES = 1 * MIB

_STORED, _DEFLATED = zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED
_END_OF_DIRECTORY = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_END = b"PK\x06\x06"
_LOCAL_HEADER = b"PK\x03\x04"

# The start tag of a cell, a row or the sheet's dimension, with any namespace prefix.
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?(c|row|dimension)(?=[\s/>])([^>]*)>")
_R_ATTRIBUTE = re.compile(rb"""(?:^|\s)r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REF_ATTRIBUTE = re.compile(rb"""(?:^|\s)ref\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_CELL_REF = re.compile(rb"\$?([A-Za-z]+)\$?(\d+)")
# The common case, searched a chunk at a time (see _SheetScan._feed_quickly).
_QUICK_CELL = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"')
_QUICK_ROW = re.compile(rb'<row r="([1-9][0-9]{0,6})"')
_CELL_NEEDLES = tuple(b"<c" + end for end in (b" ", b">", b"/", b"\t", b"\n", b"\r"))
_ROW_NEEDLES = tuple(b"<row" + end for end in (b" ", b">", b"/", b"\t", b"\n", b"\r"))
_PREFIXED_TAG = re.compile(rb"<[A-Za-z_][\w.\-]*:(?:c|row)[\s/>]")

_RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SHEET_RELATIONSHIP_TYPES = ("/worksheet", "/dialogsheet", "/macrosheet", "/chartsheet")


@dataclass(frozen=True, slots=True)
class WorkbookLimits:
    max_bytes: int = 200 * MIB
    max_expanded_bytes: int = 200 * MIB
    max_compression_ratio: int = 100
    max_rows: int = 200_000
    max_columns: int = 200
    # About 32 bytes a cell in calamine's dense range: 5,000,000 cells are some 160 MB.
    max_cells: int = 5_000_000

    @classmethod
    def from_settings(cls) -> WorkbookLimits:
        from django.conf import settings

        if not settings.configured:
            return cls()
        default = cls()
        return cls(
            max_bytes=getattr(settings, "CONGTAM_IMPORT_MAX_BYTES", default.max_bytes),
            max_expanded_bytes=getattr(settings, "CONGTAM_IMPORT_MAX_EXPANDED_BYTES", default.max_expanded_bytes),
            max_compression_ratio=getattr(
                settings, "CONGTAM_IMPORT_MAX_COMPRESSION_RATIO", default.max_compression_ratio
            ),
            max_rows=getattr(settings, "CONGTAM_IMPORT_MAX_ROWS", default.max_rows),
            max_columns=getattr(settings, "CONGTAM_IMPORT_MAX_COLUMNS", default.max_columns),
            max_cells=getattr(settings, "CONGTAM_IMPORT_MAX_CELLS", default.max_cells),
        )


class WorkbookRefused(ValueError):
    """The workbook breaks a limit (``reason``, with the details in ``params``). ``str()`` is a
    plain English description; :meth:`message` the sentence for people, in their language."""

    def __init__(self, reason: str, **params):
        self.reason = reason
        self.params = params
        super().__init__(_describe(reason, params))

    def message(self) -> str:
        from django.utils.translation import gettext as _

        p = {key: _number(value) if isinstance(value, int) else value for key, value in self.params.items()}
        if self.reason == "too_large":
            return _("The file is too large: %(size)s MB, at most %(limit)s MB.") % p
        if self.reason == "directory":
            return _("The workbook has too many parts (its zip directory is %(size)s bytes, at most %(limit)s).") % p
        if self.reason == "expanded":
            return _("The workbook expands to %(size)s MB when unpacked, more than the limit of %(limit)s MB.") % p
        if self.reason == "ratio":
            return (
                _(
                    "The part “%(part)s” of the workbook is compressed %(ratio)s to 1, more than the limit of "
                    "%(limit)s to 1: it is not an ordinary workbook."
                )
                % p
            )
        if self.reason == "cell":
            return (
                _(
                    "The sheet “%(sheet)s” has a cell at %(cell)s, beyond the limit of %(rows)s rows × "
                    "%(columns)s columns."
                )
                % p
            )
        if self.reason == "dimension":
            return (
                _(
                    "The sheet “%(sheet)s” declares the range %(range)s, beyond the limit of %(rows)s rows × "
                    "%(columns)s columns."
                )
                % p
            )
        if self.reason == "cells":
            return (
                _(
                    "The sheet “%(sheet)s” reaches cell %(cell)s, a range of %(rows)s rows × %(columns)s columns, "
                    "more than the limit of %(limit)s cells."
                )
                % p
            )
        return _("The file could not be read as an Excel workbook (.xlsx); nothing was imported.")


def _describe(reason: str, params: dict) -> str:
    details = ", ".join(f"{key}={value}" for key, value in params.items())
    return f"workbook refused ({reason}{': ' + details if details else ''})"


def _number(value: int) -> str:
    """A count as Vietnamese writes it (``200.000``), through the active language's format."""
    from django.utils.formats import number_format

    return number_format(value, force_grouping=True)


def _megabytes(size: int) -> int:
    return -(-size // MIB)


def column_name(number: int) -> str:
    """1 → A, 27 → AA, 16384 → XFD."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


# =============================================================================================
def check_workbook(source, limits: WorkbookLimits | None = None) -> None:
    """Refuse (:class:`WorkbookRefused`) a workbook calamine should not be given; see the module.
    ``source`` is a path, an uploaded file or a binary file object (left at its start)."""
    limits = limits or WorkbookLimits.from_settings()
    with _binary(source) as fileobj:
        size = fileobj.seek(0, os.SEEK_END)
        if size > limits.max_bytes:
            raise WorkbookRefused("too_large", size=_megabytes(size), limit=limits.max_bytes // MIB)
        _check_directory_size(fileobj, size)
        fileobj.seek(0)
        try:
            archive = zipfile.ZipFile(fileobj)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, struct.error):
            raise WorkbookRefused("unreadable") from None
        with archive:
            entries = archive.infolist()
            _check_directory(entries, limits)
            sheets = _sheet_parts(archive, entries)
            for entry in entries:
                if entry.filename.lower().endswith(".xml") or entry.filename in sheets:
                    _scan_part(fileobj, entry, sheets.get(entry.filename), limits)
    if hasattr(source, "seek"):
        source.seek(0)


@contextmanager
def _binary(source):
    if isinstance(source, (str, Path)):
        with open(source, "rb") as fileobj:
            yield fileobj
        return
    temporary_path = getattr(source, "temporary_file_path", None)
    if callable(temporary_path):
        with open(temporary_path(), "rb") as fileobj:
            yield fileobj
        return
    if not (hasattr(source, "seek") and hasattr(source, "read")):
        raise WorkbookRefused("unreadable")
    source.seek(0)
    yield source


def _check_directory_size(fileobj, size: int) -> None:
    """The size of the zip directory, from its end record, before :mod:`zipfile` reads it whole."""
    tail_length = min(size, 22 + 65535)
    fileobj.seek(size - tail_length)
    tail = fileobj.read(tail_length)
    at = tail.rfind(_END_OF_DIRECTORY)
    if at < 0 or len(tail) < at + 22:
        raise WorkbookRefused("unreadable")
    entries, directory_bytes = struct.unpack("<HI", tail[at + 10 : at + 16])
    if entries == 0xFFFF or directory_bytes == 0xFFFFFFFF:  # zip64: the real figures are elsewhere
        locator = tail.rfind(_ZIP64_LOCATOR, 0, at)
        if locator < 0 or len(tail) < locator + 20:
            raise WorkbookRefused("unreadable")
        (end_offset,) = struct.unpack("<Q", tail[locator + 8 : locator + 16])
        if end_offset + 56 > size:
            raise WorkbookRefused("unreadable")
        fileobj.seek(end_offset)
        record = fileobj.read(56)
        if record[:4] != _ZIP64_END:
            raise WorkbookRefused("unreadable")
        (directory_bytes,) = struct.unpack("<Q", record[40:48])
    if directory_bytes > MAX_DIRECTORY_BYTES:
        raise WorkbookRefused("directory", size=directory_bytes, limit=MAX_DIRECTORY_BYTES)


def _check_directory(entries: list[zipfile.ZipInfo], limits: WorkbookLimits) -> None:
    expanded = 0
    for entry in entries:
        expanded += entry.file_size
        if expanded > limits.max_expanded_bytes:
            total = sum(item.file_size for item in entries)
            raise WorkbookRefused("expanded", size=_megabytes(total), limit=limits.max_expanded_bytes // MIB)
        if entry.file_size > RATIO_CHECKED_ABOVE and entry.file_size > limits.max_compression_ratio * max(
            entry.compress_size, 1
        ):
            raise WorkbookRefused(
                "ratio",
                part=entry.filename,
                ratio=entry.file_size // max(entry.compress_size, 1),
                limit=limits.max_compression_ratio,
            )


def _sheet_parts(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> dict[str, str]:
    """The sheets' parts and the sheets' names, as far as the workbook says (best effort: a part
    not named here is scanned too, under its own name)."""
    names = {entry.filename: entry for entry in entries}
    workbook, relationships = names.get("xl/workbook.xml"), names.get("xl/_rels/workbook.xml.rels")
    parts: dict[str, str] = {}
    if workbook is None or relationships is None:
        return parts
    if workbook.file_size > MAX_INDEX_PART_BYTES or relationships.file_size > MAX_INDEX_PART_BYTES:
        return parts
    try:
        targets = {}
        for element in ElementTree.fromstring(archive.read(relationships)):
            if element.get("Type", "").endswith(_SHEET_RELATIONSHIP_TYPES) and element.get("TargetMode") != "External":
                target = element.get("Target", "")
                path = (
                    target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
                )
                targets[element.get("Id")] = path
        for element in ElementTree.fromstring(archive.read(workbook)).iter():
            if element.tag.rsplit("}", 1)[-1] == "sheet":
                path = targets.get(element.get(f"{{{_RELATIONSHIPS_NS}}}id"))
                if path and element.get("name"):
                    parts[path] = element.get("name")
    except (ElementTree.ParseError, zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError):
        raise WorkbookRefused("unreadable") from None
    return parts


# --- one part, inflated as a stream ------------------------------------------------------------
def _inflated(fileobj, entry: zipfile.ZipInfo):
    """The part's bytes as calamine will get them, in chunks: inflated here from the raw stream
    (not through :mod:`zipfile`, which stops at the declared size), refused as soon as they are
    more than the directory declares."""
    if entry.flag_bits & 0x1 or entry.compress_type not in (_STORED, _DEFLATED):
        raise WorkbookRefused("unreadable")  # encrypted, or a compression no spreadsheet program uses
    fileobj.seek(entry.header_offset)
    header = fileobj.read(30)
    if len(header) < 30 or header[:4] != _LOCAL_HEADER:
        raise WorkbookRefused("unreadable")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    fileobj.seek(entry.header_offset + 30 + name_length + extra_length)
    remaining = entry.compress_size
    inflater = zlib.decompressobj(-zlib.MAX_WBITS) if entry.compress_type == _DEFLATED else None
    produced = 0
    while remaining > 0:
        raw = fileobj.read(min(CHUNK_BYTES, remaining))
        if not raw:
            raise WorkbookRefused("unreadable")
        remaining -= len(raw)
        while raw:
            if inflater is None:
                data, raw = raw, b""
            else:
                # At most one chunk out at a time, whatever the ratio of this piece.
                try:
                    data = inflater.decompress(raw, CHUNK_BYTES)
                except zlib.error:
                    raise WorkbookRefused("unreadable") from None
                raw = inflater.unconsumed_tail
                if inflater.eof:
                    raw = b""
            produced += len(data)
            if produced > entry.file_size:
                raise WorkbookRefused("expanded_part", part=entry.filename, declared=entry.file_size)
            if data:
                yield data


def _scan_part(fileobj, entry: zipfile.ZipInfo, sheet_name: str | None, limits: WorkbookLimits) -> None:
    scan = _SheetScan(sheet_name or entry.filename, limits)
    tail = b""
    for chunk in _inflated(fileobj, entry):
        buffer = tail + chunk if tail else chunk
        last_open = buffer.rfind(b"<")
        if last_open >= 0 and buffer.find(b">", last_open) < 0:
            buffer, tail = buffer[:last_open], buffer[last_open:]
            if len(tail) > MAX_TAG_BYTES:
                raise WorkbookRefused("unreadable")
        else:
            tail = b""
        scan.feed(buffer)


class _SheetScan:
    """Where calamine would place each cell of a sheet: a cell with a value at ``r``, or, without
    ``r``, next to the previous one; an empty cell (``<c …/>``) takes a place but holds none."""

    __slots__ = ("column", "last_column", "last_row", "limits", "name", "row")

    def __init__(self, name: str, limits: WorkbookLimits):
        self.name, self.limits = name, limits
        self.row = self.column = 0
        self.last_row = self.last_column = 0  # the extent so far

    def feed(self, data: bytes) -> None:
        if not self._feed_quickly(data):
            self._feed_exactly(data)

    def _feed_quickly(self, data: bytes) -> bool:
        """What every spreadsheet program writes, ``<row r="7">`` and ``<c r="B7" …>``, handled a
        chunk at a time with C-speed searches; ``False`` (and nothing done) when the chunk holds
        anything else, or a cell out of bounds, for :meth:`_feed_exactly` to judge tag by tag."""
        if (b":c" in data or b":row" in data) and _PREFIXED_TAG.search(data):
            return False
        cells = _QUICK_CELL.findall(data)
        if len(cells) != sum(data.count(needle) for needle in _CELL_NEEDLES):
            return False  # a cell without r, or with r not first
        rows = _QUICK_ROW.findall(data)
        if len(rows) != sum(data.count(needle) for needle in _ROW_NEEDLES):
            return False
        last_row, last_column = self.last_row, self.last_column
        if cells:
            letters, numbers = zip(*cells)
            last_row = max(last_row, max(map(int, set(numbers))))
            widest = max(set(letters), key=lambda name: (len(name), name))
            last_column = max(last_column, _column_number(widest))
        limits = self.limits
        if last_row > limits.max_rows or last_column > limits.max_columns or last_row * last_column > limits.max_cells:
            return False  # perhaps only empty cells out there: judged one by one
        if b"dimension" in data:
            for match in _TAG.finditer(data):
                if match.group(1) == b"dimension":
                    self._dimension(match.group(2))
        self.last_row, self.last_column = last_row, last_column
        if rows:
            self.row = int(rows[-1])
        if cells and data.rfind(b'<c r="') > data.rfind(b'<row r="'):
            self.column = _column_number(cells[-1][0])
        elif rows:
            self.column = 0
        return True

    def _feed_exactly(self, data: bytes) -> None:
        r_attribute = _R_ATTRIBUTE.search
        for match in _TAG.finditer(data):
            kind, attributes = match.groups()
            found = r_attribute(attributes) if b"r" in attributes else None
            value = (found.group(1) if found.group(1) is not None else found.group(2)).strip() if found else None
            if kind == b"c":
                if value is None:
                    self.column += 1
                    row = self.row
                else:
                    row, self.column = self._cell(value)
                if attributes.endswith(b"/"):
                    continue  # no value: calamine keeps nothing there
                self._extend(row, self.column)
            elif kind == b"row":
                if value is None:
                    self.row += 1
                elif value.isdigit():
                    self.row = int(value)
                else:
                    raise WorkbookRefused("unreadable")
                self.column = 0
            else:
                self._dimension(attributes)

    def _cell(self, reference: bytes) -> tuple[int, int]:
        match = _CELL_REF.fullmatch(reference)
        if match is None:
            raise WorkbookRefused("unreadable")
        return int(match.group(2)), _column_number(match.group(1))

    def _extend(self, row: int, column: int) -> None:
        limits = self.limits
        if row > limits.max_rows or column > limits.max_columns or row < 1 or column < 1:
            raise WorkbookRefused(
                "cell",
                sheet=self.name,
                cell=f"{column_name(column)}{row}",
                rows=limits.max_rows,
                columns=limits.max_columns,
            )
        if row > self.last_row or column > self.last_column:
            self.last_row, self.last_column = max(row, self.last_row), max(column, self.last_column)
            if self.last_row * self.last_column > limits.max_cells:
                raise WorkbookRefused(
                    "cells",
                    sheet=self.name,
                    cell=f"{column_name(column)}{row}",
                    rows=self.last_row,
                    columns=self.last_column,
                    limit=limits.max_cells,
                )

    def _dimension(self, attributes: bytes) -> None:
        found = _REF_ATTRIBUTE.search(attributes)
        if found is None:
            return
        declared = (found.group(1) if found.group(1) is not None else found.group(2)).strip()
        limits = self.limits
        last_row = last_column = 0
        for reference in declared.split(b":")[:2]:
            match = _CELL_REF.fullmatch(reference)
            if match is None:
                return  # calamine does without a dimension it cannot read
            last_row, last_column = max(last_row, int(match.group(2))), max(last_column, _column_number(match.group(1)))
        if last_row > limits.max_rows or last_column > limits.max_columns or last_row * last_column > limits.max_cells:
            raise WorkbookRefused(
                "dimension",
                sheet=self.name,
                range=declared.decode("ascii", "replace"),
                rows=limits.max_rows,
                columns=limits.max_columns,
            )
