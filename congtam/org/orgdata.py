"""The organisation as plain data: what the workbook import reads, what the demo generator
builds, and what the export writes. Sheet and column names are the workbook's, exactly."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from congtam.core.spreadsheets import ImportIssue

SHEET_AGENCIES = "Cơ quan"
SHEET_UNITS = "Đơn vị"
SHEET_POSITIONS = "Vị trí việc làm"
SHEET_PEOPLE = "Nhân sự"

AGENCY_COLUMNS = ("Mã cơ quan", "Tên cơ quan", "Mã cơ quan cấp trên", "Thủ trưởng")
# The agency of a row of the other sheets. Optional, like the sheet "Cơ quan": a workbook without
# them holds one agency.
AGENCY_CODE = AGENCY_COLUMNS[0]
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
class AgencyRow:
    code: str
    name: str
    parent_code: str = ""
    head_code: str = ""  # the staff code of the head of the agency's top unit, to check it
    row: int = 0


@dataclass(slots=True)
class UnitRow:
    code: str
    name: str
    parent_code: str = ""
    row: int = 0  # the row number as Excel shows it (0 when not from a workbook)
    agency_code: str = ""


@dataclass(slots=True)
class PositionRow:
    code: str
    title: str
    rank: str = ""
    is_leadership: bool = False
    duties: str = ""
    standards: str = ""
    row: int = 0
    agency_code: str = ""


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
    agency_code: str = ""


@dataclass(slots=True)
class OrgData:
    # Empty: the data holds one agency (the installation's top one, or one made from the top unit
    # in an empty system), and the rows' agency codes may be left blank.
    agencies: list[AgencyRow] = field(default_factory=list)
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
    agencies: KindCounts = field(default_factory=KindCounts)
    units: KindCounts = field(default_factory=KindCounts)
    positions: KindCounts = field(default_factory=KindCounts)
    people: KindCounts = field(default_factory=KindCounts)
    # (staff code, full name) of active people in the system but not in the file: reported,
    # never deleted.
    missing_people: list[tuple[str, str]] = field(default_factory=list)
    # (code, name) of agencies in the system but not in the file's sheet "Cơ quan" (when it has
    # one): reported, never deleted.
    missing_agencies: list[tuple[str, str]] = field(default_factory=list)

    def add_counts(self, other: ImportReport) -> None:
        for kind in ("agencies", "units", "positions", "people"):
            mine, theirs = getattr(self, kind), getattr(other, kind)
            mine.created += theirs.created
            mine.updated += theirs.updated
            mine.unchanged += theirs.unchanged

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        parts = []
        if self.agencies.created or self.agencies.updated or self.agencies.unchanged:
            parts.append(
                _("agencies: %(created)d new, %(updated)d changed, %(unchanged)d unchanged") % _counts(self.agencies)
            )
        parts += [
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
        if self.missing_agencies:
            text += " " + ngettext(
                "%(count)d agency in the system is not in the file (not deleted).",
                "%(count)d agencies in the system are not in the file (not deleted).",
                len(self.missing_agencies),
            ) % {"count": len(self.missing_agencies)}
        return text


def _counts(counts: KindCounts) -> dict:
    return {"created": counts.created, "updated": counts.updated, "unchanged": counts.unchanged}
