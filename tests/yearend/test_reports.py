"""Year-end reports: the figures by level against a small set built by hand, who sees them, the
talent list, the workbook, and queries that do not grow with the number of people."""

from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse

from congtam.accounts.models import Role
from congtam.audit.models import AuditEntry
from congtam.core.permissions import Refused
from congtam.yearend import services
from congtam.yearend.models import Classification, Year, YearState
from congtam.yearend.reports import events as report_events
from congtam.yearend.reports import figures

pytestmark = pytest.mark.django_db

XS, TT, HT, KHT, KXL = "HTXSNV", "HTTNV", "HTNV", "KHTNV", "KXL"
LEADERS = {"chu_nhiem", "pho_chu_nhiem", "vu_truong", "pho_vu_truong", "truong_phong", "vu_truong_tccb"}
POLICIES = {"cong_chuc": "nd335", "vien_chuc": "nd90-vien-chuc", "can_bo": "nd90-can-bo"}


def _year(world, calendar_year, state, staff_group="cong_chuc", unit="VPQH"):
    year = services.year_open(
        actor=world.users[Role.HR],
        agency=world.agency,
        year=calendar_year,
        staff_group=staff_group,
        policy_id=POLICIES[staff_group],
        units=[world.units[unit]],
    )
    Year.objects.filter(pk=year.pk).update(state=state)  # the steps themselves are tested in test_services
    return year


def _result(world, year, key, level, *, how="approved", score=""):
    """One person's result, the level set at step ``how`` (the others left empty, or below it)."""
    person = world.people[key]
    levels = {
        "proposed_level": TT if how != "proposed" else level,
        "calibrated_level": "",
        "approved_level": "",
        "amended_level": "",
    }
    if how == "amended":
        levels["approved_level"] = TT
    if how != "proposed":
        levels[f"{how}_level"] = level
    return Classification.objects.create(
        year=year,
        person=person,
        unit=person.unit,
        group="LD" if key in LEADERS else person.position.code,
        qualified_level=levels["proposed_level"],
        score_exact=score,
        **levels,
    )


@pytest.fixture
def results(world):
    """Final results of 2023-2025 and two years that must not count (approval, calibration).

    2025, all final years together: 7 HTXSNV, 3 HTTNV, 1 KHTNV (11 people).
    """
    w = world
    y23 = _year(w, 2023, YearState.CLOSED)
    for key, level in (("vu_truong", XS), ("an", TT), ("binh", XS), ("truong_phong", XS)):
        _result(w, y23, key, level)
    y24 = _year(w, 2024, YearState.ANNOUNCED)
    for key, level in (
        ("an", XS),
        ("vu_truong", XS),
        ("binh", TT),
        ("hoa", KXL),
        ("anh", XS),
        ("pho_chu_nhiem", XS),
        ("truong_phong", XS),
    ):
        _result(w, y24, key, level, score="91.5" if key == "an" else "")
    _result(w, _year(w, 2024, YearState.CLOSED, "can_bo"), "chu_nhiem", XS)
    y25 = _year(w, 2025, YearState.CLOSED)
    _result(w, y25, "pho_chu_nhiem", XS, how="amended")  # approved HTTNV, amended after closing
    for key, level in (
        ("vu_truong", XS),
        ("pho_vu_truong", TT),
        ("truong_phong", TT),
        ("an", XS),
        ("binh", XS),
        ("vu_truong_tccb", TT),
        ("hoa", KHT),
    ):
        _result(w, y25, key, level, score="92.25" if key == "an" else "")
    _result(w, y25, "duc", XS, how="calibrated")
    _result(w, _year(w, 2025, YearState.ANNOUNCED, "vien_chuc", unit="VTT"), "anh", XS)
    _result(w, _year(w, 2025, YearState.CLOSED, "can_bo"), "chu_nhiem", XS)
    # Not final: never counted, never in the talent list.
    _result(w, _year(w, 2025, YearState.APPROVING, "vien_chuc", unit="VPL"), "an", KHT)
    y26 = _year(w, 2026, YearState.CALIBRATING)
    for key in ("duc", "hoa"):
        _result(w, y26, key, XS)
    # The agency's head has left; Đức's gender is not recorded.
    w.people["chu_nhiem"].__class__.objects.filter(pk=w.people["chu_nhiem"].pk).update(is_active=False)
    w.people["duc"].__class__.objects.filter(pk=w.people["duc"].pk).update(gender="")
    return w


def _counts(row):
    return {level: count for level, count in row.counts.items() if count}


def _by_key(rows):
    return {row.key: _counts(row) for row in rows}


def _hr(world):
    return world.users[Role.HR]


