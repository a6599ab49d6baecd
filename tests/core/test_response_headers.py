"""Headers on every page: a strict Content-Security-Policy, and for a signed-in person nothing kept
by the browser or a proxy (Cache-Control: no-store), downloads included; static files keep theirs."""

import pytest
from django.urls import reverse

from congtam.accounts.models import Role
from tests.yearend.conftest import chairman, today, year_end  # noqa: F401 (fixtures)
from tests.yearend.test_exports import _approved, _form_url

pytestmark = pytest.mark.django_db


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


def _no_store(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def test_the_policy_allows_nothing_inline_and_nothing_from_elsewhere(client, world):
    directives = _directives(client.get(reverse("login")))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"] and directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"] and directives["base-uri"] == ["'self'"]
    assert not any("'unsafe-inline'" in values or "'unsafe-eval'" in values for values in directives.values())


def test_a_person_page_is_not_stored(client_as, world):
    response = client_as(Role.HR).get(reverse("org:person_detail", kwargs={"staff_code": "NV021"}))
    assert response.status_code == 200
    assert _no_store(response) and "Content-Security-Policy" in response


def test_the_organisation_export_is_not_stored(client_as):
    response = client_as(Role.HR).get(reverse("org:export"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert _no_store(response)


@pytest.mark.parametrize("extension", ["docx", "pdf"])
def test_an_evaluation_form_download_is_not_stored(year_end, chairman, client_as, extension):  # noqa: F811
    response = client_as(Role.HR).get(_form_url(_approved(year_end, chairman), extension))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert _no_store(response)


def test_an_error_page_for_a_signed_in_person_is_not_stored_either(client_as):
    response = client_as(Role.STAFF).get("/org/people/?q=%00")
    assert response.status_code == 400 and _no_store(response)


def test_static_files_keep_their_caching(client_as):
    response = client_as(Role.HR).get("/static/congtam/congtam.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
