"""The archive of many documents, with Vietnamese file names kept intact and safe."""

from __future__ import annotations

import io
import unicodedata
import zipfile

import pytest

from congtam.documents import (
    Category,
    archive,
    evaluation_form_docx,
    evaluation_form_filename,
    evaluation_forms_archive_to,
    safe_filename,
)

from .reading import docx_text, pdf_text
from .samples import evaluation_form


def test_the_archive_holds_each_file_under_its_vietnamese_name():
    form = evaluation_form()
    content = archive(
        [
            (evaluation_form_filename(form, "docx"), evaluation_form_docx(form)),
            ("Biên bản họp - Phòng Tổng hợp - 2025.docx", b"minutes"),
        ]
    )
    with zipfile.ZipFile(io.BytesIO(content)) as bundle:
        assert bundle.namelist() == [
            "Mẫu số 02 - Nguyễn Thị Hương - 2025.docx",
            "Biên bản họp - Phòng Tổng hợp - 2025.docx",
        ]
        assert all(info.flag_bits & 0x800 for info in bundle.infolist()), "names must be flagged as UTF-8"
        assert "Nguyễn Thị Hương" in docx_text(bundle.read("Mẫu số 02 - Nguyễn Thị Hương - 2025.docx"))
        assert bundle.read("Biên bản họp - Phòng Tổng hợp - 2025.docx") == b"minutes"


def test_namesakes_get_numbered_instead_of_overwriting_each_other():
    content = archive([("Nguyễn Văn An.pdf", b"1"), ("Nguyễn Văn An.pdf", b"2"), ("NGUYỄN VĂN AN.pdf", b"3")])
    with zipfile.ZipFile(io.BytesIO(content)) as bundle:
        assert bundle.namelist() == ["Nguyễn Văn An.pdf", "Nguyễn Văn An (2).pdf", "NGUYỄN VĂN AN (3).pdf"]
        assert [bundle.read(name) for name in bundle.namelist()] == [b"1", b"2", b"3"]


def test_names_cannot_escape_the_archive_or_break_a_file_system():
    assert safe_filename("../../etc/passwd") == "_.._etc_passwd"
    assert safe_filename('Phiếu: "Hương"?*.pdf') == "Phiếu_ _Hương___.pdf"
    assert safe_filename("C:\\Users\\x.docx") == "C__Users_x.docx"
    assert safe_filename("...") == "tai-lieu"
    long_name = safe_filename("Nguyễn Thị Hương " * 30 + ".pdf")
    assert long_name.endswith(".pdf") and len(long_name.encode()) <= 200


def test_decomposed_vietnamese_is_stored_composed():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hương.pdf")
    assert decomposed != "Nguyễn Thị Hương.pdf"
    with zipfile.ZipFile(io.BytesIO(archive([(decomposed, b"x")]))) as bundle:
        assert bundle.namelist() == ["Nguyễn Thị Hương.pdf"]


def test_a_scope_of_forms_streams_into_one_archive_with_progress(tmp_path):
    forms = (
        evaluation_form(Category.CONG_CHUC),
        evaluation_form(Category.VIEN_CHUC, person_name="Đỗ Đức Cường"),
        evaluation_form(Category.CONG_CHUC),  # a namesake in the same scope
    )
    progress = []
    target = tmp_path / "Biểu mẫu năm 2025.zip"
    with target.open("wb") as output:
        names = evaluation_forms_archive_to(output, (form for form in forms), on_progress=progress.append)
    assert progress == [1, 2, 3]
    with zipfile.ZipFile(target) as bundle:
        assert (
            bundle.namelist()
            == names
            == [
                "Mẫu số 02 - Nguyễn Thị Hương - 2025.docx",
                "Mẫu số 02 - Nguyễn Thị Hương - 2025.pdf",
                "Mẫu số 03 - Đỗ Đức Cường - 2025.docx",
                "Mẫu số 03 - Đỗ Đức Cường - 2025.pdf",
                "Mẫu số 02 - Nguyễn Thị Hương - 2025 (2).docx",
                "Mẫu số 02 - Nguyễn Thị Hương - 2025 (2).pdf",
            ]
        )
        assert "Họ và tên: Đỗ Đức Cường" in pdf_text(bundle.read("Mẫu số 03 - Đỗ Đức Cường - 2025.pdf"))
        assert "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG VIÊN CHỨC" in docx_text(
            bundle.read("Mẫu số 03 - Đỗ Đức Cường - 2025.docx")
        )


def test_an_unknown_format_is_refused_before_anything_is_written():
    output = io.BytesIO()
    with pytest.raises(ValueError, match="odt"):
        evaluation_forms_archive_to(output, [evaluation_form()], formats=("pdf", "odt"))
    assert output.getvalue() == b""
