"""Changes to accounts. Each public service runs in one transaction with its audit entry."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from congtam.accounts import events
from congtam.accounts.models import Role, User
from congtam.audit.services import audit_record
from congtam.core.vntext import clean_text

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