# --- the figures ---------------------------------------------------------------------------------
def test_the_level_counted_is_the_one_that_stands(results):
    rows = figures._results(figures.report_scope(_hr(results))).select_related("person")
    assert rows.count() == 23
    for row in rows:
        assert row.final == row.level


def test_the_latest_year_all_staff_groups_together(results):
    page = figures.report(viewer=_hr(results))
    assert page.years == [2025, 2024, 2023]  # 2026 is only at calibration
    assert page.year == 2025 and page.staff_group == ""
    assert _counts(page.total) == {XS: 7, TT: 3, KHT: 1}
    assert page.total.total == 11
    shares = {cell.level: cell.share for cell in page.total.cells}
    assert shares[XS] == Decimal(700) / 11 and shares[HT] == 0
    assert abs(sum(shares.values()) - 100) < Decimal("1e-20")
    assert [cell.shown for cell in page.total.cells] == [
        Decimal("63.6"),
        Decimal("27.3"),
        Decimal("0.0"),
        Decimal("9.1"),
        Decimal("0.0"),
    ]


def test_one_staff_group(results):
    page = figures.report(viewer=_hr(results), year=2025, staff_group="cong_chuc")
    assert _counts(page.total) == {XS: 5, TT: 3, KHT: 1}
    assert [value for value, _label in page.staff_groups] == ["can_bo", "cong_chuc", "vien_chuc"]


def test_by_unit_each_unit_counts_the_units_below_it(results):
    units = results.units
    page = figures.report(viewer=_hr(results), dimension="unit")
    assert page.top == units["VPQH"]
    assert next(row.key for row in page.rows) == units["VPQH"].path  # the agency's own people first
    assert _by_key(page.rows) == {
        units["VPQH"].path: {XS: 2},
        units["VPL"].path: {XS: 3, TT: 2},
        units["TCCB"].path: {XS: 1, TT: 1, KHT: 1},
        units["VTT"].path: {XS: 1},
    }
    assert _counts(page.rows_total) == _counts(page.total)
    assert [row.opens for row in page.rows] == [False, True, False, False]
    opened = figures.report(viewer=_hr(results), dimension="unit", unit_code="VPL")
    assert _by_key(opened.rows) == {units["VPL"].path: {XS: 1, TT: 1}, units["VPL-P1"].path: {XS: 2, TT: 1}}
    assert opened.trail == [units["VPQH"]]


def test_by_group_staff_group_and_gender(results):
    hr = _hr(results)
    assert _by_key(figures.report(viewer=hr, dimension="group").rows) == {
        "LD": {XS: 3, TT: 3},
        "CV": {XS: 3},
        "TC": {XS: 1, KHT: 1},
    }
    assert _by_key(figures.report(viewer=hr, dimension="category").rows) == {
        "can_bo": {XS: 1},
        "cong_chuc": {XS: 5, TT: 3, KHT: 1},
        "vien_chuc": {XS: 1},
    }
    gender = figures.report(viewer=hr, dimension="gender").rows
    assert _by_key(gender) == {"male": {XS: 3, TT: 3}, "female": {XS: 3, KHT: 1}, "": {XS: 1}}
    assert [row.key for row in gender] == ["male", "female", ""]
    female = next(row for row in gender if row.key == "female")
    assert [cell.shown for cell in female.cells][:4] == [
        Decimal("75.0"),
        Decimal("0.0"),
        Decimal("0.0"),
        Decimal("25.0"),
    ]


def test_year_on_year_all_together_and_per_staff_group(results):
    hr = _hr(results)
    trend = figures.report(viewer=hr).trend
    assert [row.key for row in trend] == ["2023", "2024", "2025"]
    assert _by_key(trend) == {"2023": {XS: 3, TT: 1}, "2024": {XS: 6, TT: 1, KXL: 1}, "2025": {XS: 7, TT: 3, KHT: 1}}
    civil = figures.report(viewer=hr, staff_group="cong_chuc").trend
    assert _by_key(civil)["2024"] == {XS: 5, TT: 1, KXL: 1}
    public = figures.report(viewer=hr, staff_group="vien_chuc").trend
    assert _by_key(public) == {"2025": {XS: 1}}  # the 2025 year at approval is not counted


def test_an_earlier_year_is_chosen_by_the_filter(results):
    page = figures.report(viewer=_hr(results), year=2023, dimension="unit")
    assert _counts(page.total) == {XS: 3, TT: 1}
    assert _counts(page.rows_total) == {XS: 3, TT: 1}


def test_nothing_final_yet(world):
    _result(world, _year(world, 2026, YearState.CALIBRATING), "an", XS)
    page = figures.report(viewer=_hr(world))
    assert page.years == [] and page.year is None and page.rows == [] and page.total.total == 0


