"""The organisation's pages cost the same number of queries with few and with many people."""

import pytest
from django.urls import reverse

from congtam.accounts.models import Role
from congtam.org import services
from congtam.org.models import UnitRole

pytestmark = pytest.mark.django_db


def _grow(world, count):
    """Add ``count`` people, a sub-unit with a head, and a transfer, through the services."""
    extra = services.unit_create(
        actor=None, agency=world.agency, code="VPL-P2", name="Phòng Luật Kinh tế", parent=world.units["VPL"]
    )
    services.person_create(
        actor=None, staff_code="H1", full_name="Vũ Hải Hà", category="cong_chuc", unit=extra, unit_role=UnitRole.HEAD
    )
    for index in range(count):
        services.person_create(
            actor=None,
            staff_code=f"G{index:04d}",
            full_name=f"Nguyễn Văn An {index}",
            category="cong_chuc",
            unit=world.units["VPL-P1"],
            position=world.positions["CV"],
        )


def _queries(client, count_queries, url):
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter


@pytest.mark.parametrize(
    ("role", "url_name", "kwargs", "params"),
    [
        (Role.STAFF, "org:unit_tree", {}, ""),
        (Role.STAFF, "org:unit_detail", {"code": "VPL-P1"}, ""),
        (Role.STAFF, "org:unit_detail", {"code": "VPL"}, ""),
        (Role.STAFF, "org:person_search", {}, "?q=nguyen+van+an"),
        (Role.MANAGER, "org:person_detail", {"staff_code": "NV021"}, ""),
        (Role.HR, "org:person_detail", {"staff_code": "NV021"}, ""),
        (Role.HR, "org:authority_problems", {}, ""),
        (Role.INSPECTOR, "audit:log", {}, ""),
    ],
)
def test_page_query_count_does_not_grow(client_as, world, count_queries, role, url_name, kwargs, params):
    client = client_as(role)
    url = reverse(url_name, kwargs=kwargs) + params
    few = _queries(client, count_queries, url)
    _grow(world, 120)
    many = _queries(client, count_queries, url)
    assert len(few.captured_queries) == len(many.captured_queries), (
        f"{len(few.captured_queries)} queries with few people, {len(many.captured_queries)} with many:\n"
        + many.report()
    )


def test_unit_page_lists_people_in_vietnamese_order_paginated(client_as, world):
    for index, name in enumerate(["Trần Văn Ân", "Lê Thị Ăn", "Phạm Đức Anh", "Hồ Bá Ánh"]):
        services.person_create(
            actor=None, staff_code=f"S{index}", full_name=name, category="cong_chuc", unit=world.units["VPL-P1"]
        )
    response = client_as(Role.STAFF).get(reverse("org:unit_detail", kwargs={"code": "VPL-P1"}))
    names = [person.full_name for person in response.context["page"]]
    # Letters first (An < Anh = Ánh < Ăn < Ân), tones only between "Anh" and "Ánh".
    assert names == [
        "Nguyễn Văn An",
        "Phạm Đức Anh",
        "Hồ Bá Ánh",
        "Lê Thị Ăn",
        "Trần Văn Ân",
        "Đặng Thị Bình",
        "Trịnh Văn Sơn",
    ]


def test_unit_page_paginates_by_fifty(client_as, world):
    _grow(world, 60)
    client = client_as(Role.STAFF)
    first = client.get(reverse("org:unit_detail", kwargs={"code": "VPL-P1"}))
    assert len(first.context["page"]) == 50
    assert first.context["page"].paginator.count == 63
    second = client.get(reverse("org:unit_detail", kwargs={"code": "VPL-P1"}) + "?page=2")
    assert len(second.context["page"]) == 13


@pytest.mark.parametrize("query", ["nguyen van an", "Nguyen Van An", "NGUYỄN VĂN AN", "  nguyễn   văn an "])
def test_search_with_or_without_diacritics(client_as, world, query):
    response = client_as(Role.STAFF).get(reverse("org:person_search"), {"q": query})
    assert [person.staff_code for person in response.context["page"]] == ["NV021"]


def test_search_dang_finds_dang_with_stroke(client_as, world):
    response = client_as(Role.STAFF).get(reverse("org:person_search"), {"q": "dang"})
    assert [person.full_name for person in response.context["page"]] == ["Đặng Thị Bình"]


def test_search_matches_word_starts_only(client_as, world):
    # "an" starts "An" and "Ánh", but is inside no other word's start ("Lan", "Quang" do not match).
    response = client_as(Role.STAFF).get(reverse("org:person_search"), {"q": "an"})
    assert sorted(person.full_name for person in response.context["page"]) == ["Nguyễn Văn An", "Ngô Thị Ánh"]


def test_search_by_staff_code(client_as, world):
    response = client_as(Role.STAFF).get(reverse("org:person_search"), {"q": "nv022"})
    assert [person.full_name for person in response.context["page"]] == ["Đặng Thị Bình"]


def test_search_htmx_returns_the_fragment(client_as, world):
    response = client_as(Role.STAFF).get(reverse("org:person_search"), {"q": "binh"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in response.content
    assert "Đặng Thị Bình" in response.content.decode()


def test_person_page_shows_position_history_and_authorities(client_as, world):
    from datetime import date

    an = world.people["an"]
    services.person_transfer(
        actor=None,
        person=an,
        expected_version=an.version,
        unit=world.units["TCCB"],
        on=date(2026, 3, 1),
        reason="Quyết định điều động số 5/QĐ",
    )
    response = client_as(Role.STAFF).get(reverse("org:person_detail", kwargs={"staff_code": "NV021"}))
    content = response.content.decode()
    assert "Chuyên viên pháp luật" in content
    assert "Quyết định điều động số 5/QĐ" in content
    assert "01/03/2026" in content
    view = response.context["view"]
    assert [posting.unit.code for posting in view.postings] == ["TCCB", "VPL-P1"]
    assert view.authorities.evaluator.person_id == world.people["vu_truong_tccb"].pk
    assert "Lê Văn Cường" in content


def test_search_follows_renames_and_ignores_wildcards(client_as, world):
    binh = world.people["binh"]
    services.person_update(actor=None, person=binh, expected_version=binh.version, full_name="Đặng Thị Thu-Hà")
    client = client_as(Role.STAFF)
    found = [person.staff_code for person in client.get(reverse("org:person_search"), {"q": "thu ha"}).context["page"]]
    assert found == ["NV022"]
    assert list(client.get(reverse("org:person_search"), {"q": "binh"}).context["page"]) == []
    for wildcard in ("%", "_", "%%"):
        assert list(client.get(reverse("org:person_search"), {"q": wildcard}).context["page"]) == []


def test_a_single_letter_asks_for_more_but_a_staff_code_still_works(client_as, world):
    client = client_as(Role.STAFF)
    response = client.get(reverse("org:person_search"), {"q": "a"})
    assert list(response.context["page"]) == []
    assert "ít nhất hai chữ cái" in response.content.decode()
    assert [p.staff_code for p in client.get(reverse("org:person_search"), {"q": "NV021"}).context["page"]] == ["NV021"]
