"""The official wording of the year-end forms (Decree 90/2020, amended by Decree 48/2023, appendix).

The forms are legal documents whose text the decree fixes in Vietnamese, so this wording is kept
verbatim here rather than translated: a user working in English still files the Vietnamese form.
RULES.md §3.4 leaves the exact titles and fields to confirm; this module is the one place to change.
"""

from __future__ import annotations

import datetime

from congtam.scoring.levels import level_name

from .data import Category, EvaluationFormData, MeetingMinutesData, Signature

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
SIGN_HINT = "(Ký, ghi rõ họ tên)"
DOTS = "." * 100

FORM_NUMBER = {Category.CAN_BO: "Mẫu số 01", Category.CONG_CHUC: "Mẫu số 02", Category.VIEN_CHUC: "Mẫu số 03"}
CATEGORY_WORD = {Category.CAN_BO: "CÁN BỘ", Category.CONG_CHUC: "CÔNG CHỨC", Category.VIEN_CHUC: "VIÊN CHỨC"}
RANK_LABEL = {Category.CONG_CHUC: "Ngạch công chức", Category.VIEN_CHUC: "Chức danh nghề nghiệp"}
LEVEL_CHOICES = (
    "(Hoàn thành xuất sắc nhiệm vụ; hoàn thành tốt nhiệm vụ; hoàn thành nhiệm vụ; không hoàn thành nhiệm vụ)"
)

_SHARED_CRITERIA = (
    ("political_ideology", "Chính trị tư tưởng"),
    ("ethics_and_lifestyle", "Đạo đức, lối sống"),
    ("working_style", "Tác phong, lề lối làm việc"),
    ("discipline", "Ý thức tổ chức kỷ luật"),
)
_TASK_RESULTS = {
    Category.CAN_BO: "Kết quả thực hiện chức trách, nhiệm vụ được giao",
    Category.CONG_CHUC: "Kết quả thực hiện chức trách, nhiệm vụ được giao",
    Category.VIEN_CHUC: "Kết quả thực hiện nhiệm vụ theo hợp đồng làm việc đã ký kết",
}
_SERVICE_ATTITUDE = (
    "Thái độ phục vụ nhân dân, doanh nghiệp (đối với những vị trí tiếp xúc trực tiếp hoặc trực tiếp "
    "giải quyết công việc của người dân và doanh nghiệp)"
)
_LEADER_PART = {
    Category.CAN_BO: "",  # every cán bộ holds an elected or appointed leading post
    Category.CONG_CHUC: "PHẦN DÀNH RIÊNG CHO CÔNG CHỨC LÀ LÃNH ĐẠO, QUẢN LÝ",
    Category.VIEN_CHUC: "PHẦN DÀNH RIÊNG CHO VIÊN CHỨC QUẢN LÝ",
}
_LEADER_CRITERIA = (
    ("unit_results", "Kết quả hoạt động của cơ quan, tổ chức, đơn vị được giao lãnh đạo, quản lý, phụ trách"),
    ("leadership_capacity", "Năng lực lãnh đạo, quản lý"),
    ("unity_capacity", "Năng lực tập hợp, đoàn kết"),
)


def vietnamese_date_line(place: str, date: datetime.date | None) -> str:
    """'Hà Nội, ngày 05 tháng 12 năm 2025', or the blank the form prints to fill by hand."""
    place = place or "........."
    if date is None:
        return f"{place}, ngày ..... tháng ..... năm ......."
    return f"{place}, ngày {date:%d} tháng {date:%m} năm {date.year}"


def _text(value: str) -> str:
    return value.strip() or DOTS


def _signature(signature: Signature, default_name: str = "") -> dict:
    return {
        "date_line": vietnamese_date_line(signature.place, signature.date),
        "title": signature.title.upper(),
        "hint": SIGN_HINT,
        "name": signature.name or default_name,
    }


def _criteria(data: EvaluationFormData) -> tuple[list[dict], str, list[dict]]:
    """The numbered criteria of section I, then the leaders' part and its criteria."""
    assessment = data.self_assessment
    rows = [(label, getattr(assessment, attr)) for attr, label in _SHARED_CRITERIA]
    rows.append((_TASK_RESULTS[data.category], assessment.task_results))
    if data.category is not Category.CAN_BO:
        rows.append((_SERVICE_ATTITUDE, assessment.service_attitude))
    shared = [{"number": n, "heading": label, "text": _text(text)} for n, (label, text) in enumerate(rows, 1)]
    leader = []
    if data.is_leader or data.category is Category.CAN_BO:
        leader = [
            {"number": n, "heading": label, "text": _text(getattr(assessment, attr))}
            for n, (attr, label) in enumerate(_LEADER_CRITERIA, len(shared) + 1)
        ]
    return shared, _LEADER_PART[data.category] if leader else "", leader


