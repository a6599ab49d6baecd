"""The canonical test agency: a small National Assembly Office with named people, built through
the real services (never by writing rows directly), and a login for every role.

    Văn phòng Quốc hội (VPQH)                 head: Vương Đình Hải Chủ nhiệm (chu_nhiem)
    │                                          deputy: Bùi Văn Cường (pho_chu_nhiem, leadership)
    ├── Vụ Pháp luật (VPL)                     head: Hoàng Thị Lan (vu_truong, unit head)
    │   │                                      deputy: Đỗ Quang Minh (pho_vu_truong)
    │   └── Phòng Luật Hành chính (VPL-P1)     head: Trịnh Văn Sơn (truong_phong, manager)
    │                                          members: Nguyễn Văn An (an, staff), Đặng Thị Bình (binh)
    ├── Vụ Tổ chức cán bộ (TCCB)               head: Lê Văn Cường (vu_truong_tccb)
    │                                          members: Trần Thị Hoa (hoa, HR), Phạm Minh Đức (duc, inspector)
    └── Vụ Thông tin (VTT)                     head: vacant; member: Ngô Thị Ánh (anh)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from congtam.accounts.models import Role, User
from congtam.org import services
from congtam.org.models import Agency, Category, Gender, Person, Position, Unit, UnitRole

PASSWORD = "mat-khau-thu-nghiem-2026"


@dataclass
class CanonicalAgency:
    agency: Agency
    units: dict[str, Unit] = field(default_factory=dict)
    positions: dict[str, Position] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    def refresh(self) -> CanonicalAgency:
        for person in self.people.values():
            person.refresh_from_db()
        return self


def make_user(username: str, *, role: str, person: Person | None = None) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, role=role, person=person)
    if role in (Role.ADMIN,):
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    elif role == Role.HR:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return user


def build_canonical_agency() -> CanonicalAgency:
    agency = services.agency_create(
        actor=None, code="VPQH", name="Văn phòng Quốc hội", external_authority="Ủy ban Thường vụ Quốc hội"
    )
    world = CanonicalAgency(agency=agency)
    unit = world.units
    unit["VPQH"] = services.unit_create(actor=None, agency=agency, code="VPQH", name="Văn phòng Quốc hội")
    unit["VPL"] = services.unit_create(actor=None, agency=agency, code="VPL", name="Vụ Pháp luật", parent=unit["VPQH"])
    unit["VPL-P1"] = services.unit_create(
        actor=None, agency=agency, code="VPL-P1", name="Phòng Luật Hành chính", parent=unit["VPL"]
    )
    unit["TCCB"] = services.unit_create(
        actor=None, agency=agency, code="TCCB", name="Vụ Tổ chức cán bộ", parent=unit["VPQH"]
    )
    unit["VTT"] = services.unit_create(actor=None, agency=agency, code="VTT", name="Vụ Thông tin", parent=unit["VPQH"])

    pos = world.positions
    pos["LD"] = services.position_create(
        actor=None,
        agency=agency,
        code="LD",
        title="Lãnh đạo",
        rank="Chuyên viên cao cấp",
        is_leadership=True,
        duties="Lãnh đạo, điều hành đơn vị",
        standards="Theo tiêu chuẩn chức danh lãnh đạo",
    )
    pos["CV"] = services.position_create(
        actor=None,
        agency=agency,
        code="CV",
        title="Chuyên viên pháp luật",
        rank="Chuyên viên",
        duties="Nghiên cứu, thẩm tra dự án luật",
        standards="Cử nhân luật trở lên",
    )
    pos["TC"] = services.position_create(
        actor=None, agency=agency, code="TC", title="Chuyên viên tổ chức", rank="Chuyên viên"
    )

    def person(key, code, name, unit_code, role=UnitRole.MEMBER, position="CV", gender=Gender.MALE, **extra):
        world.people[key] = services.person_create(
            actor=None,
            staff_code=code,
            full_name=name,
            category=extra.pop("category", Category.CONG_CHUC),
            unit=unit[unit_code],
            position=pos[position],
            unit_role=role,
            gender=gender,
            birth_date=extra.pop("birth_date", date(1985, 5, 17)),
            ethnicity=extra.pop("ethnicity", "Kinh"),
            start_date=extra.pop("start_date", date(2015, 9, 1)),
            email=f"{key}@quochoi.vn",
        )

    person("chu_nhiem", "NV001", "Vương Đình Hải", "VPQH", UnitRole.HEAD, "LD", category=Category.CAN_BO)
    person("pho_chu_nhiem", "NV002", "Bùi Văn Cường", "VPQH", UnitRole.DEPUTY, "LD")
    person("vu_truong", "NV010", "Hoàng Thị Lan", "VPL", UnitRole.HEAD, "LD", gender=Gender.FEMALE)
    person("pho_vu_truong", "NV011", "Đỗ Quang Minh", "VPL", UnitRole.DEPUTY, "LD")
    person("truong_phong", "NV020", "Trịnh Văn Sơn", "VPL-P1", UnitRole.HEAD, "LD")
    person("an", "NV021", "Nguyễn Văn An", "VPL-P1", ethnicity="Tày", birth_date=date(1990, 3, 2))
    person("binh", "NV022", "Đặng Thị Bình", "VPL-P1", gender=Gender.FEMALE)
    person("vu_truong_tccb", "NV030", "Lê Văn Cường", "TCCB", UnitRole.HEAD, "LD")
    person("hoa", "NV031", "Trần Thị Hoa", "TCCB", position="TC", gender=Gender.FEMALE)
    person("duc", "NV032", "Phạm Minh Đức", "TCCB", position="TC")
    person("anh", "NV040", "Ngô Thị Ánh", "VTT", gender=Gender.FEMALE, category=Category.VIEN_CHUC)

    people = world.people
    world.users = {
        Role.STAFF: make_user("an", role=Role.STAFF, person=people["an"]),
        Role.MANAGER: make_user("son", role=Role.MANAGER, person=people["truong_phong"]),
        Role.UNIT_HEAD: make_user("lan", role=Role.UNIT_HEAD, person=people["vu_truong"]),
        Role.HR: make_user("hoa", role=Role.HR, person=people["hoa"]),
        Role.LEADERSHIP: make_user("cuong", role=Role.LEADERSHIP, person=people["pho_chu_nhiem"]),
        Role.INSPECTOR: make_user("duc", role=Role.INSPECTOR, person=people["duc"]),
        Role.ADMIN: make_user("admin", role=Role.ADMIN),
    }
    return world
