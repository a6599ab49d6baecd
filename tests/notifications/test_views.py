"""The notifications page and the header's unread counter."""

import pytest
from django.urls import reverse

from congtam.accounts.models import Role
from congtam.notifications import services
from congtam.notifications.models import Notification

pytestmark = pytest.mark.django_db
URL = "/notifications/"


def _notify(user, title, **extra):
    return services.notify([user], kind="k", title=title, email=False, **extra)[0]


def test_the_page_lists_only_ones_own_notifications(client_as, world):
    _notify(world.users[Role.STAFF], "Của An")
    _notify(world.users[Role.MANAGER], "Của Sơn")
    page = client_as(Role.STAFF).get(reverse("notifications:list")).content.decode()
    assert "Của An" in page and "Của Sơn" not in page


def test_the_header_counts_the_unread(client_as, world):
    an = world.users[Role.STAFF]
    client = client_as(Role.STAFF)
    assert 'data-testid="unread-count"' not in client.get(reverse("home"), follow=True).content.decode()
    _notify(an, "Một")
    _notify(an, "Hai")
    page = client.get(reverse("org:unit_tree")).content.decode()
    assert 'data-testid="unread-count"' in page and "2 thông báo chưa đọc" in page


def test_mark_read_and_mark_all_read(client_as, world):
    an = world.users[Role.STAFF]
    first, second, third = (_notify(an, title) for title in ("Một", "Hai", "Ba"))
    client = client_as(Role.STAFF)
    response = client.post(URL, {"action": "read", "id": first.pk})
    assert response.status_code == 302 and response.url == URL
    assert set(an.notifications.filter(read_at__isnull=True).values_list("pk", flat=True)) == {second.pk, third.pk}
    response = client.post(URL, {"action": "read_all"}, follow=True)
    assert "Đã đánh dấu 2 thông báo là đã đọc." in response.content.decode()
    assert not an.notifications.filter(read_at__isnull=True).exists()


def test_opening_a_notification_marks_it_read_and_follows_its_link(client_as, world):
    notification = _notify(world.users[Role.STAFF], "Kế hoạch", url="/org/my-people/")
    response = client_as(Role.STAFF).post(URL, {"action": "open", "id": notification.pk})
    assert response.status_code == 302 and response.url == "/org/my-people/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_someone_elses_notification_cannot_be_marked_or_opened(client_as, world):
    theirs = _notify(world.users[Role.MANAGER], "Của Sơn", url="/org/my-people/")
    client = client_as(Role.STAFF)
    for action in ("read", "open"):
        response = client.post(URL, {"action": action, "id": theirs.pk}, follow=True)
        assert "Thông báo này không tồn tại." in response.content.decode()
    client.post(URL, {"action": "read_all"})
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_malformed_request_is_answered_clearly(client_as, world):
    response = client_as(Role.STAFF).post(URL, {"action": "read", "id": "abc"}, follow=True)
    assert response.status_code == 200
    assert "Thông báo này không tồn tại." in response.content.decode()


def test_the_list_takes_the_same_number_of_queries_for_few_and_many(client_as, world, count_queries):
    an = world.users[Role.STAFF]
    client = client_as(Role.STAFF)
    _notify(an, "Một")

    def queries():
        with count_queries() as counter:
            assert client.get(URL).status_code == 200
        return counter

    few = queries()
    services.notify([an], kind="k", title="Nhiều", email=False)
    for index in range(40):
        _notify(an, f"Thông báo {index}", url="/org/units/")
    Notification.objects.filter(title="Thông báo 3").update(body="Nội dung")
    many = queries()
    assert len(few) == len(many), many.report()


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.post(URL, {"action": "read_all"})
    assert response.status_code == 302 and "/login/" in response.url