def evaluation_form_context(data: EvaluationFormData) -> dict:
    """Everything the DOCX and the PDF template print, in the order of the form."""
    category = data.category
    identity = [("Họ và tên", data.person_name), ("Chức vụ, chức danh", data.position)]
    identity.append(("Cơ quan, tổ chức, đơn vị công tác", f"{data.unit}, {data.agency}" if data.unit else data.agency))
    if category in RANK_LABEL:
        identity.append((RANK_LABEL[category], data.rank))
    if data.score is not None:
        identity.append(("Điểm bình quân năm", f"{data.score:.2f}".replace(".", ",")))
    shared, leader_part, leader = _criteria(data)
    manager = data.manager_signature
    return {
        "nation": NATION,
        "motto": MOTTO,
        "agency": data.agency.upper(),
        "unit": data.unit,
        "form_number": FORM_NUMBER[category],
        "title": f"PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG {CATEGORY_WORD[category]}",
        "year_line": f"Năm {data.year}",
        "identity": [{"label": label, "value": value or "........."} for label, value in identity],
        "criteria": shared,
        "leader_part": leader_part,
        "leader_criteria": leader,
        "strengths_and_weaknesses": _text(data.self_assessment.strengths_and_weaknesses),
        "proposed_level": data.proposed_level_name or LEVEL_CHOICES,
        "person_signature": _signature(data.person_signature, data.person_name),
        "has_manager": manager is not None,
        "manager_heading": "III. NHẬN XÉT, ĐÁNH GIÁ CỦA NGƯỜI QUẢN LÝ TRỰC TIẾP",
        "manager_comments": _text(data.manager_comments),
        "manager_signature": _signature(manager) if manager else None,
        "result_heading": (
            f"{'IV' if manager else 'III'}. KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG {CATEGORY_WORD[category]} "
            "(Phần dành cho cấp có thẩm quyền đánh giá)"
        ),
        "authority_comments": _text(data.authority_comments),
        "result_level": data.result_level_name or LEVEL_CHOICES,
        "authority_signature": _signature(data.authority_signature),
    }


def _time(value: datetime.time | None) -> str:
    return f"{value:%H} giờ {value:%M}" if value else "..... giờ ....."


def meeting_minutes_context(data: MeetingMinutesData) -> dict:
    reviews = []
    for number, review in enumerate(data.reviews, 1):
        votes = review.votes
        reviews.append(
            {
                "number": number,
                "person_name": review.person_name,
                "position": review.position,
                "presentation": _text(review.presentation),
                "comments": _text(review.comments),
                "proposed_level": level_name(review.proposed_level) if review.proposed_level else "",
                "votes": (
                    f"{votes.in_favour} tán thành, {votes.against} không tán thành, {votes.abstaining} không biểu quyết"
                )
                if votes is not None
                else "",
                "party_committee_opinion": _text(review.party_committee_opinion),
            }
        )
    return {
        "nation": NATION,
        "motto": MOTTO,
        "agency": data.agency.upper(),
        "unit": data.unit.upper(),
        "date_line": vietnamese_date_line(data.place, data.date),
        "title": "BIÊN BẢN",
        "subtitle": f"Họp đánh giá, xếp loại chất lượng năm {data.year}",
        "opening": (
            f"Hôm nay, vào lúc {_time(data.start_time)}, ngày {data.date:%d/%m/%Y}, "
            f"tại {data.place or '.........'}, {data.unit} tổ chức họp đánh giá, xếp loại chất lượng "
            f"năm {data.year}."
        ),
        "chair": data.chair,
        "secretary": data.secretary,
        "attendance": f"Có mặt: {data.present_count} người; vắng mặt: {data.absent_count} người.",
        "absent_note": data.absent_note,
        "attendees": list(data.attendees),
        "agenda": list(data.agenda),
        "reviews": reviews,
        "adoption": data.adoption,
        "closing": f"Cuộc họp kết thúc vào lúc {_time(data.end_time)} cùng ngày.",
        "chair_signature": {"title": data.chair_title, "hint": SIGN_HINT, "name": data.chair},
        "secretary_signature": {"title": data.secretary_title, "hint": SIGN_HINT, "name": data.secretary},
    }
