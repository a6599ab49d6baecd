"""The evaluation form of each category, as DOCX and PDF, read back with the tools a reader uses."""

from __future__ import annotations

import pytest

from congtam.documents import (
    Category,
    SelfAssessment,
    Signature,
    evaluation_form_docx,
    evaluation_form_filename,
    evaluation_form_pdf,
)
from congtam.scoring.levels import Level

from .reading import docx_text, one_line, pdf_lines, pdf_reader, pdf_text
from .samples import evaluation_form

TITLES = {
    Category.CAN_BO: ("Mẫu số 01", "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÁN BỘ"),
    Category.CONG_CHUC: ("Mẫu số 02", "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC"),
    Category.VIEN_CHUC: ("Mẫu số 03", "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG VIÊN CHỨC"),
}
COMMON_TEXT = (
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "BỘ TƯ PHÁP",
    "Họ và tên: Nguyễn Thị Hương",
    "Năm 2025",
    "I. KẾT QUẢ TỰ ĐÁNH GIÁ",
    "1. Chính trị tư tưởng:",
    "Kiên định lập trường, chấp hành nghiêm chủ trương của Đảng.",
    "2. Đạo đức, lối sống:",
    "3. Tác phong, lề lối làm việc:",
    "4. Ý thức tổ chức kỷ luật:",
    "Hoàn thành 100% nhiệm vụ đúng hạn, 60% vượt tiến độ.",
    "Phòng hoàn thành toàn bộ chỉ tiêu, 55% vượt mức.",
    "Năng lực lãnh đạo, quản lý",
    "II. TỰ NHẬN XÉT, XẾP LOẠI CHẤT LƯỢNG",
    "Ưu điểm: chủ động. Khuyết điểm: đôi khi cầu toàn.",
    "2. Tự xếp loại chất lượng: Hoàn thành xuất sắc nhiệm vụ",
    "Đồng chí Hương hoàn thành xuất sắc các nhiệm vụ được giao.",
    "Nhất trí với nhận xét của người quản lý trực tiếp.",
    "2. Kết quả đánh giá, xếp loại chất lượng: Hoàn thành xuất sắc nhiệm vụ",
    "Điểm bình quân năm: 92,50",
    "NGƯỜI TỰ NHẬN XÉT",
    "NGƯỜI QUẢN LÝ TRỰC TIẾP",
    "NGƯỜI CÓ THẨM QUYỀN ĐÁNH GIÁ",
    "(Ký, ghi rõ họ tên)",
    "Hà Nội, ngày 01 tháng 12 năm 2025",
    "Hà Nội, ngày 12 tháng 12 năm 2025",
    "Trần Văn Sơn",
    "Lê Thị Lan",
)
RENDERERS = {"docx": (evaluation_form_docx, docx_text), "pdf": (evaluation_form_pdf, pdf_text)}


@pytest.mark.parametrize("kind", RENDERERS)
@pytest.mark.parametrize("category", list(Category))
def test_each_category_renders_its_own_form_with_the_vietnamese_text(category, kind):
    render, read = RENDERERS[kind]
    text = one_line(read(render(evaluation_form(category))))
    form_number, title = TITLES[category]
    for expected in (form_number, title, *COMMON_TEXT):
        assert expected in text, f"{expected!r} missing from the {kind} form"
    other_titles = [other_title for other, (_, other_title) in TITLES.items() if other is not category]
    assert not any(other_title in text for other_title in other_titles)


@pytest.mark.parametrize("kind", RENDERERS)
def test_the_rank_line_depends_on_the_category(kind):
    render, read = RENDERERS[kind]
    assert "Ngạch công chức: Chuyên viên chính" in one_line(read(render(evaluation_form(Category.CONG_CHUC))))
    assert "Chức danh nghề nghiệp: Chuyên viên chính" in one_line(read(render(evaluation_form(Category.VIEN_CHUC))))
    cadre = one_line(read(render(evaluation_form(Category.CAN_BO))))
    assert "Ngạch" not in cadre and "Chức danh nghề nghiệp" not in cadre