# --- who sees what ---------------------------------------------------------------------------------
@pytest.mark.parametrize("role", [Role.HR, Role.ADMIN, Role.LEADERSHIP, Role.INSPECTOR])
def test_the_agency_wide_roles_see_the_whole_agency(results, client_as, role):
    response = client_as(role).get(reverse("yearend:reports"))
    assert response.status_code == 200
    assert response.context["page"].total.total == 11
    assert 'data-testid="stacked-chart"' in response.content.decode()


def test_a_head_sees_the_unit_and_the_units_below_it_only(results, client_as):
    client = client_as(Role.UNIT_HEAD)  # Lan, head of Vụ Pháp luật
    page = client.get(reverse("yearend:reports")).context["page"]
    assert page.top == results.units["VPL"]
    assert _counts(page.total) == {XS: 3, TT: 2}
    assert _by_key(page.trend) == {"2023": {XS: 3, TT: 1}, "2024": {XS: 3, TT: 1}, "2025": {XS: 3, TT: 2}}
    assert client.get(reverse("yearend:reports"), {"dimension": "unit", "unit": "TCCB"}).status_code == 403
    assert client.get(reverse("yearend:reports"), {"dimension": "unit", "unit": "VPL-P1"}).status_code == 200
    content = client.get(reverse("yearend:reports")).content.decode()
    assert 'data-testid="talent-link"' not in content
    workbook = openpyxl.load_workbook(BytesIO(client.get(reverse("yearend:reports_xlsx")).content))
    assert workbook.worksheets[0]["B8"].value == 2  # Vụ Pháp luật's own people: Lan and Minh


@pytest.mark.parametrize("role", [Role.STAFF])
def test_a_member_of_staff_sees_no_report(results, client_as, role):
    client = client_as(role)
    for route in ("yearend:reports", "yearend:reports_xlsx", "yearend:talent"):
        assert client.get(reverse(route)).status_code == 403
    assert 'data-testid="reports-link"' not in client.get(reverse("yearend:years")).content.decode()


def test_the_years_page_links_to_the_reports_for_those_who_see_them(results, client_as):
    for role in (Role.HR, Role.LEADERSHIP, Role.MANAGER):
        assert 'data-testid="reports-link"' in client_as(role).get(reverse("yearend:years")).content.decode()


@pytest.mark.parametrize("role", [Role.LEADERSHIP, Role.INSPECTOR, Role.UNIT_HEAD, Role.MANAGER])
def test_the_split_by_gender_is_for_hr_and_the_administrator_only(results, client_as, role):
    client = client_as(role)
    assert client.get(reverse("yearend:reports"), {"dimension": "gender"}).status_code == 403
    assert "gender" not in [key for key, _label in client.get(reverse("yearend:reports")).context["page"].dimensions]
    workbook = openpyxl.load_workbook(BytesIO(client.get(reverse("yearend:reports_xlsx")).content))
    assert len(workbook.worksheets) == 4  # unit, group, staff group, year on year


@pytest.mark.parametrize("role", [Role.STAFF, Role.MANAGER, Role.UNIT_HEAD])
def test_the_selectors_refuse_the_other_roles(results, role):
    viewer = results.users[role]
    with pytest.raises(Refused):
        figures.talent_list(viewer=viewer)
    if role == Role.STAFF:
        with pytest.raises(Refused):
            figures.report(viewer=viewer)
        with pytest.raises(Refused):
            figures.report_tables(viewer=viewer)


def test_anonymous_is_refused_by_the_selectors(results):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(Refused):
        figures.report(viewer=AnonymousUser())
    with pytest.raises(Refused):
        figures.talent_list(viewer=AnonymousUser())


# --- the talent list ---------------------------------------------------------------------------------
def test_the_talent_list_holds_exactly_those_htxsnv_two_years_running(results):
    entries = figures.talent_list(viewer=results.users[Role.LEADERSHIP])
    found = {
        entry.person.staff_code: (entry.earlier.year.year, entry.later.year.year, entry.years_running)
        for entry in entries
    }
    people = results.people
    assert found == {
        people["an"].staff_code: (2024, 2025, 2),
        people["vu_truong"].staff_code: (2024, 2025, 3),
        people["pho_chu_nhiem"].staff_code: (2024, 2025, 2),  # amended to HTXSNV in 2025
        people["anh"].staff_code: (2024, 2025, 2),  # a civil servant in 2024, a public employee in 2025
        people["truong_phong"].staff_code: (2023, 2024, 2),
    }
    # Not Bình (a year between), not Đức (2026 is not final), not the agency's head (left).
    assert entries[-1].person.staff_code == people["truong_phong"].staff_code  # newest first
    assert all(entry.earlier.level == entry.later.level == XS for entry in entries)
    sort_keys = [entry.person.sort_key for entry in entries[:-1]]
    assert sort_keys == sorted(sort_keys)
    assert {"gender", "birth_date", "ethnicity"} <= entries[0].person.get_deferred_fields()


