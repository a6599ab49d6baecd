"""NUL (and lone surrogates) in an address, a query or a form field: a 400 with the app's own page,
or the API's JSON error, before anything reaches the database (PostgreSQL refuses NUL in text with
a 500 deep in a query)."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from congtam.accounts.models import Role
from congtam.core.middleware import has_unreadable_input

pytestmark = pytest.mark.django_db

PAGES_WITH_NUL = [
    "/org/people/?q=%00",
    "/year-end/reports/?unit=%00",
    "/org/units/%00/",
    "/org/people/%00/",
]


@pytest.mark.parametrize("url", PAGES_WITH_NUL)
@pytest.mark.parametrize("role", [Role.HR, Role.STAFF])
def test_nul_in_a_page_address_is_a_translated_400(client_as, url, role):
    response = client_as(role).get(url)
    assert response.status_code == 400
    assert "text/html" in response["Content-Type"]
    content = response.content.decode()
    assert "Không đọc được yêu cầu" in content and "ký tự NUL" in content
    assert "\x00" not in content


@pytest.mark.parametrize("url", PAGES_WITH_NUL)
def test_nul_is_refused_before_sign_in_too(client, world, url):
    assert client.get(url).status_code == 400


def test_the_page_is_in_english_for_one_who_chose_english(client_as):
    client = client_as(Role.HR)
    client.cookies["django_language"] = "en"
    response = client.get("/org/people/?q=%00")
    assert response.status_code == 400 and b"The request cannot be read" in response.content


@pytest.mark.parametrize(
    "url",
    ["/api/v1/work-items/PG%00X", "/api/v1/work-items?staff_code=%00", "/api/v1/period-scores?period=2026-11&unit=%00"],
)
def test_nul_in_an_api_address_is_the_apis_json_error(client, world, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Địa chỉ hoặc biểu mẫu có ký tự không đọc được (chẳng hạn ký tự NUL)."}


def test_nul_in_a_form_field_is_refused_before_the_sign_in_is_tried(client, world):
    from axes.models import AccessAttempt

    response = client.post(reverse("login"), {"username": "an\x00", "password": "x"})
    assert response.status_code == 400
    assert not AccessAttempt.objects.exists()


def test_nul_in_a_multipart_field_or_the_name_of_a_file_field_is_refused(client_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_as(Role.HR)
    assert client.post(reverse("org:import"), {"note": "a\x00b"}).status_code == 400
    upload = SimpleUploadedFile("to-chuc.xlsx", b"PK\x03\x04")
    assert client.post(reverse("org:import"), {"file\x00": upload}).status_code == 400


def test_ordinary_input_passes(client_as):
    client = client_as(Role.HR)
    assert client.get("/org/people/?q=Nguy%E1%BB%85n").status_code == 200
    # Broken UTF-8 is read by Django as a replacement character, not as a surrogate: no refusal.
    assert client.get("/org/people/?q=%ED%A0%80").status_code == 200


@pytest.mark.parametrize("text", ["\x00", "a\ud800", "\udfff"])
def test_lone_surrogates_and_nul_are_unreadable_wherever_they_come_from(text):
    factory = RequestFactory()
    assert has_unreadable_input(factory.get("/org/people/", {"q": "x"})) is False
    request = factory.post("/org/people/", {"q": "x"})
    request.POST = request.POST.copy()
    request.POST["q"] = text
    assert has_unreadable_input(request) is True
    request = factory.get("/org/people/")
    request.path_info = "/org/people/" + text + "/"
    assert has_unreadable_input(request) is True
