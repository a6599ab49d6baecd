"""The demo logins: one per role, each given the staff record of a suitable person of the
generated agency (the technical administrator has none), all with the same password."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from congtam.demo.organisation import AGENCY_CODE
from congtam.org.orgdata import OrgData, PersonRow

DEMO_PASSWORD = "congtam-demo-2026"


@dataclass(frozen=True, slots=True)
class DemoLogin:
    role: str
    username: str
    staff_code: str = ""  # empty for the technical administrator


# Role, username and a description of whom the login belongs to (for the table printed).
DEMO_ACCOUNTS = (
    ("staff", "nhanvien", gettext_lazy("a chuyên viên of a division of Vụ Pháp luật")),
    ("manager", "truongphong", gettext_lazy("the Trưởng phòng of that division")),
    ("unit_head", "vutruong", gettext_lazy("the Vụ trưởng of Vụ Pháp luật")),
    ("hr", "tccb", gettext_lazy("a civil servant of Vụ Tổ chức cán bộ")),
    ("leadership", "lanhdao", gettext_lazy("a Phó Chủ nhiệm")),
    ("inspector", "thanhtra", gettext_lazy("a civil servant of the internal inspection division")),
    ("admin", "quantri", gettext_lazy("technical administrator, no staff record")),
)


def plan_logins(data: OrgData) -> list[DemoLogin]:
    """Whose staff record each demo login belongs to, chosen from the generated agency."""
    by_unit: dict[str, list[PersonRow]] = {}
    for person in data.people:
        by_unit.setdefault(person.unit_code, []).append(person)
    ranks = {position.code: position.rank for position in data.positions}

    def head(unit_code: str) -> PersonRow:
        return next(person for person in by_unit[unit_code] if person.unit_role == "head")

    def civil_servants(unit_code: str, rank: str | None = None) -> list[PersonRow]:
        found = [
            person
            for person in by_unit.get(unit_code, [])
            if person.unit_role == "member" and person.category == "cong_chuc"
        ]
        if rank:
            found = [person for person in found if ranks.get(person.position_code) == rank] or found
        return found

    staff = civil_servants("VPL-P01", "Chuyên viên")[0]
    hr_people = civil_servants("TCCB-P01")
    hr = hr_people[0]
    inspectors = civil_servants("TCCB-P02") or hr_people[1:]
    deputy = next(person for person in by_unit[AGENCY_CODE] if person.unit_role == "deputy")
    chosen = {
        "staff": staff.staff_code,
        "manager": head("VPL-P01").staff_code,
        "unit_head": head("VPL").staff_code,
        "hr": hr.staff_code,
        "leadership": deputy.staff_code,
        "inspector": inspectors[0].staff_code,
        "admin": "",
    }
    return [DemoLogin(role=role, username=username, staff_code=chosen[role]) for role, username, _ in DEMO_ACCOUNTS]
