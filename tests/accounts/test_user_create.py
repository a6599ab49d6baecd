import pytest
from django.contrib.auth.hashers import get_hasher
from django.core.exceptions import ValidationError

from congtam.accounts.models import Role, User
from congtam.accounts.services import user_create
from congtam.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

PASSWORD = "mot-mat-khau-dai-2026"


def test_creates_a_login_tied_to_the_staff_record_with_an_audit_entry(world):
    person = world.people["binh"]
    user = user_create(
        actor=world.users[Role.ADMIN], username="binhdt", password=PASSWORD, role=Role.STAFF, person=person
    )
    user.refresh_from_db()
    assert (user.person, user.role, user.email) == (person, Role.STAFF, person.email)
    assert not user.is_staff and not user.is_superuser
    assert user.password.startswith(get_hasher().algorithm + "$") and user.check_password(PASSWORD)
    entry = AuditEntry.objects.get(event="accounts.user.created", subject_id=str(user.pk))
    assert entry.new == {"username": "binhdt", "role": "staff", "person": person.staff_code}
    assert entry.actor_id == world.users[Role.ADMIN].pk


def test_administrator_is_a_superuser_without_staff_record(db):
    user = user_create(actor=None, username="quantri2", password=PASSWORD, role=Role.ADMIN)
    assert user.is_superuser and user.is_staff and user.person is None


def test_refuses_a_weak_password_and_writes_nothing(world):
    with pytest.raises(ValidationError):
        user_create(actor=None, username="binhdt", password="123", role=Role.STAFF, person=world.people["binh"])
    assert not User.objects.filter(username="binhdt").exists()
    assert not AuditEntry.objects.filter(event="accounts.user.created").exists()


def test_refuses_a_login_without_staff_record_unless_administrator(db):
    with pytest.raises(ValidationError):
        user_create(actor=None, username="ai-do", password=PASSWORD, role=Role.HR)


def test_refuses_an_unknown_role_and_a_taken_username(world):
    with pytest.raises(ValidationError):
        user_create(actor=None, username="x", password=PASSWORD, role="boss", person=world.people["binh"])
    with pytest.raises(ValidationError):
        user_create(actor=None, username="an", password=PASSWORD, role=Role.STAFF, person=world.people["binh"])
