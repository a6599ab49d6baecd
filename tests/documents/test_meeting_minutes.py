"""The unit meeting's minutes as DOCX, read back with python-docx."""

from __future__ import annotations

from congtam.documents import meeting_minutes_docx, meeting_minutes_filename

from .reading import docx_text, one_line
from .samples import meeting_minutes


def test_the_minutes_hold_the_meeting_the_reviews_and_the_adoption():
    text = one_line(docx_text(meeting_minutes_docx(meeting_minutes())))
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BỘ TƯ PHÁP",
        "PHÒNG TỔNG HỢP",
        "BIÊN BẢN",
        "Họp đánh giá, xếp loại chất lượng năm 2025",
        "Hôm nay, vào lúc 08 giờ 30, ngày 08/12/2025, tại Phòng họp số 3, 60 Trần Phú, Hà Nội",
        "Phòng họp số 3, 60 Trần Phú, Hà Nội, ngày 08 tháng 12 năm 2025",
        "Chủ trì: Trần Văn Sơn",
        "Thư ký: Phạm Thu Hoà",
        "Có mặt: 4 người; vắng mặt: 1 người.",
        "Vắng mặt: Vũ Minh Đức (nghỉ phép)",
        "- Đỗ Đức Cường",
        "- Biểu quyết mức xếp loại",
        "2.1. Nguyễn Thị Hương — Chuyên viên chính",
        "Tóm tắt báo cáo tự đánh giá: Hoàn thành 100% nhiệm vụ, 60% vượt tiến độ.",
        "Ý kiến nhận xét của các thành viên dự họp: Các thành viên nhất trí với báo cáo tự đánh giá.",
        "Mức xếp loại đề xuất: Hoàn thành xuất sắc nhiệm vụ",
        "Kết quả biểu quyết mức xếp loại đề xuất: 3 tán thành, 1 không tán thành, 0 không biểu quyết.",
        "2.2. Đỗ Đức Cường — Chuyên viên",
        "Cần chủ động hơn trong tham mưu.",
        "Biên bản được thông qua tại cuộc họp với 4/4 người dự họp nhất trí.",
        "Cuộc họp kết thúc vào lúc 11 giờ 15 cùng ngày.",
        "THƯ KÝ",
        "CHỦ TRÌ",
    ):
        assert expected in text, f"{expected!r} missing from the minutes"


def test_a_vote_is_shown_only_where_one_was_counted():
    text = one_line(docx_text(meeting_minutes_docx(meeting_minutes())))
    second_review = text.split("2.2. Đỗ Đức Cường")[1]
    assert "Kết quả biểu quyết" in text.split("2.2. Đỗ Đức Cường")[0]
    assert "Kết quả biểu quyết" not in second_review


def test_minutes_without_times_or_absences_leave_blanks():
    data = meeting_minutes(start_time=None, end_time=None, absent_count=0, absent_note="")
    text = one_line(docx_text(meeting_minutes_docx(data)))
    assert "vào lúc ..... giờ ....." in text
    assert "Vắng mặt:" not in text
    assert "vắng mặt: 0 người" in text


def test_the_file_name_names_the_unit_and_year():
    assert meeting_minutes_filename(meeting_minutes()) == "Biên bản họp - Phòng Tổng hợp - 2025.docx"
