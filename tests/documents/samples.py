"""Plain sample data for the document tests: one person per category, a meeting, summary rows."""

from __future__ import annotations

import datetime
from decimal import Decimal

from congtam.documents import (
    Category,
    EvaluationFormData,
    MeetingMinutesData,
    PersonReview,
    SelfAssessment,
    Signature,
    UnitSummaryRow,
    Votes,
)
from congtam.scoring.levels import Level

SELF_ASSESSMENT = SelfAssessment(
    political_ideology="Kiên định lập trường, chấp hành nghiêm chủ trương của Đảng.",
    ethics_and_lifestyle="Giản dị, trung thực, không vi phạm quy định về những điều đảng viên không được làm.",
    working_style="Khoa học, đúng giờ.\nPhối hợp tốt với đồng nghiệp.",
    discipline="Chấp hành nghiêm nội quy, quy chế của cơ quan.",
    task_results="Hoàn thành 100% nhiệm vụ đúng hạn, 60% vượt tiến độ.",
    service_attitude="Tận tụy, lịch sự với người dân & doanh nghiệp <không phiền hà>.",
    unit_results="Phòng hoàn thành toàn bộ chỉ tiêu, 55% vượt mức.",
    leadership_capacity="Điều hành quyết đoán, phân công rõ người rõ việc.",
    unity_capacity="Xây dựng tập thể đoàn kết.",
    strengths_and_weaknesses="Ưu điểm: chủ động. Khuyết điểm: đôi khi cầu toàn.",
)


def evaluation_form(category: Category = Category.CONG_CHUC, **changes) -> EvaluationFormData:
    values = {
        "agency": "Bộ Tư pháp",
        "unit": "Vụ Pháp luật hình sự - hành chính",
        "person_name": "Nguyễn Thị Hương",
        "position": "Phó Trưởng phòng",
        "rank": "Chuyên viên chính" if category is not Category.CAN_BO else "",
        "category": category,
        "year": 2025,
        "self_assessment": SELF_ASSESSMENT,
        "is_leader": True,
        "proposed_level": Level.EXCELLENT,
        "manager_comments": "Đồng chí Hương hoàn thành xuất sắc các nhiệm vụ được giao.",
        "authority_comments": "Nhất trí với nhận xét của người quản lý trực tiếp.",
        "result_level": Level.EXCELLENT,
        "score": Decimal("92.50"),
        "person_signature": Signature(title="Người tự nhận xét", place="Hà Nội", date=datetime.date(2025, 12, 1)),
        "manager_signature": Signature(title="Người quản lý trực tiếp", name="Trần Văn Sơn"),
        "authority_signature": Signature(
            title="Người có thẩm quyền đánh giá", name="Lê Thị Lan", place="Hà Nội", date=datetime.date(2025, 12, 12)
        ),
    }
    values.update(changes)
    return EvaluationFormData(**values)


def meeting_minutes(**changes) -> MeetingMinutesData:
    values = {
        "agency": "Bộ Tư pháp",
        "unit": "Phòng Tổng hợp",
        "year": 2025,
        "date": datetime.date(2025, 12, 8),
        "place": "Phòng họp số 3, 60 Trần Phú, Hà Nội",
        "chair": "Trần Văn Sơn",
        "secretary": "Phạm Thu Hoà",
        "attendees": ("Trần Văn Sơn", "Phạm Thu Hoà", "Nguyễn Thị Hương", "Đỗ Đức Cường"),
        "present_count": 4,
        "absent_count": 1,
        "absent_note": "Vũ Minh Đức (nghỉ phép)",
        "agenda": ("Từng người trình bày báo cáo tự đánh giá", "Thảo luận, nhận xét", "Biểu quyết mức xếp loại"),
        "reviews": (
            PersonReview(
                person_name="Nguyễn Thị Hương",
                position="Chuyên viên chính",
                presentation="Hoàn thành 100% nhiệm vụ, 60% vượt tiến độ.",
                comments="Các thành viên nhất trí với báo cáo tự đánh giá.",
                proposed_level=Level.EXCELLENT,
                votes=Votes(in_favour=3, against=1, abstaining=0),
            ),
            PersonReview(
                person_name="Đỗ Đức Cường",
                position="Chuyên viên",
                presentation="Hoàn thành nhiệm vụ được giao.",
                comments="Cần chủ động hơn trong tham mưu.",
                proposed_level=Level.GOOD,
            ),
        ),
        "adoption": "Biên bản được thông qua tại cuộc họp với 4/4 người dự họp nhất trí.",
        "start_time": datetime.time(8, 30),
        "end_time": datetime.time(11, 15),
    }
    values.update(changes)
    return MeetingMinutesData(**values)


def summary_rows(count: int) -> list[UnitSummaryRow]:
    levels = (Level.EXCELLENT, Level.GOOD, Level.GOOD, Level.COMPLETE, None)
    return [
        UnitSummaryRow(
            person_name=f"Nguyễn Thị Hương {number}",
            unit="Vụ Pháp luật hình sự - hành chính",
            position="Chuyên viên",
            category=Category.CONG_CHUC,
            score=Decimal("92.50") - number,
            proposed_level=levels[number % 5],
            result_level=levels[number % 5],
            note="Nghỉ thai sản 4 tháng" if number == 0 else "",
        )
        for number in range(count)
    ]
