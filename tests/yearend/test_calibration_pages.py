"""The calibration page of a large group: the ranking a page at a time (its figures still count
everyone), the page holding a refused form, and the quota of the unit and its groups counted by
the database exactly as quota_check counts it."""

import pytest
from django.urls import reverse

from congtam.accounts.models import Role
from congtam.yearend import calibration, proposals, selectors, services
from congtam.yearend.quota import GROUP, UNIT, quota_check, quota_of_unit
from tests.yearend.conftest import approve_scores, open_year
from tests.yearend.test_pages import _add_people

pytestmark = pytest.mark.django_db


def _url(year_end, code="VPL-P1", **query):
    from urllib.parse import urlencode

    url = reverse("yearend:calibration", kwargs={"pk": year_end.year.pk, "code": code})
    return f"{url}?{urlencode(query)}" if query else url


def _staff_codes(content: str) -> list[str]:
    return [part.split('"', 1)[0] for part in content.split('data-testid="row-')[1:]]


@pytest.fixture
def big_group(year_end):
    """45 people in the group CV of VPL-P1 (An, Bình and 43 more), proposed."""
    _add_people(year_end.world, year_end.cycle, 43, 400)
    approve_scores(year_end.cycle, year_end.person("an"), [92, 88, 91, 89])
    approve_scores(year_end.cycle, year_end.person("binh"), [80, 80, 80, 80])
    proposals.proposals_compute(actor=year_end.user(Role.HR), year=year_end.year)
    return year_end


def test_a_large_group_is_ranked_a_page_at_a_time_and_its_figures_count_everyone(big_group, client_as):
    client = client_as(Role.HR)
    view = selectors.calibration_view(
        viewer=big_group.user(Role.HR), year=big_group.year, unit=big_group.world.units["VPL-P1"]
    )
    (group,) = [group for group in view.groups if group.group == "CV"]
    assert (group.size, group.page, group.pages, len(group.rows)) == (45, 1, 3, selectors.ROWS_PER_PAGE)
    assert sum(count for _level, count in group.distribution) == 45
    ranking = list(
        big_group.year.classifications.filter(unit__code="VPL-P1", group="CV")
        .order_by("rank_in_group", "person__sort_key", "pk")
        .values_list("person__staff_code", flat=True)
    )

    pages = []
    for number in (1, 2, 3):
        content = client.get(_url(big_group, group="CV", page=number)).content.decode()
        pages.append([code for code in _staff_codes(content) if code in ranking])
        pager = content[content.index('data-testid="pager-CV"') :]
        pager = pager[: pager.index("</p>")]
        assert (f"page={number - 1}" in pager) == (number > 1)
        assert (f"page={number + 1}" in pager) == (number < 3)
    assert [code for page in pages for code in page] == ranking  # every person once, in rank order
    assert [len(page) for page in pages] == [20, 20, 5]
    # A page past the end shows the last; a page that is not a number, the first.
    past_the_end = _staff_codes(client.get(_url(big_group, group="CV", page=9)).content.decode())
    assert [code for code in past_the_end if code in ranking] == ranking[-5:]
    assert client.get(_url(big_group, group="CV", page="x")).status_code == 200


def test_a_refused_change_is_shown_on_the_page_that_holds_its_row(big_group, client_as):
    last = (
        big_group.year.classifications.filter(unit__code="VPL-P1", group="CV")
        .order_by("-rank_in_group")
        .select_related("person")
        .first()
    )
    prefix = f"c{last.pk}"
    response = client_as(Role.HR).post(
        reverse("yearend:level_change", kwargs={"pk": last.pk}),
        {f"{prefix}-version": last.version, f"{prefix}-level": "HTXSNV", f"{prefix}-reason": "Có thành tích nổi bật"},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert last.person.staff_code in _staff_codes(content) and "Có thành tích nổi bật" in content


def test_the_page_makes_the_same_queries_for_any_page(big_group, client_as, count_queries):
    client = client_as(Role.HR)
    client.get(_url(big_group))
    with count_queries() as first:
        client.get(_url(big_group, group="CV", page=1))
    with count_queries() as last:
        client.get(_url(big_group, group="CV", page=3))
    assert len(first) == len(last), last.report()


@pytest.mark.parametrize("lifts_unit", ["true", "false"])
def test_the_quota_counted_by_the_database_is_quota_checks(world, today, lifts_unit):
    year_end = open_year(world, quota_share="0.5", quota_exception_lifts_unit_cap=lifts_unit)
    _add_people(world, year_end.cycle, 9, 500)
    approve_scores(year_end.cycle, year_end.person("an"), [95, 95, 95, 95])
    approve_scores(year_end.cycle, year_end.person("binh"), [91, 91, 91, 91])
    hr = year_end.user(Role.HR)
    calibration.quota_exception_record(
        actor=hr,
        year=year_end.year,
        group="CV",
        decision_reference="45/QĐ-VPQH",
        reason="Tập thể có thành tích đổi mới",
    )
    proposals.proposals_compute(actor=hr, year=year_end.year)
    binh = year_end.classification("binh")
    calibration.level_change(
        actor=hr,
        classification=binh,
        expected_version=binh.version,
        level="HTNV",
        reason="Chưa hoàn thành một nhiệm vụ",
    )
    year = year_end.year
    policy = services.year_policy(year)
    exceptions = dict(year.quota_exceptions.values_list("group", "decision_reference"))
    everyone = quota_check(calibration._rows(year), policy, exceptions)
    for code in ("VPL", "VPL-P1"):
        unit = world.units[code]
        groups = set(year.classifications.filter(unit=unit).values_list("group", flat=True))
        counted = quota_of_unit(year.classifications.all(), unit.pk, groups, policy, exceptions)
        assert set(counted) == {(UNIT, unit.pk)} | {(GROUP, group) for group in groups}
        for key, status in counted.items():
            expected = everyone[key]
            assert (status.good_or_better, status.excellent, status.exempt, status.cap, status.exception) == (
                expected.good_or_better,
                expected.excellent,
                expected.exempt,
                expected.cap,
                expected.exception,
            ), key
