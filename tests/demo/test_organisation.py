"""The demo agency: deterministic, realistic, loaded through the import, with a login per role."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import Client, RequestFactory
from django.urls import reverse

from congtam.accounts.models import Role, User
from congtam.audit.models import AuditEntry
from congtam.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, plan_logins
from congtam.demo.organisation import AGENCY_AUTHORITY, DIVISION_MAX, DIVISION_MIN, REFERENCE_DATE, generate_org
from congtam.org.authority import derive_all
from congtam.org.models import Agency, Person, Unit, UnitRole


def _years(since: date, until: date) -> int:
    return until.year - since.year - ((until.month, until.day) < (since.month, since.day))


@pytest.fixture(scope="module")
def agency_2000():
    return generate_org(size=2000, seed=11)


# --- the generator (pure) ------------------------------------------------------------------------
def test_same_seed_gives_the_same_agency_and_another_seed_another():
    first, again, other = generate_org(seed=5), generate_org(seed=5), generate_org(seed=6)
    assert first == again
    assert [person.full_name for person in first.people] != [person.full_name for person in other.people]


def test_the_agency_does_not_depend_on_the_process_hash_seed():
    # Another interpreter with another string-hash seed must build the very same agency.
    script = (
        "import hashlib; from congtam.demo.organisation import generate_org; "
        "print(hashlib.sha256(repr(generate_org(size=300, seed=5)).encode()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parents[2],
        ).stdout.strip()
        for hash_seed in ("1", "2")
    }
    assert digests == {hashlib.sha256(repr(generate_org(size=300, seed=5)).encode()).hexdigest()}


@pytest.mark.parametrize("size", [100, 300, 1000, 25_000, 100_000])
def test_any_size_gives_exactly_that_many_people_in_divisions_of_ten_to_sixty(size):
    data = generate_org(size=size, seed=3)
    assert len(data.people) == size
    per_unit = Counter(person.unit_code for person in data.people)
    parents = {unit.parent_code for unit in data.units}
    leaves = [unit.code for unit in data.units if unit.code not in parents]
    assert leaves and all(DIVISION_MIN <= per_unit[code] <= DIVISION_MAX for code in leaves), sorted(
        per_unit[code] for code in leaves
    )
    assert len({unit.code for unit in data.units}) == len(data.units)


def test_every_unit_has_exactly_one_head_and_the_top_unit_its_deputies(agency_2000):
    heads = Counter(person.unit_code for person in agency_2000.people if person.unit_role == UnitRole.HEAD)
    assert all(heads[unit.code] == 1 for unit in agency_2000.units)
    top = agency_2000.units[0]
    assert (top.name, top.parent_code) == ("Văn phòng Quốc hội", "")
    leaders = {
        (person.unit_role, person.position_code) for person in agency_2000.people if person.unit_code == top.code
    }
    assert leaders == {("head", "LD-CN"), ("deputy", "LD-PCN")}


def test_the_departments_of_the_national_assembly_office_are_there():
    names = {unit.name for unit in generate_org().units}
    for name in (
        "Vụ Pháp luật",
        "Vụ Thông tin",
        "Vụ Tổ chức cán bộ",
        "Vụ Hành chính",
        "Vụ Tài chính – Ngân sách",
        "Trung tâm Tin học",
        "Phòng Luật Hành chính",
    ):
        assert name in names


def test_names_are_vietnamese_with_realistic_frequencies(agency_2000):
    people = agency_2000.people
    families = Counter(person.full_name.split()[0] for person in people)
    assert families.most_common(1)[0][0] == "Nguyễn"
    assert 0.28 <= families["Nguyễn"] / len(people) <= 0.45
    women = [person for person in people if person.gender == "female"]
    assert 0.40 <= len(women) / len(people) <= 0.60
    middle_of_women = Counter(person.full_name.split()[1] for person in women)
    assert middle_of_women.most_common(1)[0][0] == "Thị"
    men = [person for person in people if person.gender == "male"]
    assert not any(person.full_name.split()[1] == "Thị" for person in men)
    assert all(2 <= len(person.full_name.split()) <= 5 for person in people)


def test_categories_ethnicities_and_positions_are_a_realistic_mix(agency_2000):
    people = agency_2000.people
    categories = Counter(person.category for person in people)
    assert categories["cong_chuc"] / len(people) > 0.7
    assert 0 < categories["can_bo"] <= 10 and categories["vien_chuc"] > 0 and categories["hop_dong"] > 0
    centres = {"TTTH", "TTBD", "TTTV"}
    assert all(person.unit_code.split("-")[0] in centres for person in people if person.category == "vien_chuc")
    assert all(person.unit_code == "VPQH" for person in people if person.category == "can_bo")
    ethnicities = Counter(person.ethnicity for person in people)
    assert 0.8 <= ethnicities["Kinh"] / len(people) <= 0.95
    assert len(ethnicities) >= 5
    positions = {position.code: position for position in agency_2000.positions}
    assert all(person.position_code in positions for person in people)
    for person in people:
        leader = person.unit_role in (UnitRole.HEAD, UnitRole.DEPUTY)
        assert positions[person.position_code].is_leadership == leader, person
    ranks = {position.rank for position in agency_2000.positions}
    assert {"Chuyên viên cao cấp", "Chuyên viên chính", "Chuyên viên", "Cán sự", "Kế toán viên"} <= ranks
    assert all(position.duties and position.standards for position in agency_2000.positions)


def test_ages_and_start_dates_are_consistent(agency_2000):
    for person in agency_2000.people:
        assert 23 <= _years(person.birth_date, REFERENCE_DATE) <= 60, person
        assert _years(person.birth_date, person.start_date) >= 18, person
        assert person.start_date <= REFERENCE_DATE


def test_e_mails_and_staff_codes_are_unique(agency_2000):
    people = agency_2000.people
    assert len({person.email for person in people}) == len(people)
    assert len({person.staff_code for person in people}) == len(people)
    assert all(person.email.endswith("@quochoi.vn") and person.email.isascii() for person in people)


def test_logins_go_to_suitable_staff_records():
    data = generate_org()
    people = {person.staff_code: person for person in data.people}
    positions = {position.code: position for position in data.positions}
    logins = {login.role: login for login in plan_logins(data)}
    assert set(logins) == set(Role.values)
    staff = people[logins["staff"].staff_code]
    manager = people[logins["manager"].staff_code]
    assert positions[staff.position_code].rank == "Chuyên viên"
    assert (manager.unit_code, manager.unit_role, manager.position_code) == (staff.unit_code, "head", "LD-TP")
    assert people[logins["unit_head"].staff_code].position_code == "LD-VT"
    assert people[logins["hr"].staff_code].unit_code.startswith("TCCB-")
    assert people[logins["leadership"].staff_code].position_code == "LD-PCN"
    assert logins["inspector"].staff_code and logins["inspector"].staff_code != logins["hr"].staff_code
    assert logins["admin"].staff_code == ""


# --- the command ---------------------------------------------------------------------------------
def _demo(*args) -> str:
    """The organisation's demo alone (the monitoring year has its own tests)."""
    out = io.StringIO()
    call_command("demo", *args, "--year", "no", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_demo_loads_an_agency_where_everyone_has_a_valid_evaluator_and_approver():
    output = _demo()
    agency = Agency.objects.get()
    assert agency.external_authority == AGENCY_AUTHORITY
    assert Person.objects.count() == 300
    for unit in Unit.objects.all():
        assert Person.objects.filter(unit=unit, unit_role=UnitRole.HEAD, is_active=True).count() == 1, unit
    found = list(derive_all())
    assert len(found) == 300
    assert [result for result in found if not result.is_valid] == []
    for _role, username, _who in DEMO_ACCOUNTS:
        assert username in output
    assert DEMO_PASSWORD in output


@pytest.mark.django_db
def test_each_demo_login_can_sign_in_with_its_role():
    _demo()
    request = RequestFactory().post("/login/")
    for role, username, _who in DEMO_ACCOUNTS:
        user = authenticate(request=request, username=username, password=DEMO_PASSWORD)
        assert user is not None, username
        assert user.role == role
        assert (user.person is None) == (role == Role.ADMIN)
    admin = User.objects.get(username="quantri")
    assert admin.is_superuser and admin.is_staff
    client = Client()
    response = client.post(reverse("login"), {"username": "nhanvien", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("org:unit_tree")).status_code == 200


@pytest.mark.django_db
def test_if_empty_leaves_an_existing_agency_alone_and_prints_the_logins():
    _demo()
    counts = (Person.objects.count(), Unit.objects.count(), User.objects.count(), AuditEntry.objects.count())
    output = _demo("--if-empty", "--size", "500")
    assert (Person.objects.count(), Unit.objects.count(), User.objects.count(), AuditEntry.objects.count()) == counts
    for _role, username, _who in DEMO_ACCOUNTS:
        assert username in output


@pytest.mark.django_db
def test_without_if_empty_the_demo_refuses_to_load_over_existing_data():
    _demo()
    with pytest.raises(CommandError, match="Văn phòng Quốc hội"):
        _demo()
    assert Agency.objects.count() == 1 and Person.objects.count() == 300


@pytest.mark.django_db
def test_demo_of_a_thousand_people_with_a_seed():
    _demo("--size", "1000", "--seed", "42")
    assert Person.objects.count() == 1000
    expected = generate_org(size=1000, seed=42)
    stored = dict(Person.objects.values_list("staff_code", "full_name"))
    assert stored == {person.staff_code: person.full_name for person in expected.people}
    assert all(result.is_valid for result in derive_all())


@pytest.mark.django_db
def test_a_size_below_the_minimum_is_refused():
    with pytest.raises(CommandError):
        _demo("--size", "10")
    assert not Agency.objects.exists()
