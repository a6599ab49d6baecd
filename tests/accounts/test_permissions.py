"""Who may open what. Every named route must have a row in ROUTES: a test walks the URL
configuration and fails on a route nobody decided about."""

from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from congtam.accounts.models import Role
from congtam.audit.models import AuditEntry
from congtam.audit.selectors import AuditFilter, audit_entry_list
from congtam.org import selectors
from congtam.org.models import AuthorityOverride

pytestmark = pytest.mark.django_db

EVERYONE = set(Role.values)
ORG_MANAGERS = {Role.HR, Role.ADMIN}

def _an_override(world):
    override = AuthorityOverride.objects.create(
        person=world.people["anh"], kind="evaluator", authority=world.people["pho_chu_nhiem"],
        effective_from=date(2026, 1, 1), reason="QĐ 3",
    )
    return {"staff_code": "NV040", "override_id": override.pk}


def _a_job_of_the_staff_member(world):
    from congtam.jobs.models import Job

    job = Job.objects.create(kind="tests.count_to", label="Đếm", created_by=world.users[Role.STAFF])
    return {"job_id": job.pk}


JOB_VIEWERS = {Role.STAFF, Role.HR, Role.ADMIN}  # the job's creator (the staff login), HR, the administrator

# route name -> (kwargs, or a function of the world giving them; roles allowed). Others get 403
# (the admin: a redirect to its login).
ROUTES = {
    "home": ({}, EVERYONE),
    "org:unit_tree": ({}, EVERYONE),
    "org:unit_detail": ({"code": "VPL-P1"}, EVERYONE),
    "org:person_search": ({}, EVERYONE),
    "org:my_people": ({}, EVERYONE),
    "org:person_detail": ({"staff_code": "NV021"}, EVERYONE),
    "org:authority_override": ({"staff_code": "NV021"}, ORG_MANAGERS),
    "org:authority_override_end": (_an_override, ORG_MANAGERS),
    "org:authority_problems": ({}, {Role.HR, Role.ADMIN, Role.LEADERSHIP}),
    "org:import": ({}, ORG_MANAGERS),
    "org:import_template": ({}, ORG_MANAGERS),
    "org:export": ({}, ORG_MANAGERS),
    "audit:log": ({}, {Role.INSPECTOR, Role.ADMIN}),
    "admin:index": ({}, ORG_MANAGERS),
    "jobs:list": ({}, EVERYONE),
    "jobs:detail": (_a_job_of_the_staff_member, JOB_VIEWERS),
    "jobs:progress": (_a_job_of_the_staff_member, JOB_VIEWERS),
    "notifications:list": ({}, EVERYONE),
}
# Routes every visitor may open, signed in or not.
PUBLIC = {"login", "set_language", "logout"}


def _named_routes(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                yield "admin:index"
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_routes(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def _kwargs(route, world):
    kwargs, allowed = ROUTES[route]
    return (kwargs(world) if callable(kwargs) else kwargs), allowed


def test_every_route_has_a_permission_entry():
    missing = set(_named_routes()) - set(ROUTES) - PUBLIC
    assert not missing, f"Routes without an entry in the permission table: {sorted(missing)}"


@pytest.mark.parametrize("route", sorted(ROUTES))
@pytest.mark.parametrize("role", sorted(Role.values))
def test_role_access(client_as, world, route, role):
    kwargs, allowed = _kwargs(route, world)
    response = client_as(role).get(reverse(route, kwargs=kwargs))
    if role in allowed:
        assert response.status_code in (200, 302), response.status_code
        if route == "home" and role == Role.ADMIN:
            assert response.url == reverse("org:unit_tree")
        else:
            assert response.status_code == 200
    elif route == "admin:index":
        assert response.status_code == 302 and "/admin/login/" in response.url
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_anonymous_is_sent_to_sign_in(client, world, route):
    kwargs, _ = _kwargs(route, world)
    response = client.get(reverse(route, kwargs=kwargs))
    assert response.status_code == 302
    assert "/login/" in response.url


def test_only_org_managers_may_post_an_override(client_as, world):
    for role in EVERYONE - ORG_MANAGERS:
        response = client_as(role).post(
            reverse("org:authority_override", kwargs={"staff_code": "NV040"}),
            {"kind": "evaluator", "authority_code": "NV002", "effective_from": "01/01/2026", "reason": "x"},
        )
        assert response.status_code == 403
    assert not world.people["anh"].authority_overrides.exists()


# --- sensitive personal data ------------------------------------------------------------------
SENSITIVE_SEEN_BY = {Role.STAFF, Role.HR, Role.ADMIN}  # the staff login is the person (an)


@pytest.mark.parametrize("role", sorted(Role.values))
def test_sensitive_data_on_the_person_page(client_as, world, role):
    response = client_as(role).get(reverse("org:person_detail", kwargs={"staff_code": "NV021"}))
    content = response.content.decode()
    shown = role in SENSITIVE_SEEN_BY
    assert ("Tày" in content) is shown
    assert ("02/03/1990" in content) is shown
    assert ('data-testid="sensitive"' in content) is shown


def test_a_read_of_sensitive_data_by_someone_else_is_audited(client_as, world):
    client_as(Role.HR).get(reverse("org:person_detail", kwargs={"staff_code": "NV021"}))
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.event == "privacy.person.sensitive_viewed"
    assert entry.actor_label == "hoa"
    assert entry.subject_id == str(world.people["an"].pk)


def test_reading_ones_own_record_or_without_sensitive_data_is_not_logged(client_as, world):
    before = AuditEntry.objects.count()
    client_as(Role.STAFF).get(reverse("org:person_detail", kwargs={"staff_code": "NV021"}))
    client_as(Role.MANAGER).get(reverse("org:person_detail", kwargs={"staff_code": "NV021"}))
    assert AuditEntry.objects.count() == before


def test_directory_lists_never_load_sensitive_columns(world):
    people = list(selectors.unit_people(viewer=world.users[Role.MANAGER], unit=world.units["VPL-P1"]))
    assert people
    for person in people:
        assert {"birth_date", "ethnicity", "gender"} <= person.get_deferred_fields()


@pytest.mark.parametrize("role", sorted(EVERYONE - {Role.INSPECTOR, Role.ADMIN}))
def test_audit_selector_refuses_other_roles(world, role):
    with pytest.raises(PermissionError):
        audit_entry_list(viewer=world.users[role], filters=AuditFilter())


@pytest.mark.parametrize("role", sorted(EVERYONE - {Role.HR, Role.ADMIN, Role.LEADERSHIP}))
def test_authority_report_selector_refuses_other_roles(world, role):
    with pytest.raises(PermissionError):
        selectors.authority_problems(viewer=world.users[role])


def test_selectors_refuse_anonymous(world):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionError):
        selectors.unit_tree(viewer=AnonymousUser())
