"""Every account change made in the administration leaves its trace (failure 12 of the hardening
issue): an account created, a role raised to HR, an account disabled, a password reset, an account
deleted, each one audit entry with who did it and the old and new values (never the password's
hash); and nobody edits their own role or powers there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from congtam.accounts.models import Role, User
from congtam.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

PASSWORD = "mot-mat-khau-dai-2026"


def _entries(user, event=None):
    entries = AuditEntry.objects.filter(subject_type="accounts.user", subject_id=str(user.pk)).order_by("seq")
    return list(entries.filter(event=event) if event else entries)


def _change_form(user) -> dict:
    """The admin's change form of ``user`` as it stands, ready to post."""
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "is_superuser": "on" if user.is_superuser else "",
        "role": user.role,
        "person": user.person_id or "",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "01/01/2026",
        "date_joined_1": "08:00",
    }


def _post_change(client, user, **changes):
    data = {key: value for key, value in {**_change_form(user), **changes}.items() if value != ""}
    response = client.post(reverse("admin:accounts_user_change", args=[user.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]


def test_raising_a_role_to_hr_in_the_admin_is_audited_with_old_and_new(client, world):
    admin, target = world.users[Role.ADMIN], world.users[Role.STAFF]
    client.force_login(admin)
    _post_change(client, target, role=Role.HR)
    target.refresh_from_db()
    assert target.role == Role.HR
    (entry,) = _entries(target)
    assert entry.event == "accounts.user.role_changed"
    assert entry.actor_id == admin.pk
    assert entry.old == {"role": "staff"} and entry.new == {"role": "hr"}


def test_disabling_an_account_is_audited_and_saving_unchanged_writes_nothing(client, world):
    client.force_login(world.users[Role.ADMIN])
    target = world.users[Role.MANAGER]
    _post_change(client, target)
    assert _entries(target) == []
    _post_change(client, target, is_active="")
    (entry,) = _entries(target)
    assert entry.event == "accounts.user.changed"
    assert entry.old == {"is_active": True} and entry.new == {"is_active": False}


def test_an_administrator_created_in_the_admin_is_audited(client, world):
    admin = world.users[Role.ADMIN]
    client.force_login(admin)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "quantri-moi",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    created = User.objects.get(username="quantri-moi")
    _post_change(client, created, is_superuser="on", is_staff="on", role=Role.ADMIN)
    created_entry, raised = _entries(created)
    assert created_entry.event == "accounts.user.created" and created_entry.actor_id == admin.pk
    assert created_entry.new["username"] == "quantri-moi"
    assert "password" not in created_entry.new
    assert raised.event == "accounts.user.role_changed"
    assert raised.new == {"is_staff": True, "is_superuser": True, "role": "admin"}


def test_a_password_reset_in_the_admin_is_audited_without_the_hash(client, world):
    admin, target = world.users[Role.ADMIN], world.users[Role.STAFF]
    client.force_login(admin)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[target.pk]),
        {
            "password1": PASSWORD,
            "password2": PASSWORD,
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    (entry,) = _entries(target)
    assert entry.event == "accounts.user.password_changed"
    assert entry.new == {"password_changed": True}
    target.refresh_from_db()
    assert target.password not in str(entry.old) + str(entry.new)


def test_deleting_an_account_is_audited(client, world):
    admin = world.users[Role.ADMIN]
    spare = User.objects.create_user(username="tam-thoi", password=PASSWORD, role=Role.ADMIN)
    client.force_login(admin)
    response = client.post(reverse("admin:accounts_user_delete", args=[spare.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=spare.pk).exists()
    entry = AuditEntry.objects.get(event="accounts.user.deleted", subject_id=str(spare.pk))
    assert entry.old["username"] == "tam-thoi" and entry.actor_id == admin.pk


def test_nobody_edits_their_own_role_or_powers_in_the_admin(client, world):
    # The administrator, the one role that manages accounts there, on their own account.
    me = world.users[Role.ADMIN]
    client.force_login(me)
    page = client.get(reverse("admin:accounts_user_change", args=[me.pk]))
    assert page.status_code == 200
    form = page.context["adminform"].form
    for name in ("role", "is_superuser", "is_staff", "person", "is_active"):
        assert name not in form.fields, name
    _post_change(client, me, role=Role.STAFF, is_superuser="", is_active="")
    me.refresh_from_db()
    assert me.role == Role.ADMIN and me.is_superuser and me.is_active
