"""Changes to accounts. Each public service runs in one transaction with its audit entry."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from congtam.accounts import events
from congtam.accounts.models import Role, User
from congtam.audit.services import audit_record
from congtam.vietnamese import clean_text

# Roles that use the Django admin: HR configures there what has no page yet.
ADMIN_SITE_ROLES = frozenset({Role.HR, Role.ADMIN})


@transaction.atomic
def user_create(*, actor, username: str, password: str, role: str, person=None) -> User:
    """Create a login for ``role``, tied to ``person``'s staff record (none for a technical
    administrator). The password must pass the configured validators and is stored with the
    configured hasher."""
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role: %(role)s.") % {"role": role}})
    if role != Role.ADMIN and person is None:
        raise ValidationError({"person": _("Every account but the administrator's is tied to a staff record.")})
    user = User(
        username=clean_text(username),
        role=role,
        person=person,
        email=person.email if person is not None else "",
        is_staff=role in ADMIN_SITE_ROLES,
        is_superuser=role == Role.ADMIN,
    )
    if person is not None:
        family, _space, given = person.full_name.rpartition(" ")
        user.first_name, user.last_name = given[:150], family[:150]
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(
        actor=actor,
        event=events.ACCOUNT_CREATED,
        subject=user,
        new={"username": user.username, "role": role, "person": person.staff_code if person is not None else None},
    )
    return user


# --- changes made in the administration --------------------------------------------------------
# What an account change is recorded with (never the password's hash: only that it changed).
TRACKED_FIELDS = ("username", "role", "person", "email", "is_active", "is_staff", "is_superuser")


def account_state(user: User) -> dict:
    """The account as the audit trail records it: its tracked fields, its groups and permissions."""
    if user.pk is None:
        return {}
    state = {name: getattr(user, name) for name in TRACKED_FIELDS if name != "person"}
    state["person"] = user.person.staff_code if user.person_id else None
    state["groups"] = sorted(user.groups.values_list("name", flat=True))
    state["permissions"] = sorted(
        f"{app}.{codename}"
        for app, codename in user.user_permissions.values_list("content_type__app_label", "codename")
    )
    return state


def account_change_record(*, actor, user: User, before: dict, password_before: str | None = None) -> None:
    """One audit entry for an account created or changed outside :func:`user_create` (the
    administration): what changed, old and new, in the caller's transaction. Nothing changed,
    nothing written."""
    after = account_state(user)
    password_changed = password_before is not None and password_before != user.password
    if not before:
        audit_record(actor=actor, event=events.ACCOUNT_CREATED, subject=user, new=after)
        return
    changed = sorted(name for name in after if after[name] != before.get(name))
    if not changed and not password_changed:
        return
    old = {name: before.get(name) for name in changed}
    new = {name: after[name] for name in changed}
    if password_changed:
        new["password_changed"] = True
    if "role" in changed or "is_superuser" in changed or "is_staff" in changed:
        event = events.ACCOUNT_ROLE_CHANGED
    elif "person" in changed:
        event = events.ACCOUNT_LINKED
    elif changed:
        event = events.ACCOUNT_CHANGED
    else:
        event = events.ACCOUNT_PASSWORD_CHANGED
    audit_record(actor=actor, event=event, subject=user, old=old, new=new)


def account_delete_record(*, actor, user: User) -> None:
    audit_record(actor=actor, event=events.ACCOUNT_DELETED, subject=user, old=account_state(user))
