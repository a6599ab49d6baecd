"""The unit meeting at year end (RULES.md §3.4): recorded by HR or a head, adopted minutes locked,
corrections by amendment with a reason, the Party committee's opinion for heads and deputies."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from congtam.accounts.models import Role
from congtam.audit.models import AuditEntry
from congtam.yearend.meetings import events, selectors, services
from congtam.yearend.meetings.models import MeetingAmendment, UnitMeeting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The services' refusals are matched by their English text (the pages speak Vietnamese)."""
    from django.utils import translation

    with translation.override("en"):
        yield


MEETING_DAY = date(2026, 12, 5)


def discussion(level="HTTNV", **overrides):
    values = {
        "presentation": "Hoàn thành 100% nhiệm vụ.\nKhông vi phạm kỷ luật.",
        "comments": "Đồng ý.",
        "proposed_level": level,
        "vote_held": False,
        "votes_for": None,
        "votes_against": None,
        "votes_abstain": None,
        "party_committee_opinion": "",
    }
    return {**values, **overrides}


def record(year_end, actor=None, present=("truong_phong", "an", "binh"), **overrides):
    world = year_end.world
    values = {
        "date": MEETING_DAY,
        "place": "Phòng họp 201",
        "chair": world.people["truong_phong"],
        "secretary": world.people["an"],
        "agenda": "Kiểm điểm, đánh giá, xếp loại năm 2026",
        "present": [world.people[key].pk for key in present],
    }
    values.update(overrides)
    return services.meeting_record(
        actor=actor or world.users[Role.MANAGER], year=year_end.year, unit=world.units["VPL-P1"], **values
    )


def discuss(year_end, meeting, key="binh", actor=None, **overrides):
    meeting.refresh_from_db()
    return services.meeting_discussion_record(
        actor=actor or year_end.world.users[Role.MANAGER],
        meeting=meeting,
        person=year_end.world.people[key],
        version=meeting.version,
        **discussion(**overrides),
    )


def test_the_head_records_the_meeting_with_attendance_and_a_vote(year_end):
    meeting = record(year_end, present=("truong_phong", "an"))
    discuss(year_end, meeting, vote_held=True, votes_for=2, votes_against=0, votes_abstain=0)
    minutes = selectors.meeting_minutes(
        viewer=year_end.world.users[Role.HR], year=year_end.year, unit=year_end.world.units["VPL-P1"]
    )
    assert [person.staff_code for person in minutes.present] == ["NV021", "NV020"]  # An before Sơn
    assert [person.staff_code for person in minutes.absent] == ["NV022"]
    assert minutes.discussions[0].votes_for == 2
    assert AuditEntry.objects.filter(event=events.MEETING_RECORDED).count() == 1
    assert AuditEntry.objects.filter(event=events.MEETING_DISCUSSION_RECORDED).count() == 1


def test_refusals_of_the_meeting_say_everything_at_once(year_end):
    world = year_end.world
    with pytest.raises(ValidationError) as refused:
        record(year_end, present=("an",), date=date(2027, 1, 5), place=" ", agenda="")
    assert set(refused.value.message_dict) == {"date", "chair", "place", "agenda"}
    with pytest.raises(ValidationError) as refused:
        record(year_end, present=("an", "duc"), chair=world.people["an"])
    assert "present" in refused.value.message_dict


def test_votes_must_be_complete_and_no_more_than_the_people_present(year_end):
    meeting = record(year_end, present=("truong_phong", "an"))
    with pytest.raises(ValidationError, match="only 2 people were present"):
        discuss(year_end, meeting, vote_held=True, votes_for=2, votes_against=1, votes_abstain=0)
    with pytest.raises(ValidationError) as refused:
        discuss(year_end, meeting, vote_held=True, votes_for=2, votes_against=None, votes_abstain=0)
    assert "votes_for" in refused.value.message_dict


def test_a_head_is_discussed_with_the_party_committees_opinion(year_end):
    meeting = record(year_end)
    with pytest.raises(ValidationError) as refused:
        discuss(year_end, meeting, key="truong_phong", actor=year_end.world.users[Role.HR])
    assert "party_committee_opinion" in refused.value.message_dict
    done = discuss(
        year_end,
        meeting,
        key="truong_phong",
        actor=year_end.world.users[Role.HR],
        party_committee_opinion="Chi ủy đồng ý mức HTTNV.",
    )
    assert done.party_committee_opinion == "Chi ủy đồng ý mức HTTNV."


