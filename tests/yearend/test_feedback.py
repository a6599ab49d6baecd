"""Colleague feedback (RULES.md §3.4; DESIGN §1): an anchored form answered once per colleague,
never shown individually, aggregated only from 3 answers up."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from congtam.accounts.models import Role
from congtam.audit.models import AuditEntry
from congtam.org import services as org
from congtam.org.models import Category, UnitRole
from congtam.yearend import meeting_selectors as selectors
from congtam.yearend import meeting_services as services
from congtam.yearend import meetings
from congtam.yearend.meeting_models import FeedbackAnswer
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The services' refusals are matched by their English text (the pages speak Vietnamese)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def answers(deadlines, quality=3, cooperation=3, conduct=3):
    return {"q_deadlines": deadlines, "q_quality": quality, "q_cooperation": cooperation, "q_conduct": conduct}


def add_colleague(world, key, code, name):
    person = org.person_create(actor=None, staff_code=code, full_name=name, category=Category.CONG_CHUC,
                               unit=world.units["VPL-P1"], position=world.positions["CV"], unit_role=UnitRole.MEMBER,
                               start_date=date(2015, 9, 1))
    world.people[key] = person
    return make_user(key, role=Role.STAFF, person=person)


@pytest.fixture
def feedback(year_end):
    """Feedback open for Phòng Luật Hành chính: Sơn (head), An, Bình, and two more colleagues, all
    with logins."""
    world = year_end.world
    users = {"son": world.users[Role.MANAGER], "an": world.users[Role.STAFF],
             "binh": make_user("binh", role=Role.STAFF, person=world.people["binh"]),
             "kha": add_colleague(world, "kha", "NV023", "Lý Văn Kha"),
             "yen": add_colleague(world, "yen", "NV024", "Mai Thị Yến")}
    feedback_round = services.feedback_open(actor=world.users[Role.HR], year=year_end.year, unit=world.units["VPL-P1"])
    return feedback_round, users


def answer(feedback_round, users, author, subject_key, levels):
    services.feedback_answer(actor=users[author], feedback_round=feedback_round,
                             subject=users[subject_key].person, answers=levels)


def binh_aggregate(feedback_round, viewer):
    rows = selectors.feedback_unit_aggregates(viewer=viewer, feedback_round=feedback_round)
    return next(row for row in rows if row.person.staff_code == "NV022")


# --- opening --------------------------------------------------------------------------------
def test_only_hr_opens_a_round_and_only_once(year_end):
    world = year_end.world
    with pytest.raises(PermissionDenied):
        services.feedback_open(actor=world.users[Role.UNIT_HEAD], year=year_end.year, unit=world.units["VPL-P1"])
    services.feedback_open(actor=world.users[Role.HR], year=year_end.year, unit=world.units["VPL-P1"])
    with pytest.raises(ValidationError, match="already open"):
        services.feedback_open(actor=world.users[Role.HR], year=year_end.year, unit=world.units["VPL-P1"])


def test_a_unit_outside_the_year_is_refused(year_end):
    world = year_end.world
    with pytest.raises(ValidationError, match="not part of this year-end"):
        services.feedback_open(actor=world.users[Role.HR], year=year_end.year, unit=world.units["TCCB"])


# --- answering ------------------------------------------------------------------------------
def test_answering_twice_is_refused(feedback):
    feedback_round, users = feedback
    answer(feedback_round, users, "an", "binh", answers(4))
    with pytest.raises(ValidationError, match="already given feedback"):
        answer(feedback_round, users, "an", "binh", answers(1))
    assert FeedbackAnswer.objects.filter(round=feedback_round).count() == 1


def test_answering_about_oneself_is_refused(feedback):
    feedback_round, users = feedback
    with pytest.raises(ValidationError, match="not on yourself"):
        answer(feedback_round, users, "an", "an", answers(5))
    assert not FeedbackAnswer.objects.exists()


def test_only_people_of_the_unit_answer_and_only_about_its_people(feedback, year_end):
    feedback_round, users = feedback
    world = year_end.world
    with pytest.raises(PermissionDenied):  # HR is not a colleague
        services.feedback_answer(actor=world.users[Role.HR], feedback_round=feedback_round,
                                 subject=world.people["binh"], answers=answers(3))
    with pytest.raises(ValidationError, match="same unit"):
        services.feedback_answer(actor=users["an"], feedback_round=feedback_round, subject=world.people["duc"],
                                 answers=answers(3))


@pytest.mark.parametrize("level", [0, 6, None, "x"])
def test_a_level_outside_1_to_5_is_refused(feedback, level):
    feedback_round, users = feedback
    with pytest.raises(ValidationError) as refused:
        answer(feedback_round, users, "an", "binh", answers(level))
    assert "q_deadlines" in refused.value.message_dict


def test_the_audit_entry_of_an_answer_names_neither_the_colleague_nor_the_levels(feedback):
    feedback_round, users = feedback
    answer(feedback_round, users, "an", "binh", answers(2, 4, 5, 1))
    entry = AuditEntry.objects.get(event=meetings.FEEDBACK_ANSWERED)
    assert entry.subject_type == "yearend.feedbackround"
    assert entry.subject_id == str(feedback_round.pk)
    text = f"{entry.subject_label} {entry.old} {entry.new} {entry.reason}"
    assert "Bình" not in text and "NV022" not in text and not entry.new


# --- aggregates -----------------------------------------------------------------------------
def test_two_answers_show_nothing_three_show_the_means(feedback, year_end):
    feedback_round, users = feedback
    hr = year_end.world.users[Role.HR]
    answer(feedback_round, users, "an", "binh", answers(1, 2, 3, 4))
    answer(feedback_round, users, "son", "binh", answers(2, 2, 3, 5))
    two = binh_aggregate(feedback_round, hr)
    assert (two.answers, two.shown, two.means) == (2, False, None)

    answer(feedback_round, users, "kha", "binh", answers(5, 2, 4, 5))
    three = binh_aggregate(feedback_round, hr)
    assert three.answers == 3 and three.shown
    assert [str(mean) for _question, mean in three.means] == ["2.67", "2.00", "3.33", "4.67"]


def test_the_page_of_the_unit_says_fewer_than_3_and_shows_the_means_from_3(feedback, year_end, client_as):
    feedback_round, users = feedback
    url = reverse("yearend:unit_feedback", kwargs={"pk": year_end.year.pk, "code": "VPL-P1"})
    answer(feedback_round, users, "an", "binh", answers(1))
    answer(feedback_round, users, "son", "binh", answers(2))
    content = client_as(Role.HR).get(url).content.decode()
    row = content.split('data-testid="aggregate-NV022"')[1].split("</tr>")[0]
    assert "Ít hơn 3 câu trả lời: không hiển thị" in row or "Fewer than 3 answers: not shown" in row
    assert "1.00" not in row and "2.00" not in row and "1,00" not in row

    answer(feedback_round, users, "kha", "binh", answers(5))
    content = client_as(Role.HR).get(url).content.decode()
    row = content.split('data-testid="aggregate-NV022"')[1].split("</tr>")[0]
    assert "2,67" in row or "2.67" in row
    assert 'data-testid="hidden"' not in row


def test_the_person_sees_their_own_aggregate_and_nobody_elses(feedback, year_end, client):
    feedback_round, users = feedback
    for author in ("an", "son", "kha"):
        answer(feedback_round, users, author, "binh", answers(4, 4, 4, 4))
    answer(feedback_round, users, "binh", "an", answers(1, 1, 1, 1))
    url = reverse("yearend:my_feedback", kwargs={"pk": year_end.year.pk})

    client.force_login(users["binh"])
    own = client.get(url).content.decode().split('data-testid="own-aggregate"')[1].split("</table>")[0]
    assert "4,00" in own or "4.00" in own

    client.force_login(users["an"])
    page = client.get(url).content.decode()
    own = page.split('data-testid="own-aggregate"')[1].split("</table>")[0]
    assert 'data-testid="hidden"' in own and "1,00" not in page and "1.00" not in page
    assert "4,00" not in page and "4.00" not in page  # Bình's aggregate is not An's to see


def test_no_page_shows_an_individual_answer(feedback, year_end, client):
    """Each page any party opens, after three answers with distinct levels, shows at most the means."""
    feedback_round, users = feedback
    world = year_end.world
    answer(feedback_round, users, "an", "binh", answers(1, 1, 1, 1))
    answer(feedback_round, users, "son", "binh", answers(2, 2, 2, 2))
    answer(feedback_round, users, "kha", "binh", answers(5, 5, 5, 5))
    pages = [reverse("yearend:unit_feedback", kwargs={"pk": year_end.year.pk, "code": "VPL-P1"}),
             reverse("yearend:my_feedback", kwargs={"pk": year_end.year.pk}),
             reverse("yearend:meeting", kwargs={"pk": year_end.year.pk, "code": "VPL-P1"}),
             reverse("yearend:feedback_answer", kwargs={"pk": year_end.year.pk, "staff_code": "NV024"})]
    viewers = [world.users[Role.HR], world.users[Role.ADMIN], world.users[Role.UNIT_HEAD], *users.values()]
    seen_means = False
    for viewer in viewers:
        client.force_login(viewer)
        for url in pages:
            response = client.get(url)
            content = response.content.decode()
            for individual in ("1.00", "1,00", "2.00", "2,00", "5.00", "5,00"):
                assert individual not in content, (viewer, url)
            assert "checked" not in content, (viewer, url)
            seen_means |= "2,67" in content or "2.67" in content
    assert seen_means
    # Yến answered nobody: her page offers her the form about Bình, as if nobody had answered.
    client.force_login(users["yen"])
    assert reverse("yearend:feedback_answer", kwargs={"pk": year_end.year.pk, "staff_code": "NV022"}) in (
        client.get(pages[1]).content.decode())


def test_staff_does_not_see_the_units_feedback(feedback, year_end, client_as):
    url = reverse("yearend:unit_feedback", kwargs={"pk": year_end.year.pk, "code": "VPL-P1"})
    assert client_as(Role.STAFF).get(url).status_code == 403
    assert client_as(Role.INSPECTOR).get(url).status_code == 403
    with pytest.raises(PermissionError):
        selectors.feedback_unit_aggregates(viewer=year_end.world.users[Role.STAFF], feedback_round=feedback[0])


# --- pages ----------------------------------------------------------------------------------
def test_answering_through_the_page(feedback, year_end, client):
    feedback_round, users = feedback
    url = reverse("yearend:feedback_answer", kwargs={"pk": year_end.year.pk, "staff_code": "NV022"})
    client.force_login(users["an"])
    assert client.get(url).status_code == 200
    refused = client.post(url, {"q_deadlines": "4", "q_quality": "3", "q_cooperation": "5"})
    assert refused.status_code == 400
    assert 'value="4" id="id_q_deadlines_3" checked' in refused.content.decode().replace("required ", "")
    response = client.post(url, answers(4, 3, 5, 2))
    assert response.status_code == 302
    assert FeedbackAnswer.objects.filter(round=feedback_round, subject=users["binh"].person).count() == 1
    again = client.post(url, answers(1, 1, 1, 1))
    assert again.status_code == 400
    assert "already given feedback" in again.content.decode() or "đã góp ý" in again.content.decode()


def test_nobody_answers_about_themselves_through_the_page(feedback, year_end, client):
    _feedback_round, users = feedback
    client.force_login(users["an"])
    url = reverse("yearend:feedback_answer", kwargs={"pk": year_end.year.pk, "staff_code": "NV021"})
    assert client.get(url).status_code == 403
    assert client.post(url, answers(5, 5, 5, 5)).status_code == 403


def test_the_unit_page_query_count_is_flat(feedback, year_end, client_as, count_queries):
    feedback_round, users = feedback
    url = reverse("yearend:unit_feedback", kwargs={"pk": year_end.year.pk, "code": "VPL-P1"})
    client = client_as(Role.HR)
    client.get(url)
    with count_queries() as few:
        client.get(url)
    for author in ("an", "son", "kha"):
        for subject in ("binh", "yen"):
            answer(feedback_round, users, author, subject, answers(3))
    for number in range(5):
        add_colleague(year_end.world, f"extra{number}", f"NV09{number}", f"Người Thứ {number}")
    with count_queries() as many:
        client.get(url)
    assert len(few) == len(many), many.report()


def test_opening_a_round_tells_the_people_of_the_unit(feedback, year_end):
    from congtam.notifications.models import Notification

    _feedback_round, users = feedback
    told = set(Notification.objects.filter(kind="yearend.feedback").values_list("user__username", flat=True))
    assert told == {"son", "an", "binh", "kha", "yen"}
    assert year_end.world.users[Role.HR].username not in told
