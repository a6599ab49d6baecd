"""An evidence link is never a redirect through the app: a page names where it goes and offers a
plain link; only web addresses (http, https) are accepted, and an older address of another kind is
shown as text."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from congtam.accounts.models import Role
from congtam.monitoring import items
from congtam.monitoring.models import Evidence

pytestmark = pytest.mark.django_db

LINK = "https://vanban.quochoi.vn/so/123?ban=2"


@pytest.fixture
def item(year):
    review = year.review("an")
    item = items.item_assign(
        actor=year.user(Role.MANAGER), review=review, catalogue_code="BC", due_on=date(2026, 11, 10)
    )
    items.plan_acknowledge(actor=year.user(Role.STAFF), review=review, expected_version=year.review("an").version)
    return item


def _open(client, evidence):
    return client.get(reverse("monitoring:evidence", kwargs={"pk": evidence.pk}))


def test_a_link_opens_a_page_naming_its_target_not_a_redirect(year, item, client_as):
    evidence = items.evidence_add(actor=year.user(Role.STAFF), item=item, link=LINK, description="Công văn trình")
    response = _open(client_as(Role.MANAGER), evidence)
    assert response.status_code == 200 and "Location" not in response
    content = response.content.decode()
    assert "Bạn sắp rời Công Tâm" in content and "để mở" in content
    assert 'href="https://vanban.quochoi.vn/so/123?ban=2"' in content.replace("&amp;", "&")
    assert 'rel="noopener noreferrer"' in content and "Công văn trình" in content


def test_the_link_page_is_refused_to_those_who_may_not_see_the_review(year, item, client_as):
    evidence = items.evidence_add(actor=year.user(Role.STAFF), item=item, link=LINK)
    assert _open(client_as(Role.LEADERSHIP), evidence).status_code == 403


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "ftp://kho.quochoi.vn/a.pdf",
        "file:///etc/passwd",
        "data:text/html,<b>x</b>",
        "https://",
        "//vanban.quochoi.vn/so/1",
    ],
)
def test_only_web_addresses_are_accepted(year, item, link):
    with pytest.raises(ValidationError, match="Chỉ chấp nhận liên kết là địa chỉ web"):
        items.evidence_add(actor=year.user(Role.STAFF), item=item, link=link)
    assert not item.evidence.exists()


def test_the_form_says_why_an_ftp_link_is_refused(year, item, client_as):
    url = reverse("monitoring:evidence_add", kwargs={"pk": item.review_id, "item_id": item.pk})
    response = client_as(Role.STAFF).post(url, {f"item{item.pk}-evidence-link": "ftp://kho.quochoi.vn/a.pdf"})
    assert response.status_code == 400
    assert "Chỉ chấp nhận liên kết là địa chỉ web" in response.content.decode()
    assert not item.evidence.exists()


@pytest.mark.parametrize("link", ["http://vanban.quochoi.vn/so/1", "HTTPS://VANBAN.QUOCHOI.VN/so/1"])
def test_http_and_https_are_accepted(year, item, link):
    assert items.evidence_add(actor=year.user(Role.STAFF), item=item, link=link).link == link


@pytest.mark.parametrize("stored", ["javascript:alert(document.cookie)", "ftp://kho.quochoi.vn/a.pdf"])
def test_an_older_address_of_another_kind_is_shown_as_text_not_as_a_link(year, item, client_as, stored):
    evidence = Evidence.objects.create(item=item, link=stored, added_by=year.user(Role.STAFF))
    response = _open(client_as(Role.MANAGER), evidence)
    assert response.status_code == 200
    content = response.content.decode()
    assert "không phải địa chỉ web" in content and stored in content
    assert f'href="{stored}"' not in content and 'data-testid="link-open"' not in content