@pytest.mark.parametrize("kind", RENDERERS)
def test_the_leaders_part_appears_for_leaders_only(kind):
    render, read = RENDERERS[kind]
    leader = one_line(read(render(evaluation_form(Category.VIEN_CHUC, is_leader=True))))
    staff = one_line(read(render(evaluation_form(Category.VIEN_CHUC, is_leader=False))))
    assert "PHẦN DÀNH RIÊNG CHO VIÊN CHỨC QUẢN LÝ" in leader
    assert "7. Kết quả hoạt động của cơ quan, tổ chức, đơn vị được giao lãnh đạo" in leader
    assert "PHẦN DÀNH RIÊNG" not in staff and "Năng lực lãnh đạo" not in staff
    assert "Kết quả thực hiện nhiệm vụ theo hợp đồng làm việc đã ký kết" in staff


@pytest.mark.parametrize("kind", RENDERERS)
def test_a_blank_form_keeps_the_places_to_fill_by_hand(kind):
    render, read = RENDERERS[kind]
    blank = evaluation_form(
        self_assessment=SelfAssessment(),
        proposed_level=None,
        result_level=None,
        manager_comments="",
        authority_comments="",
        score=None,
        manager_signature=None,
        person_signature=Signature(title="Người tự nhận xét"),
    )
    text = one_line(read(render(blank)))
    assert "1. Chính trị tư tưởng: ....." in text
    assert (
        "(Hoàn thành xuất sắc nhiệm vụ; hoàn thành tốt nhiệm vụ; hoàn thành nhiệm vụ; không hoàn thành nhiệm vụ)"
        in text
    )
    assert "ngày ..... tháng ..... năm" in text
    # Without a direct manager the authority's part is section III.
    assert "NGƯỜI QUẢN LÝ TRỰC TIẾP" not in text
    assert "III. KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC" in text
    assert "Điểm bình quân năm" not in text
    # The person's own name goes under their signature even when the signature block names nobody.
    assert "Nguyễn Thị Hương" in text.split("NGƯỜI TỰ NHẬN XÉT")[1]


@pytest.mark.parametrize("kind", RENDERERS)
def test_the_person_text_is_escaped_and_keeps_its_lines(kind):
    render = RENDERERS[kind][0]
    text = {"docx": docx_text, "pdf": pdf_lines}[kind](render(evaluation_form()))
    assert "Tận tụy, lịch sự với người dân & doanh nghiệp <không phiền hà>." in one_line(text)
    assert "Khoa học, đúng giờ.\nPhối hợp tốt với đồng nghiệp." in text


def test_the_level_names_follow_the_result():
    text = pdf_text(evaluation_form_pdf(evaluation_form(result_level=Level.NOT_COMPLETE, proposed_level=Level.GOOD)))
    assert "Tự xếp loại chất lượng: Hoàn thành tốt nhiệm vụ" in text
    assert "Kết quả đánh giá, xếp loại chất lượng: Không hoàn thành nhiệm vụ" in text


def test_the_pdf_embeds_its_vietnamese_font():
    reader = pdf_reader(evaluation_form_pdf(evaluation_form()))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font
    assert fonts, "the PDF uses no font"
    for name, font in fonts.items():
        descriptors = [font.get("/FontDescriptor")] + [
            descendant.get_object().get("/FontDescriptor") for descendant in font.get("/DescendantFonts", [])
        ]
        embedded = [d.get_object() for d in descriptors if d is not None]
        assert any(key in descriptor for descriptor in embedded for key in ("/FontFile", "/FontFile2", "/FontFile3")), (
            f"{name} is not embedded"
        )
    assert any("Form-Serif" in name for name in fonts)
    assert any("Bold" in name for name in fonts)


def test_the_file_name_names_the_form_the_person_and_the_year():
    data = evaluation_form(Category.VIEN_CHUC)
    assert evaluation_form_filename(data, "pdf") == "Mẫu số 03 - Nguyễn Thị Hương - 2025.pdf"