def test_reading_the_talent_list_is_logged(results, client_as):
    response = client_as(Role.INSPECTOR).get(reverse("yearend:talent"))
    content = response.content.decode()
    assert response.status_code == 200
    assert content.count('data-testid="talent-row"') == 5
    assert "92,25" in content and "91,50" in content  # An's scores of both years
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.event == report_events.TALENT_VIEWED
    assert entry.actor_label == "duc" and entry.new["people"] == 5


def test_the_talent_list_is_linked_from_the_reports(results, client_as):
    content = client_as(Role.LEADERSHIP).get(reverse("yearend:reports")).content.decode()
    assert reverse("yearend:talent") in content


# --- the pages and the workbook ----------------------------------------------------------------------
def test_the_page_shows_the_figures_in_tables_and_charts(results, client_as):
    response = client_as(Role.HR).get(reverse("yearend:reports"), {"year": 2025, "dimension": "gender"})
    content = response.content.decode()
    assert "Tỷ lệ" in content or "Share" in content
    assert '<td data-share="HTXSNV">63,6</td>' in content.replace("<strong>", "").replace("</strong>", "")
    assert content.count('data-testid="chart-bar"') == 3  # male, female, not recorded
    assert content.count('data-testid="chart-year"') == 3
    assert "<title" in content
    assert "<script" not in content.split("<main")[1]


def test_the_workbook_carries_the_figures_and_its_download_is_logged(results, client_as):
    response = client_as(Role.HR).get(reverse("yearend:reports_xlsx"), {"year": 2025})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(BytesIO(response.content))
    assert len(workbook.worksheets) == 5
    by_unit = workbook.worksheets[0]
    line = next(row for row in by_unit.iter_rows() if row[0].value == "Vụ Pháp luật")
    assert [cell.value for cell in line[1:4]] == [5, 3, pytest.approx(0.6)]  # total, HTXSNV, its share
    assert line[3].number_format == "0.0%"
    total = [row for row in by_unit.iter_rows(values_only=True) if row[1] == 11]
    assert total and total[-1][2] == 7
    trend = workbook.worksheets[-1]
    years = [row[0] for row in trend.iter_rows(values_only=True) if row[0] in (2023, 2024, 2025)]
    # All staff groups together, then cán bộ, công chức, viên chức.
    assert years == [2023, 2024, 2025, 2024, 2025, 2023, 2024, 2025, 2025]
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.event == report_events.REPORT_DOWNLOADED and entry.new["year"] == 2025


# --- queries ----------------------------------------------------------------------------------------
def _many_results(world, years, count, start):
    from congtam.org import services as org

    people = [
        org.person_create(
            actor=None,
            staff_code=f"NV{number}",
            full_name=f"Lê Văn Người {number}",
            category="cong_chuc",
            unit=world.units["VPL-P1"],
            position=world.positions["CV"],
            unit_role="member",
            gender="female" if number % 2 else "male",
            email=f"nv{number}@quochoi.vn",
        )
        for number in range(start, start + count)
    ]
    Classification.objects.bulk_create(
        Classification(
            year=other,
            person=person,
            unit=person.unit,
            group=f"G{person.pk % 7}",
            proposed_level=(XS, TT, HT, KHT)[person.pk % 4],
            qualified_level=TT,
            approved_level=XS,
        )
        for person in people
        for other in years
    )


@pytest.mark.parametrize("route", ["yearend:reports", "yearend:reports_xlsx", "yearend:talent"])
def test_the_queries_do_not_grow_with_the_number_of_people(results, client_as, count_queries, route):
    client = client_as(Role.HR)
    final = list(Year.objects.filter(year__in=(2024, 2025), staff_group="cong_chuc"))
    _many_results(results, final, 2, 100)
    params = {"dimension": "group"} if route == "yearend:reports" else {}
    client.get(reverse(route), params)  # warm the session
    with count_queries() as few:
        assert client.get(reverse(route), params).status_code == 200
    _many_results(results, final, 40, 200)
    with count_queries() as many:
        response = client.get(reverse(route), params)
    if route == "yearend:talent":
        assert response.content.decode().count('data-testid="talent-row"') > 40
    assert len(many) == len(few), many.report()
