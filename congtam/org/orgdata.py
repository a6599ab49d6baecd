"""The organisation as plain data: what the workbook import reads, what the demo generator
builds, and what the export writes. Sheet and column names are the workbook's, exactly."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from congtam.core.spreadsheets import ImportIssue

SHEET_UNITS = "Đơn vị"
SHEET_POSITIONS = "Vị trí việc làm"
SHEET_PEOPLE = "Nhân sự"

UNIT_COLUMNS = ("Mã đơn vị", "Tên đơn vị", "Mã đơn vị cấp trên")
POSITION_COLUMNS = ("Mã vị trí", "Tên vị trí", "Ngạch", "Là vị trí lãnh đạo", "Nhiệm vụ", "Tiêu chuẩn chuyên môn")
PEOPLE_COLUMNS = (
    "Mã nhân sự",
    "Họ và tên",
    "Giới tính",
    "Ngày sinh",
    "Dân tộc",
    "Mã đơn vị",
    "Mã vị trí",
    "Loại",
    "Ngày bắt đầu",
    "Email",
    "Chức vụ",
)

# Workbook words <-> model values.
GENDER_WORDS = {"Nam": "male", "Nữ": "female"}
CATEGORY_WORDS = {
    "Cán bộ": "can_bo",
    "Công chức": "cong_chuc",
    "Viên chức": "vien_chuc",
    "Hợp đồng lao động": "hop_dong",
}
UNIT_ROLE_WORDS = {"Trưởng": "head", "Phó": "deputy", "": "member"}


@dataclass(slots=True)
class UnitRow:
    code: str
    name: str
    parent_code: str = ""
    row: int = 0  # the row number as Excel shows it (0 when not from a workbook)


@dataclass(slots=True)
class PositionRow:
    code: str
    title: str
    rank: str = ""
    is_leadership: bool = False
    duties: str = ""
    standards: str = ""
    row: int = 0


@dataclass(slots=True)
class PersonRow:
    staff_code: str
    full_name: str
    unit_code: str
    category: str  # a Category value
    gender: str = ""  # a Gender value or ""
    birth_date: date | None = None
    ethnicity: str = ""
    position_code: str = ""
    start_date: date | None = None
    email: str = ""
    unit_role: str = "member"  # a UnitRole value
    row: int = 0


@dataclass(slots=True)
class OrgData:
    units: list[UnitRow] = field(default_factory=list)
    positions: list[PositionRow] = field(default_factory=list)
    people: list[PersonRow] = field(default_factory=list)


@dataclass(slots=True)
class KindCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(slots=True)
class ImportReport:
    errors: list[ImportIssue] = field(default_factory=list)
    units: KindCounts = field(default_factory=KindCounts)
    positions: KindCounts = field(default_factory=KindCounts)
    people: KindCounts = field(default_factory=KindCounts)
    # (staff code, full name) of active people in the system but not in the file: reported,
    # never deleted.
    missing_people: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        parts = [
            _("units: %(created)d new, %(updated)d changed, %(unchanged)d unchanged") % _counts(self.units),
            _("positions: %(created)d new, %(updated)d changed, %(unchanged)d unchanged") % _counts(self.positions),
            _("people: %(created)d new, %(updated)d changed, %(unchanged)d unchanged") % _counts(self.people),
        ]
        text = "; ".join(parts) + "."
        if self.missing_people:
            text += " " + ngettext(
                "%(count)d person in the system is not in the file (not deleted).",
                "%(count)d people in the system are not in the file (not deleted).",
                len(self.missing_people),
            ) % {"count": len(self.missing_people)}
        return text


def _counts(counts: KindCounts) -> dict:
    return {"created": counts.created, "updated": counts.updated, "unchanged": counts.unchanged}
