"""Colleague feedback (RULES.md §3.4; DESIGN §1): an anchored form answered once per colleague,
never shown individually, aggregated only from 3 answers up."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from congtam.accounts.models import Role
from congtam.audit.models import AuditEntry
from congtam.core.permissions import Refused
from congtam.org import services as org
from congtam.org.models import Category, UnitRole
from congtam.yearend.meetings import events, selectors, services
from congtam.yearend.meetings.models import FeedbackAnswer
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
    person = org.person_create(
        actor=None,
        staff_code=code,
        full_name=name,
        category=Category.CONG_CHUC,
        unit=world.units["VPL-P1"],
        position=world.positions["CV"],
        unit_role=UnitRole.MEMBER,
        start_date=date(2015, 9, 1),
    )
    world.people[key] = person
    return make_user(key, role=Role.STAFF, person=person)


@pytest.fixture
def feedback(year_end):
    """Feedback open for Phòng Luật Hành chính: Sơn (head), An, Bình, and two more colleagues, all
    with logins."""
    world = year_end.world
    users = {
        "son": world.users[Role.MANAGER],
        "an": world.users[Role.STAFF],
        "binh": make_user("binh", role=Role.STAFF, person=world.people["binh"]),
        "kha": add_colleague(world, "kha", "NV023", "Lý Văn Kha"),
        "yen": add_colleague(world, "yen", "NV024", "Mai Thị Yến"),
    }
    feedback_round = services.feedback_open(actor=world.users[Role.HR], year=year_end.year, unit=world.units["VPL-P1"])
    return feedback_round, users


def answer(feedback_round, users, author, subject_key, levels):
    services.feedback_answer(
        actor=users[author], feedback_round=feedback_round, subject=users[subject_key].person, answers=levels
    )


def close(feedback_round, year_end):
    services.feedback_close(actor=year_end.world.users[Role.HR], feedback_round=feedback_round)
    feedback_round.refresh_from_db()


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
        services.feedback_answer(
            actor=world.users[Role.HR], feedback_round=feedback_round, subject=world.people["binh"], answers=answers(3)
        )
    with pytest.raises(ValidationError, match="same unit"):
        services.feedback_answer(
            actor=users["an"], feedback_round=feedback_round, subject=world.people["duc"], answers=answers(3)
        )


@pytest.mark.parametrize("level", [0, 6, None, "x"])
def test_a_level_outside_1_to_5_is_refused(feedback, level):
    feedback_round, users = feedback
    with pytest.raises(ValidationError) as refused:
        answer(feedback_round, users, "an", "binh", answers(level))
    assert "q_deadlines" in refused.value.message_dict


def test_the_audit_entry_of_an_answer_names_neither_the_colleague_nor_the_levels(feedback):
    feedback_round, users = feedback
    answer(feedback_round, users, "an", "binh", answers(2, 4, 5, 1))
    entry = AuditEntry.objects.get(event=events.FEEDBACK_ANSWERED)
    assert entry.subject_type == "yearend.feedbackround"
    assert entry.subject_id == str(feedback_round.pk)
    text = f"{entry.subject_label} {entry.old} {entry.new} {entry.reason}"
    assert "Bình" not in text and "NV022" not in text and not entry.new
    # Nor who answered: the log's readers would narrow it down with the time and the counts.
    assert entry.actor_id is None and entry.actor_label == "đồng nghiệp (ẩn danh)"


# --- aggregates -----------------------------------------------------------------------------
def test_two_answers_show_nothing_three_show_the_means(feedback, year_end):
    feedback_round, users = feedback
    hr = year_end.world.users[Role.HR]
    answer(feedback_round, users, "an", "binh", answers(1, 2, 3, 4))
    answer(feedback_round, users, "son", "binh", answers(2, 2, 3, 5))
    answer(feedback_round, users, "an", "kha", answers(1, 2, 3, 4))
    answer(feedback_round, users, "son", "kha", answers(2, 2, 3, 5))
    answer(feedback_round, users, "yen", "kha", answers(5, 2, 4, 5))
    answer(feedback_round, users, "kha", "binh", answers(5, 2, 4, 5))
    answer(feedback_round, users, "binh", "yen", answers(4, 4, 4, 4))
    answer(feedback_round, users, "kha", "yen", answers(2, 2, 2, 2))
    close(feedback_round, year_end)
    rows = {
        row.person.staff_code: row
        for row in selectors.feedback_unit_aggregates(viewer=hr, feedback_round=feedback_round)
    }
    assert (rows["NV024"].answers, rows["NV024"].shown, rows["NV024"].means) == (2, False, None)  # Yến: 2
    for three in ("NV022", "NV023"):  # Bình and Kha: 3 answers each
        assert rows[three].answers == 3 and rows[three].shown
        assert [str(mean) for _question, mean in rows[three].means] == ["2.67", "2.00", "3.33", "4.67"]
    assert (rows["NV021"].answers, rows["NV021"].shown) == (0, False)


def test_nothing_per_person_is_shown_while_the_round_is_open(feedback, year_end, client_as):
    feedback_round, users = feedback
    for author in ("an", "son", "kha"):
        answer(feedback_round, users, author, "binh", answers(4))
    aggregate = binh_aggregate(feedback_round, year_end.world.users[Role.HR])
    assert (aggregate.answers, aggregate.means) == (None, None)
    content = (
        client_as(Role.HR)
        .get(reverse("yearend:unit_feedback", kwargs={"pk": year_end.year.pk, "code": "VPL-P1"}))
        .content.decode()
    )
    assert 'data-testid="round-open"' in content and 'data-testid="aggregates"' not in content
    assert "4,00" not in content and "4.00" not in content


def test_no_answer_once_the_round_is_closed_and_only_hr_closes(feedback, year_end):
    feedback_round, users = feedback
    with pytest.raises(PermissionDenied):
        services.feedback_close(actor=year_end.world.users[Role.UNIT_HEAD], feedback_round=feedback_round)
    close(feedback_round, year_end)
    with pytest.raises(ValidationError, match="closed"):
        answer(feedback_round, users, "an", "binh", answers(3))
    with pytest.raises(ValidationError, match="already closed"):
        close(feedback_round, year_end)
    assert AuditEntry.objects.filter(event=events.FEEDBACK_CLOSED).count() == 1


@pytest.mark.parametrize("count", [2, 3])
def test_the_page_of_the_unit_says_fewer_than_3_or_shows_the_means(feedback, year_end, client_as, count):
    feedback_round, users = feedback
    for author, level in list(zip(("an", "son", "kha"), (1, 2, 5)))[:count]:
        answer(feedback_round, users, author, "binh", answers(level))
    close(feedback_round, year_end)
    content = (
        client_as(Role.HR)
        .get(reverse("yearend:unit_feedback", kwargs={"pk": year_end.year.pk, "code": "VPL-P1"}))
        .content.decode()
    )
    row = content.split('data-testid="aggregate-NV022"')[1].split("</tr>")[0]
    if count == 2:
        assert "Ít hơn 3 câu trả lời: không hiển thị" in row
        assert "1,00" not in row and "2,00" not in row and "1,50" not in row
    else:
        assert "2,67" in row and 'data-testid="hidden"' not in row


def test_the_person_sees_their_own_aggregate_and_nobody_elses(feedback, year_end, client):
    feedback_round, users = feedback
    for author in ("an", "son", "kha"):
        answer(feedback_round, users, author, "binh", answers(4, 4, 4, 4))
    answer(feedback_round, users, "binh", "an", answers(1, 1, 1, 1))
    close(feedback_round, year_end)
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
    close(feedback_round, year_end)
    pages = [
        reverse("yearend:unit_feedback", kwargs={"pk": year_end.year.pk, "code": "VPL-P1"}),
        reverse("yearend:my_feedback", kwargs={"pk": year_end.year.pk}),
        reverse("yearend:meeting", kwargs={"pk": year_end.year.pk, "code": "VPL-P1"}),
        reverse("yearend:feedback_answer", kwargs={"pk": year_end.year.pk, "staff_code": "NV024"}),
    ]
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
        client.get(pages[1]).content.decode()
    )


def test_staff_does_not_see_the_units_feedback_and_the_inspector_only_reads_it(feedback, year_end, client_as):
    url = reverse("yearend:unit_feedback", kwargs={"pk": year_end.year.pk, "code": "VPL-P1"})
    assert client_as(Role.STAFF).get(url).status_code == 403
    inspector = client_as(Role.INSPECTOR)
    page = inspector.get(url)
    assert page.status_code == 200
    assert reverse("yearend:feedback_close", kwargs={"pk": year_end.year.pk, "code": "VPL-P1"}) not in (
        page.content.decode()
    )
    assert (
        inspector.post(reverse("yearend:feedback_close", kwargs={"pk": year_end.year.pk, "code": "VPL-P1"})).status_code
        == 403
    )
    with pytest.raises(Refused):
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
    feedback_round, _users = feedback
    close(feedback_round, year_end)
    url = reverse("yearend:unit_feedback", kwargs={"pk": year_end.year.pk, "code": "VPL-P1"})
    client = client_as(Role.HR)
    client.get(url)
    with count_queries() as few:
        client.get(url)
    for number in range(5):
        add_colleague(year_end.world, f"extra{number}", f"NV09{number}", f"Người Thứ {number}")
    # More answers in the closed round, written directly: the service refuses them once closed.
    people = [year_end.world.people[key] for key in ("an", "truong_phong", "kha", "yen")]
    FeedbackAnswer.objects.bulk_create(
        FeedbackAnswer(round=feedback_round, subject=subject, author=author, **answers(3))
        for subject in people
        for author in people
        if author != subject
    )
    with count_queries() as many:
        client.get(url)
    assert len(few) == len(many), many.report()


def test_opening_a_round_tells_the_people_of_the_unit(feedback, year_end):
    from congtam.notifications.models import Notification

    _feedback_round, _users = feedback
    told = set(Notification.objects.filter(kind="yearend.feedback").values_list("user__username", flat=True))
    assert told == {"son", "an", "binh", "kha", "yen"}
    assert year_end.world.users[Role.HR].username not in told
