"""Tokens: issued and revoked by HR only (audited), kept as a hash, shown once; every API data
route refuses a call without a valid token — a revoked one, a wrong one, a person's session."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from congtam.accounts.models import Role
from congtam.api.models import SourceSystem
from congtam.api.services import source_system_issue, source_system_revoke
from congtam.audit.models import AuditEntry
from congtam.monitoring.models import WorkItem
from tests.accounts.test_permissions import API_ROUTES
from tests.api.conftest import item

pytestmark = pytest.mark.django_db

# One URL of each data route (the schema is public).
DATA_CALLS = {
    "api:work_items_batch": ("post", {}),
    "api:work_items": ("get", {}),
    "api:work_item": ("get", {"source_id": "GV-1"}),
    "api:work_item_completion": ("post", {"source_id": "GV-1"}),
    "api:work_item_documents": ("post", {"source_id": "GV-1"}),
    "api:period_scores": ("get", {}),
}


def test_the_table_covers_every_api_route():
    assert set(DATA_CALLS) == API_ROUTES - {"api:schema"}


def test_only_a_hash_and_a_prefix_are_kept_and_the_issue_is_audited(year):
    system, token = source_system_issue(
        actor=year.user(Role.HR), name="  Hệ thống   giao việc ", units=[year.world.units["VPL"]]
    )
    assert token.startswith("ct_") and len(token) > 40
    system.refresh_from_db()
    assert system.name == "Hệ thống giao việc"
    assert system.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert system.token_prefix == token[:10] and token not in str(SourceSystem.objects.values().get())
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.event, entry.actor_label, entry.new["units"]) == ("monitoring.api.token_issued", "hoa", ["VPL"])
    assert token not in str(entry.new)


@pytest.mark.parametrize("role", sorted(set(Role.values) - {Role.HR, Role.ADMIN}))
def test_only_hr_and_the_administrator_issue_or_revoke(year, role, api):
    with pytest.raises(PermissionDenied):
        source_system_issue(actor=year.user(role), name="X", units=[year.world.units["VPL"]])
    with pytest.raises(PermissionDenied):
        source_system_revoke(actor=year.user(role), system=api.system, reason="Lộ token")


def test_issue_and_revoke_check_their_input(year, api):
    hr = year.user(Role.HR)
    with pytest.raises(ValidationError) as refused:
        source_system_issue(actor=hr, name="hệ thống GIAO việc", units=[])
    assert set(refused.value.message_dict) == {"name", "units"}
    with pytest.raises(ValidationError) as refused:
        source_system_revoke(actor=hr, system=api.system, reason="  ")
    assert refused.value.message_dict == {"reason": ["Hãy nêu lý do."]}


@pytest.mark.parametrize("route", sorted(DATA_CALLS))
def test_a_revoked_token_is_refused_everywhere(api, year, route):
    assert api.get("/api/v1/work-items", {"period": "2026-11"}).status_code == 200
    source_system_revoke(actor=year.user(Role.HR), system=api.system, reason="Hệ thống ngừng sử dụng")
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.event, entry.reason) == ("monitoring.api.token_revoked", "Hệ thống ngừng sử dụng")
    method, kwargs = DATA_CALLS[route]
    before = AuditEntry.objects.count()
    response = (
        api.post(reverse(route, kwargs=kwargs), {"items": [item()]})
        if method == "post"
        else api.get(reverse(route, kwargs=kwargs))
    )
    assert response.status_code == 401
    assert response.json() == {"detail": "Token API không hợp lệ hoặc đã bị thu hồi."}
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert WorkItem.objects.count() == 0 and AuditEntry.objects.count() == before


@pytest.mark.parametrize("route", sorted(DATA_CALLS))
@pytest.mark.parametrize("credentials", ["none", "wrong", "malformed", "session"])
def test_no_valid_token_no_data(client, year, route, credentials):
    method, kwargs = DATA_CALLS[route]
    headers = {
        "none": {},
        "wrong": {"HTTP_AUTHORIZATION": "Bearer ct_not-a-token"},
        "malformed": {"HTTP_AUTHORIZATION": "Bearer a b"},
        "session": {},
    }[credentials]
    if credentials == "session":
        client.force_login(year.user(Role.ADMIN))  # even the administrator's session opens no data
    response = getattr(client, method)(reverse(route, kwargs=kwargs), **headers)
    assert response.status_code == 401


def test_the_schema_is_public(client, db):
    response = client.get(reverse("api:schema"))
    assert response.status_code == 200 and b"/api/v1/work-items/batch" in response.content


# --- the HR pages ----------------------------------------------------------------------------
def test_hr_issues_a_token_and_sees_it_once(client_as, year):
    client = client_as(Role.HR)
    response = client.post(
        reverse("api:system_issue"), {"name": "Hệ thống điều hành", "units": [year.world.units["VPL-P1"].pk]}
    )
    assert response.status_code == 200 and "no-store" in response["Cache-Control"].replace(" ", "").split(",")
    token = response.context["token"]
    assert token in response.content.decode()
    listing = client.get(reverse("api:system_list")).content.decode()
    assert "Hệ thống điều hành" in listing and token[:10] in listing and token not in listing
    system = SourceSystem.objects.get()
    assert client.get("/api/v1/work-items?period=2026-11", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    refused = client.post(reverse("api:system_revoke", kwargs={"system_id": system.pk}), {"reason": ""})
    assert refused.status_code == 200 and SourceSystem.objects.get().revoked_at is None
    done = client.post(reverse("api:system_revoke", kwargs={"system_id": system.pk}), {"reason": "Đổi nhà cung cấp"})
    assert done.status_code == 302 and SourceSystem.objects.get().revoked_at is not None
    assert client.get("/api/v1/work-items?period=2026-11", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    twice = client.post(reverse("api:system_revoke", kwargs={"system_id": system.pk}), {"reason": "Lần nữa"})
    assert "đã bị thu hồi" in twice.content.decode()


def test_issuing_twice_the_same_name_keeps_the_input_and_says_why(client_as, year, api):
    client = client_as(Role.HR)
    response = client.post(
        reverse("api:system_issue"), {"name": "Hệ thống giao việc", "units": [year.world.units["VPL"].pk]}
    )
    assert response.status_code == 200 and "token" not in response.context
    content = response.content.decode()
    assert "Đã có hệ thống mang tên này." in content and 'value="Hệ thống giao việc"' in content
    assert SourceSystem.objects.count() == 1


@pytest.mark.parametrize("role", sorted(set(Role.values) - {Role.HR, Role.ADMIN}))
def test_other_roles_cannot_post_to_the_token_pages(client_as, year, api, role):
    client = client_as(role)
    assert (
        client.post(reverse("api:system_issue"), {"name": "X", "units": [year.world.units["VPL"].pk]}).status_code
        == 403
    )
    revoke = reverse("api:system_revoke", kwargs={"system_id": api.system.pk})
    assert client.post(revoke, {"reason": "x"}).status_code == 403
    assert SourceSystem.objects.count() == 1 and SourceSystem.objects.get().revoked_at is None
