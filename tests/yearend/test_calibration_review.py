"""The calibration page beyond the quota: whose level depends on one rating, HR moving a person to
another group, and the inspector reading the calibration, meeting and feedback pages without
being able to change anything."""

import pytest
from django.urls import reverse

from congtam.accounts.models import Role
from congtam.audit.models import AuditEntry
from congtam.yearend import proposals
from tests.yearend.conftest import approve_scores

pytestmark = pytest.mark.django_db


def _calibration_url(year_end):
    return reverse("yearend:calibration", kwargs={"pk": year_end.year.pk, "code": "VPL-P1"})


def _propose(year_end):
    proposals.proposals_compute(actor=year_end.user(Role.HR), year=year_end.year)


def test_the_page_names_whose_level_depends_on_one_rating(year_end, client_as):
    approve_scores(year_end.cycle, year_end.person("an"), [92, 88, 91, 89])  # 90.00: the 92 or the 91 decides
    approve_scores(year_end.cycle, year_end.person("binh"), [85, 84, 86, 85])  # steady
    _propose(year_end)
    an, binh = year_end.classification("an"), year_end.classification("binh")
    assert [pivot["period"] for pivot in an.pivotal_periods] == ["Q1", "Q3"]
    assert binh.pivotal_periods == []
    content = client_as(Role.HR).get(_calibration_url(year_end)).content.decode()
    section = content[content.index('data-testid="depends-on-one-rating"') :]
    section = section[: section.index("</div>")]
    assert "Nguyễn Văn An" in section and "Q1 (92,00)" in section and "Q3 (91,00)" in section
    assert "Đặng Thị Bình" not in section


def test_nobody_depends_on_one_rating_says_nothing(year_end, client_as):
    for key in ("an", "binh"):
        approve_scores(year_end.cycle, year_end.person(key), [80, 80, 80, 80])
    _propose(year_end)
    assert (
        'data-testid="depends-on-one-rating"' not in client_as(Role.HR).get(_calibration_url(year_end)).content.decode()
    )


def test_hr_moves_a_person_to_another_group_from_the_page(year_end, client_as):
    for key in ("an", "binh"):
        approve_scores(year_end.cycle, year_end.person(key), [80, 80, 80, 80])
    _propose(year_end)
    an = year_end.classification("an")
    client = client_as(Role.HR)
    url = reverse("yearend:group_set", kwargs={"pk": an.pk})
    refused = client.post(url, {f"g{an.pk}-version": an.version, f"g{an.pk}-group": "CV-XD", f"g{an.pk}-reason": " "})
    assert refused.status_code == 400 and 'value="CV-XD"' in refused.content.decode()
    assert year_end.classification("an").group == "CV"
    moved = client.post(
        url,
        {
            f"g{an.pk}-version": an.version,
            f"g{an.pk}-group": "CV-XD",
            f"g{an.pk}-reason": "Chuyên trách xây dựng luật, khác nhiệm vụ nhóm CV",
        },
    )
    assert moved.status_code == 302
    an = year_end.classification("an")
    assert (an.group, an.group_set_by_hr) == ("CV-XD", True)
    assert AuditEntry.objects.filter(event="yearend.group.set").count() == 1
    stale = client.post(
        url, {f"g{an.pk}-version": an.version - 1, f"g{an.pk}-group": "CV", f"g{an.pk}-reason": "Quay lại"}
    )
    assert stale.status_code == 400 and year_end.classification("an").group == "CV-XD"
    assert (
        client_as(Role.UNIT_HEAD)
        .post(url, {f"g{an.pk}-version": an.version, f"g{an.pk}-group": "CV", f"g{an.pk}-reason": "x"})
        .status_code
        == 403
    )


def test_the_inspector_reads_calibration_meeting_and_feedback_and_changes_nothing(year_end, client_as):
    for key in ("an", "binh"):
        approve_scores(year_end.cycle, year_end.person(key), [80, 80, 80, 80])
    _propose(year_end)
    inspector = client_as(Role.INSPECTOR)
    calibration = inspector.get(_calibration_url(year_end))
    assert calibration.status_code == 200
    assert "<form" not in calibration.content.decode().split("<main", 1)[-1]
    kwargs = {"pk": year_end.year.pk, "code": "VPL-P1"}
    meeting = inspector.get(reverse("yearend:meeting", kwargs=kwargs))
    assert meeting.status_code == 200
    assert reverse("yearend:meeting_record", kwargs=kwargs) not in meeting.content.decode()
    assert inspector.get(reverse("yearend:unit_feedback", kwargs=kwargs)).status_code == 200
    an = year_end.classification("an")
    for name, data in (("yearend:meeting_record", {}), ("yearend:meeting_adopt", {}), ("yearend:feedback_open", {})):
        assert inspector.post(reverse(name, kwargs=kwargs), data).status_code == 403
    assert inspector.post(reverse("yearend:level_change", kwargs={"pk": an.pk}), {}).status_code == 403
    assert inspector.post(reverse("yearend:group_set", kwargs={"pk": an.pk}), {}).status_code == 403
    year_page = inspector.get(reverse("yearend:year", kwargs={"pk": year_end.year.pk})).content.decode()
    assert reverse("yearend:year_action", kwargs={"pk": year_end.year.pk, "action": "propose"}) not in year_page
