"""The one permission layer (congtam.core.permissions): every decision is a declared permission,
the transitions name theirs, nothing else compares roles, and a refusal says why."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django_fsm import FSMField

from congtam.accounts.models import Role, User
from congtam.core import permissions
from congtam.core.permissions import Refused

ROOT = Path(__file__).resolve().parents[2] / "congtam"
ASKED = re.compile(r"""(?:has_perm|require)\(\s*[^,()]*,\s*["']([a-z_]+\.[a-z_]+)["']""")
TEMPLATE_ASKED = re.compile(r"""\{%\s*has_perm\s+["']([a-z_]+\.[a-z_]+)["']""")
ROLE_COMPARED = re.compile(r"""(\buser|viewer|actor)\.role\s*(==|!=|in\b|not in\b)""")


def _sources(pattern: str):
    return [path for path in ROOT.rglob(pattern) if "migrations" not in path.parts]


def test_every_permission_asked_for_is_declared():
    asked = {}
    for path in _sources("*.py"):
        for name in ASKED.findall(path.read_text()):
            asked.setdefault(name, path)
    for path in _sources("*.html"):
        for name in TEMPLATE_ASKED.findall(path.read_text()):
            asked.setdefault(name, path)
    assert len(asked) > 40  # the scan finds the layer's callers (it would find nothing if it broke)
    missing = {name: str(path.relative_to(ROOT)) for name, path in asked.items() if not permissions.declared(name)}
    assert missing == {}


def test_every_workflow_transition_names_a_declared_permission():
    named = []
    for model in apps.get_models():
        for field in model._meta.fields:
            if not isinstance(field, FSMField):
                continue
            for attribute in dir(model):
                meta = getattr(getattr(model, attribute, None), "_django_fsm", None)
                if meta is None or meta.field is not field:
                    continue
                for transition in meta.transitions.values():
                    name = getattr(transition.permission, "permission_name", None)
                    assert name is not None, f"{model.__name__}.{attribute} has no declared permission"
                    assert permissions.declared(name), name
                    named.append(name)
    assert {"monitoring.approve_review", "yearend.change_level", "jobs.retry_job"} <= set(named)


def test_no_module_outside_the_permission_modules_compares_roles():
    offenders = [
        str(path.relative_to(ROOT))
        for path in _sources("*.py")
        if path.name != "permissions.py" and ROLE_COMPARED.search(path.read_text())
    ]
    offenders += [str(path.relative_to(ROOT)) for path in _sources("*.html") if "user.role" in path.read_text()]
    assert offenders == []


def test_an_undeclared_permission_is_a_programming_error_not_a_refusal():
    with pytest.raises(KeyError):
        permissions.has_perm(None, "monitoring.no_such_thing")


@pytest.mark.django_db
def test_the_administrators_superuser_flag_grants_nothing_the_layer_refuses():
    """Django lets an active superuser do anything; the layer asks the declarations alone."""
    admin = User.objects.create_user(username="quantri", password="x", role=Role.ADMIN, is_superuser=True)
    assert admin.has_perm("monitoring.approve_review")  # what Django alone would answer
    assert not permissions.has_perm(admin, "monitoring.approve_review", None)
    assert not permissions.has_perm(admin, "yearend.respond_to_level", None)
    assert permissions.has_perm(admin, "org.manage")


@pytest.mark.django_db
def test_an_inactive_account_holds_nothing():
    hr = User.objects.create_user(username="tccb", password="x", role=Role.HR, is_active=False)
    assert not permissions.has_perm(hr, "org.manage")
    assert not permissions.has_perm(None, "org.view")


def test_a_refusal_is_said_in_the_language_of_the_request():
    from django.utils import translation

    with translation.override("vi"):
        try:
            permissions.require(None, "audit.view")
        except Refused as refused:
            error = refused
    assert str(error) != "The audit trail is read by the inspector and the administrator."
    assert "thanh tra" in str(error).lower()


@pytest.mark.django_db
def test_a_refused_page_says_why_with_a_way_back(client):
    staff = User.objects.create_user(username="nv", password="x", role=Role.STAFF)
    client.force_login(staff)
    response = client.get("/audit/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 403
    page = response.content.decode()
    assert 'data-testid="forbidden"' in page
    assert str(permissions.refusal_message("audit.view")) in page or "thanh tra" in page.lower()
    assert 'href="/"' in page
