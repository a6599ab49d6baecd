"""A minimal, fast xlsx writer for the results: plain values, inline strings, two styles.

xlsxwriter costs several microseconds of Python per cell; a 100,000-person results sheet has a
million cells. This writer emits each row as one piece of SpreadsheetML text and zips the package
once, which is what the end-to-end target needs. It writes only what the results use: text
(inline strings, escaped as xlsxwriter escapes them), numbers (formatted as xlsxwriter does,
``.16G``), blank cells skipped, a bold header style, the built-in ``0.00`` number format, and
column widths. Cell values read back exactly as the xlsxwriter version wrote them.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

STYLE_NONE, STYLE_BOLD, STYLE_TWO_PLACES = 0, 1, 2
_STRING_MAX = 32767
_ESCAPED_ESCAPE = re.compile(r"(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


_LETTERS = [column_letter(i) for i in range(64)]


def _text(value: str) -> str:
    if len(value) > _STRING_MAX // 2 and len(value.encode("utf-16-le")) // 2 > _STRING_MAX:
        value = value.encode("utf-16-le")[: 2 * _STRING_MAX].decode("utf-16-le", errors="ignore")
    if "_x" in value:
        value = _ESCAPED_ESCAPE.sub(r"_x005F\1", value)
    if not value.isprintable():
        value = _CONTROL.sub(lambda match: f"_x{ord(match.group(1)):04X}_", value)
        value = value.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    value = escape(value)
    if value[:1].isspace() or value[-1:].isspace():
        return f'<is><t xml:space="preserve">{value}</t></is>'
    return f"<is><t>{value}</t></is>"


def _cell(reference: str, value: Any, style: int) -> str:
    attribute = f' s="{style}"' if style else ""
    if isinstance(value, str):
        return f'<c r="{reference}"{attribute} t="inlineStr">{_text(value)}</c>'
    if isinstance(value, bool):
        return f'<c r="{reference}"{attribute} t="b"><v>{int(value)}</v></c>'
    return f'<c r="{reference}"{attribute}><v>{value:.16G}</v></c>'


class Sheet:
    """Rows are appended in order; each becomes text at once (nothing per cell is kept)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.widths: dict[int, float] = {}
        self.parts: list[str] = []
        self.rows = 0

    def set_width(self, column: int, width: float) -> None:
        self.widths[column] = width

    def row(self, values: Sequence[Any], styles: Sequence[int] | int = STYLE_NONE) -> None:
        """Write the next row; ``None`` and ``""`` leave a cell empty (as xlsxwriter's write_row)."""
        self.rows += 1
        number = self.rows
        cells = []
        for column, value in enumerate(values):
            if value is None or (value == "" and isinstance(value, str)):
                continue
            style = styles if isinstance(styles, int) else styles[column]
            letter = _LETTERS[column] if column < 64 else column_letter(column)
            cells.append(_cell(f"{letter}{number}", value, style))
        self.parts.append(f'<row r="{number}">{"".join(cells)}</row>')

    def xml(self) -> str:
        columns = ""
        if self.widths:
            columns = (
                "<cols>"
                + "".join(
                    f'<col min="{c + 1}" max="{c + 1}" width="{w + 0.7109375:.16G}" customWidth="1"/>'
                    for c, w in sorted(self.widths.items())
                )
                + "</cols>"
            )
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f"{columns}<sheetData>{''.join(self.parts)}</sheetData></worksheet>"
        )


_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def write_workbook(path: Path, sheets: Iterable[Sheet]) -> None:
    sheets = list(sheets)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{overrides}</Types>"
    )
    root_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    )
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        + "".join(
            f'<sheet name="{escape(s.name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
            for i, s in enumerate(sheets, 1)
        )
        + "</sheets></workbook>"
    )
    workbook_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{i}" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            f'Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        + f'<Relationship Id="rId{len(sheets) + 1}" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
        'Target="styles.xml"/></Relationships>'
    )
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        package.writestr("[Content_Types].xml", content_types)
        package.writestr("_rels/.rels", root_rels)
        package.writestr("xl/workbook.xml", workbook)
        package.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        package.writestr("xl/styles.xml", _STYLES)
        for index, sheet in enumerate(sheets, 1):
            package.writestr(f"xl/worksheets/sheet{index}.xml", sheet.xml())
            sheet.parts = []
