"""notify: in-app rows now, one e-mail each after the commit, never twice for the same key."""

import pytest
from django.core import mail

from congtam.accounts.models import Role
from congtam.notifications import services
from congtam.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_notify_creates_the_rows_and_emails_in_vietnamese_after_the_commit(
    world, django_capture_on_commit_callbacks, settings
):
    settings.CONGTAM_SITE_URL = "https://congtam.quochoi.vn"
    an, son = world.users[Role.STAFF], world.users[Role.MANAGER]
    with django_capture_on_commit_callbacks(execute=True):
        created = services.notify(
            [an, son.pk],
            kind="periods.plan",
            title="Kế hoạch tháng 01/2026 đã được giao",
            body="Hãy xem và xác nhận kế hoạch.",
            url="/org/my-people/",
        )
        assert len(mail.outbox) == 0  # not before the commit
    assert {n.user_id for n in created} == {an.pk, son.pk}
    assert Notification.objects.filter(read_at__isnull=True).count() == 2
    assert sorted(message.to[0] for message in mail.outbox) == ["an@quochoi.vn", "truong_phong@quochoi.vn"]
    message = next(m for m in mail.outbox if m.to == ["an@quochoi.vn"])
    assert message.subject == "[Công Tâm] Kế hoạch tháng 01/2026 đã được giao"
    assert message.body.startswith("Kính gửi Nguyễn Văn An,")
    assert "Hãy xem và xác nhận kế hoạch." in message.body
    assert "Xem trên Công Tâm: https://congtam.quochoi.vn/org/my-people/" in message.body
    assert "Thư này được gửi tự động" in message.body
    assert message.content_subtype == "plain"
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 2


def test_the_users_own_address_comes_first(world, django_capture_on_commit_callbacks):
    an = world.users[Role.STAFF]
    an.email = "nguyen.van.an@example.vn"
    an.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([an], kind="k", title="t")
    assert mail.outbox[0].to == ["nguyen.van.an@example.vn"]


def test_without_an_address_only_the_in_app_notification_is_made(world, django_capture_on_commit_callbacks):
    admin = world.users[Role.ADMIN]  # a technical account: no staff record, no address
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([admin], kind="k", title="t")
    assert mail.outbox == []
    notification = admin.notifications.get()
    assert notification.emailed_at is None


def test_email_false_sends_no_email(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([world.users[Role.STAFF]], kind="k", title="t", email=False)
    assert mail.outbox == []
    assert Notification.objects.count() == 1


def test_the_same_key_is_never_notified_twice_to_the_same_person(world, django_capture_on_commit_callbacks):
    an, son = world.users[Role.STAFF], world.users[Role.MANAGER]
    with django_capture_on_commit_callbacks(execute=True):
        first = services.notify([an], kind="k", title="Hạn báo cáo", key="due:1")
        second = services.notify([an, son, an], kind="k", title="Hạn báo cáo", key="due:1")
    assert len(first) == 1 and [n.user_id for n in second] == [son.pk]
    assert Notification.objects.filter(key="due:1").count() == 2
    assert len(mail.outbox) == 2


def test_without_a_key_each_call_notifies(world):
    an = world.users[Role.STAFF]
    services.notify([an], kind="k", title="t", email=False)
    services.notify([an], kind="k", title="t", email=False)
    assert an.notifications.count() == 2


def test_the_database_refuses_a_duplicate_key(world):
    from django.db import IntegrityError, transaction

    an = world.users[Role.STAFF]
    Notification.objects.create(user=an, kind="k", title="t", key="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(user=an, kind="k", title="t", key="x")


def test_a_concurrent_duplicate_is_skipped_not_an_error(world, monkeypatch):
    """Another process created the same keyed notification between our check and our insert."""
    an, son = world.users[Role.STAFF], world.users[Role.MANAGER]
    Notification.objects.create(user=an, kind="k", title="t", key="race")
    monkeypatch.setattr(services, "_without_duplicates", lambda batch: batch)
    created = services.notify([an, son], kind="k", title="t", key="race", email=False)
    assert [n.user_id for n in created] == [son.pk]


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_a_link_leaves_no_site(world, url):
    with pytest.raises(ValueError):
        services.notify([world.users[Role.STAFF]], kind="k", title="t", url=url)


def test_an_email_already_sent_is_not_sent_again(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [notification] = services.notify([world.users[Role.STAFF]], kind="k", title="t")
    assert services.emails_send(notification_ids=[notification.pk]) == 0
    assert len(mail.outbox) == 1


def test_a_failed_send_leaves_the_rest_for_the_retry(world, django_capture_on_commit_callbacks, monkeypatch):
    from django.core.mail import EmailMessage

    created = services.notify([world.users[Role.STAFF], world.users[Role.MANAGER]], kind="k", title="t", email=False)
    original = EmailMessage.send
    calls = []

    def second_fails(message, *args, **kwargs):
        calls.append(message.to)
        if len(calls) == 2:
            raise OSError("the mail relay hung up")
        return original(message, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", second_fails)
    with pytest.raises(OSError):
        services.emails_send(notification_ids=[n.pk for n in created])
    assert len(mail.outbox) == 1
    monkeypatch.setattr(EmailMessage, "send", original)
    assert services.emails_send(notification_ids=[n.pk for n in created]) == 1  # only the one not sent
    assert len(mail.outbox) == 2 and mail.outbox[0].to != mail.outbox[1].to


def test_an_unreachable_broker_keeps_the_notification(world, django_capture_on_commit_callbacks, monkeypatch):
    from congtam.notifications import tasks

    def unreachable(*args, **kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr(tasks.send_notification_emails, "delay", unreachable)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([world.users[Role.STAFF]], kind="k", title="t")
    assert Notification.objects.count() == 1 and mail.outbox == []


def test_mark_read_touches_only_ones_own(world):
    an, son = world.users[Role.STAFF], world.users[Role.MANAGER]
    [mine] = services.notify([an], kind="k", title="t", email=False)
    assert services.mark_read(actor=son, notification_id=mine.pk) is False
    mine.refresh_from_db()
    assert mine.read_at is None
    assert services.mark_read(actor=an, notification_id=mine.pk) is True
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_mark_all_read(world):
    an, son = world.users[Role.STAFF], world.users[Role.MANAGER]
    services.notify([an, son], kind="k", title="t", email=False)
    services.notify([an], kind="k", title="u", email=False)
    assert services.mark_all_read(actor=an) == 2
    assert son.notifications.filter(read_at__isnull=True).count() == 1
