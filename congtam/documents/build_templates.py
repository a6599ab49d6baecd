"""Builds the DOCX templates shipped in ``templates/documents/`` (run after changing the layout).

    python -m congtam.documents.build_templates

The templates hold docxtpl (Jinja) tags; the official wording itself comes from ``wording.py``
through the context, so a wording change needs no rebuild. Built in code rather than drawn in Word
so that the layout is reviewable in a diff.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

TEMPLATES = Path(__file__).parent / "templates" / "documents"
EVALUATION_FORM = TEMPLATES / "evaluation_form.docx"
MEETING_MINUTES = TEMPLATES / "meeting_minutes.docx"
# Decree 30/2020 on administrative documents: Times New Roman, 13 to 14 pt, A4.
FONT_NAME = "Times New Roman"
FONT_SIZE = Pt(13)


def _new_document() -> Document:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    normal = document.styles["Normal"]
    normal.font.name = FONT_NAME
    normal.font.size = FONT_SIZE
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT_NAME)
    normal.paragraph_format.space_after = Pt(3)
    return document


def _paragraph(container, text="", *, bold=False, italic=False, align=None, underline=False, size=None):
    paragraph = container.add_paragraph()
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = size
    if align is not None:
        paragraph.alignment = align
    return paragraph


def _first_paragraph(cell, text, **style):
    """Writes into a cell's existing first paragraph, so the cell gets no empty line on top."""
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.bold = style.get("bold", False)
    run.underline = style.get("underline", False)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def _heading_table(document, left: list[tuple[str, dict]], right: list[tuple[str, dict]]) -> None:
    """The two-column header: the agency on the left, the nation and motto on the right."""
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, lines in zip(table.rows[0].cells, (left, right)):
        _first_paragraph(cell, lines[0][0], **lines[0][1])
        for text, style in lines[1:]:
            paragraph = _paragraph(cell, text, align=WD_ALIGN_PARAGRAPH.CENTER, **style)
            paragraph.paragraph_format.space_after = Pt(0)
    table.columns[0].width = table.rows[0].cells[0].width = Cm(6.5)
    table.columns[1].width = table.rows[0].cells[1].width = Cm(9.5)