def test_only_people_of_the_unit_are_discussed(year_end):
    meeting = record(year_end)
    with pytest.raises(ValidationError) as refused:
        discuss(year_end, meeting, key="duc")
    assert "person" in refused.value.message_dict


def test_adoption_locks_the_minutes_and_an_amendment_needs_a_reason(year_end):
    world = year_end.world
    meeting = record(year_end)
    with pytest.raises(ValidationError, match="at least one person"):
        services.meeting_adopt(actor=world.users[Role.MANAGER], meeting=meeting, version=meeting.version)
    discuss(year_end, meeting)
    meeting.refresh_from_db()
    services.meeting_adopt(actor=world.users[Role.MANAGER], meeting=meeting, version=meeting.version)
    meeting.refresh_from_db()
    assert meeting.adopted and meeting.adopted_at

    with pytest.raises(ValidationError, match="amendment"):
        record(year_end, version=meeting.version)
    with pytest.raises(ValidationError, match="amendment"):
        discuss(year_end, meeting, level="HTXSNV")
    with pytest.raises(ValidationError, match="already adopted"):
        services.meeting_adopt(actor=world.users[Role.MANAGER], meeting=meeting, version=meeting.version)
    with pytest.raises(ValidationError) as refused:
        services.meeting_amend(
            actor=world.users[Role.HR],
            meeting=meeting,
            person=world.people["binh"],
            reason=" ",
            version=meeting.version,
            **discussion(level="HTXSNV"),
        )
    assert "reason" in refused.value.message_dict
    assert meeting.discussions.get().proposed_level == "HTTNV"

    amendment = services.meeting_amend(
        actor=world.users[Role.HR],
        meeting=meeting,
        person=world.people["binh"],
        reason="Ghi nhầm mức đề xuất",
        version=meeting.version,
        **discussion(level="HTXSNV"),
    )
    assert (amendment.old["proposed_level"], amendment.new["proposed_level"]) == ("HTTNV", "HTXSNV")
    assert meeting.discussions.get().proposed_level == "HTXSNV"
    entry = AuditEntry.objects.get(event=events.MEETING_AMENDED)
    assert entry.reason == "Ghi nhầm mức đề xuất" and entry.old["proposed_level"] == "HTTNV"


def test_a_stale_version_is_refused(year_end):
    from congtam.org.services import ConcurrentEditError

    meeting = record(year_end)
    with pytest.raises(ConcurrentEditError):
        services.meeting_adopt(actor=year_end.world.users[Role.MANAGER], meeting=meeting, version=meeting.version + 5)


@pytest.mark.parametrize("role", [Role.STAFF, Role.INSPECTOR, Role.LEADERSHIP])
def test_only_hr_and_heads_record(year_end, role):
    with pytest.raises(PermissionDenied):
        record(year_end, actor=year_end.world.users[role])
    assert not UnitMeeting.objects.exists()


def test_the_minutes_are_seen_by_the_unit_and_the_inspector_and_hidden_from_others(year_end, client_as):
    record(year_end)
    url = reverse("yearend:meeting", kwargs={"pk": year_end.year.pk, "code": "VPL-P1"})
    staff = client_as(Role.STAFF).get(url)
    assert staff.status_code == 200 and "Phòng họp 201" in staff.content.decode()
    assert 'data-testid="meeting-form"' not in staff.content.decode()
    inspector = client_as(Role.INSPECTOR).get(url)  # reads, as every year-end page, and changes nothing
    assert inspector.status_code == 200 and 'data-testid="meeting-form"' not in inspector.content.decode()
    assert client_as(Role.LEADERSHIP).get(url).status_code == 403
    assert (
        client_as(Role.STAFF)
        .post(reverse("yearend:meeting_adopt", kwargs={"pk": year_end.year.pk, "code": "VPL-P1"}), {"version": 1})
        .status_code
        == 403
    )
    assert not UnitMeeting.objects.get().adopted