def _signature_block(document, key: str) -> None:
    """A signature place on the right half of the page."""
    for text, style in (
        (f"{{{{ {key}.date_line }}}}", {"italic": True}),
        (f"{{{{ {key}.title }}}}", {"bold": True}),
        (f"{{{{ {key}.hint }}}}", {"italic": True}),
    ):
        paragraph = _paragraph(document, text, align=WD_ALIGN_PARAGRAPH.CENTER, **style)
        paragraph.paragraph_format.left_indent = Cm(7)
        paragraph.paragraph_format.space_after = Pt(0)
    for _ in range(3):
        _paragraph(document).paragraph_format.left_indent = Cm(7)
    name = _paragraph(document, f"{{{{ {key}.name }}}}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    name.paragraph_format.left_indent = Cm(7)


def build_evaluation_form() -> Document:
    document = _new_document()
    _paragraph(document, "{{ form_number }}", bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _heading_table(
        document,
        [("{{ agency }}", {}), ("{{ unit }}", {"bold": True})],
        [("{{ nation }}", {"bold": True}), ("{{ motto }}", {"bold": True, "underline": True})],
    )
    _paragraph(document)
    _paragraph(document, "{{ title }}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "{{ year_line }}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "{%p for line in identity %}")
    _paragraph(document, "{{ line.label }}: {{ line.value }}")
    _paragraph(document, "{%p endfor %}")
    _paragraph(document, "I. KẾT QUẢ TỰ ĐÁNH GIÁ", bold=True)
    _criteria_loop(document, "criteria")
    _paragraph(document, "{%p if leader_part %}")
    _paragraph(document, "{{ leader_part }}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "{%p endif %}")
    _criteria_loop(document, "leader_criteria")
    _paragraph(document, "II. TỰ NHẬN XÉT, XẾP LOẠI CHẤT LƯỢNG", bold=True)
    _paragraph(document, "1. Tự nhận xét ưu, khuyết điểm:", bold=True)
    _paragraph(document, "{{ strengths_and_weaknesses }}")
    _paragraph(document, "2. Tự xếp loại chất lượng: {{ proposed_level }}", bold=True)
    _signature_block(document, "person_signature")
    _paragraph(document, "{%p if has_manager %}")
    _paragraph(document, "{{ manager_heading }}", bold=True)
    _paragraph(document, "{{ manager_comments }}")
    _signature_block(document, "manager_signature")
    _paragraph(document, "{%p endif %}")
    _paragraph(document, "{{ result_heading }}", bold=True)
    _paragraph(document, "1. Nhận xét ưu, khuyết điểm:", bold=True)
    _paragraph(document, "{{ authority_comments }}")
    _paragraph(document, "2. Kết quả đánh giá, xếp loại chất lượng: {{ result_level }}", bold=True)
    _signature_block(document, "authority_signature")
    return document


def _criteria_loop(document, key: str) -> None:
    _paragraph(document, f"{{%p for item in {key} %}}")
    _paragraph(document, "{{ item.number }}. {{ item.heading }}:", bold=True)
    _paragraph(document, "{{ item.text }}")
    _paragraph(document, "{%p endfor %}")


def build_meeting_minutes() -> Document:
    document = _new_document()
    _heading_table(
        document,
        [("{{ agency }}", {}), ("{{ unit }}", {"bold": True})],
        [("{{ nation }}", {"bold": True}), ("{{ motto }}", {"bold": True, "underline": True})],
    )
    _paragraph(document, "{{ date_line }}", italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, "{{ title }}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=Pt(14))
    _paragraph(document, "{{ subtitle }}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "{{ opening }}")
    _paragraph(document, "Chủ trì: {{ chair }}")
    _paragraph(document, "Thư ký: {{ secretary }}")
    _paragraph(document, "{{ attendance }}")
    _paragraph(document, "{%p if absent_note %}")
    _paragraph(document, "Vắng mặt: {{ absent_note }}")
    _paragraph(document, "{%p endif %}")
    _paragraph(document, "Thành phần dự họp:", bold=True)
    _paragraph(document, "{%p for name in attendees %}")
    _paragraph(document, "- {{ name }}")
    _paragraph(document, "{%p endfor %}")
    _paragraph(document, "NỘI DUNG CUỘC HỌP", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "1. Chương trình họp:", bold=True)
    _paragraph(document, "{%p for item in agenda %}")
    _paragraph(document, "- {{ item }}")
    _paragraph(document, "{%p endfor %}")
    _paragraph(document, "2. Đánh giá từng người:", bold=True)
    _paragraph(document, "{%p for review in reviews %}")
    _paragraph(document, "2.{{ review.number }}. {{ review.person_name }} — {{ review.position }}", bold=True)
    _paragraph(document, "Tóm tắt báo cáo tự đánh giá: {{ review.presentation }}")
    _paragraph(document, "Ý kiến nhận xét của các thành viên dự họp: {{ review.comments }}")
    _paragraph(document, "{%p if review.proposed_level %}")
    _paragraph(document, "Mức xếp loại đề xuất: {{ review.proposed_level }}")
    _paragraph(document, "{%p endif %}")
    _paragraph(document, "{%p if review.votes %}")
    _paragraph(document, "Kết quả biểu quyết mức xếp loại đề xuất: {{ review.votes }}.")
    _paragraph(document, "{%p endif %}")
    _paragraph(document, "{%p if review.party_committee_opinion %}")
    _paragraph(document, "Ý kiến của cấp ủy: {{ review.party_committee_opinion }}")
    _paragraph(document, "{%p endif %}")
    _paragraph(document, "{%p endfor %}")
    _paragraph(document, "3. Thông qua biên bản:", bold=True)
    _paragraph(document, "{{ adoption }}")
    _paragraph(document, "{{ closing }}")
    table = document.add_table(rows=1, cols=2)
    for cell, key in zip(table.rows[0].cells, ("secretary_signature", "chair_signature")):
        _first_paragraph(cell, f"{{{{ {key}.title }}}}", bold=True)
        _paragraph(cell, f"{{{{ {key}.hint }}}}", italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        for _ in range(3):
            _paragraph(cell)
        _paragraph(cell, f"{{{{ {key}.name }}}}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    return document


def main() -> None:
    TEMPLATES.mkdir(parents=True, exist_ok=True)
    build_evaluation_form().save(EVALUATION_FORM)
    build_meeting_minutes().save(MEETING_MINUTES)


if __name__ == "__main__":
    main()