def test_the_pages_record_adopt_and_amend(year_end, client_as):
    world = year_end.world
    client = client_as(Role.MANAGER)
    kwargs = {"pk": year_end.year.pk, "code": "VPL-P1"}
    page = reverse("yearend:meeting", kwargs=kwargs)
    form = {
        "date": "05/12/2026",
        "place": "Phòng họp 201",
        "chair": world.people["truong_phong"].pk,
        "secretary": world.people["an"].pk,
        "agenda": "Kiểm điểm cuối năm",
        "present": [world.people["truong_phong"].pk, world.people["an"].pk],
    }
    refused = client.post(reverse("yearend:meeting_record", kwargs=kwargs), {**form, "date": "05/01/2027"})
    assert refused.status_code == 400
    assert 'value="Phòng họp 201"' in refused.content.decode()
    assert client.post(reverse("yearend:meeting_record", kwargs=kwargs), form).status_code == 302

    meeting = UnitMeeting.objects.get()
    text = {
        "version": meeting.version,
        "person": world.people["binh"].pk,
        "presentation": "Bình trình bày",
        "proposed_level": "HTTNV",
        "vote_held": "on",
        "votes_for": "2",
        "votes_against": "1",
        "votes_abstain": "0",
    }
    refused = client.post(reverse("yearend:meeting_discussion", kwargs=kwargs), text)
    assert refused.status_code == 400 and "Bình trình bày" in refused.content.decode()
    text["votes_against"] = "0"
    assert client.post(reverse("yearend:meeting_discussion", kwargs=kwargs), text).status_code == 302
    meeting.refresh_from_db()
    assert client.post(reverse("yearend:meeting_adopt", kwargs=kwargs), {"version": meeting.version}).status_code == 302
    content = client.get(page).content.decode()
    assert 'data-testid="amend-form"' in content and 'data-testid="meeting-form"' not in content
    assert "05/12/2026" in content

    meeting.refresh_from_db()
    amend = reverse("yearend:meeting_amend", kwargs=kwargs)
    amended = {**text, "version": meeting.version, "proposed_level": "HTNV"}
    assert client.post(amend, amended).status_code == 400  # no reason
    assert client.post(amend, {**amended, "reason": "Biểu quyết lại"}).status_code == 302
    assert MeetingAmendment.objects.get().reason == "Biểu quyết lại"
    content = client.get(page).content.decode()
    assert "Biểu quyết lại" in content and 'data-testid="amendments"' in content


def test_the_meeting_page_query_count_is_flat(year_end, client_as, count_queries):
    record(year_end)
    meeting = UnitMeeting.objects.get()
    discuss(year_end, meeting, key="an")
    client = client_as(Role.HR)
    url = reverse("yearend:meeting", kwargs={"pk": year_end.year.pk, "code": "VPL-P1"})
    client.get(url)
    with count_queries() as few:
        client.get(url)
    discuss(year_end, meeting, key="binh")
    discuss(
        year_end, meeting, key="truong_phong", actor=year_end.world.users[Role.HR], party_committee_opinion="Đồng ý"
    )
    with count_queries() as many:
        client.get(url)
    assert len(few) == len(many), many.report()


def test_the_minutes_show_the_level_the_person_proposed_for_themselves(year_end, client_as):
    from congtam.yearend.models import CriteriaSelfAssessment

    CriteriaSelfAssessment.objects.create(
        year=year_end.year,
        person=year_end.world.people["binh"],
        shared_criteria_met=True,
        completion_percent=100,
        exceeded_percent=0,
        short_percent=0,
        proposed_level="HTXSNV",
    )
    discuss(year_end, record(year_end), key="binh", level="HTTNV")
    content = (
        client_as(Role.STAFF)
        .get(reverse("yearend:meeting", kwargs={"pk": year_end.year.pk, "code": "VPL-P1"}))
        .content.decode()
    )
    block = content.split('data-testid="discussion-NV022"')[1].split("</article>")[0]
    assert "<strong>HTTNV</strong>" in block
    assert 'data-testid="self-proposed"' in block and "HTXSNV" in block


def test_the_adopted_minutes_download_as_the_official_docx(year_end, client_as):
    from io import BytesIO

    from docx import Document

    world = year_end.world
    meeting = record(year_end)
    url = reverse("yearend:meeting_minutes", kwargs={"pk": year_end.year.pk, "code": "VPL-P1"})
    assert client_as(Role.MANAGER).get(url).status_code == 404  # not adopted: no official minutes yet
    discuss(year_end, meeting, vote_held=True, votes_for=3, votes_against=0, votes_abstain=0)
    meeting.refresh_from_db()
    services.meeting_adopt(actor=world.users[Role.MANAGER], meeting=meeting, version=meeting.version)
    assert client_as(Role.LEADERSHIP).get(url).status_code == 403
    assert client_as(Role.INSPECTOR).get(url).status_code == 200  # the inspector reads them too
    response = client_as(Role.MANAGER).get(url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    text = "\n".join(paragraph.text for paragraph in Document(BytesIO(response.content)).paragraphs)
    assert "Đặng Thị Bình" in text and "Phòng họp 201" in text and "3 tán thành" in text
    assert AuditEntry.objects.filter(event="yearend.minutes.downloaded").count() == 2  # the inspector's and this
