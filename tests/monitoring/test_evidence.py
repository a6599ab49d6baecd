"""Evidence: type and size checked, kept outside the web root, served only to those allowed and
each download written to the audit trail."""

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from congtam.accounts.models import Role
from congtam.audit.models import AuditEntry
from congtam.monitoring import items

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"


@pytest.fixture
def item(year):
    review = year.review("an")
    item = items.item_assign(
        actor=year.user(Role.MANAGER), review=review, catalogue_code="BC", due_on=date(2026, 11, 10)
    )
    items.plan_acknowledge(actor=year.user(Role.STAFF), review=review, expected_version=year.review("an").version)
    return item


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("virus.exe", b"MZ\x90\x00", "Không chấp nhận tệp loại này"),
        ("bao-cao.pdf", b"PK\x03\x04 not a pdf", "không khớp với phần mở rộng"),
        ("trong.pdf", b"", "Tệp rỗng"),
    ],
)
def test_a_bad_file_is_refused_with_its_reason(year, item, name, content, message):
    with pytest.raises(ValidationError, match=message):
        items.evidence_add(actor=year.user(Role.STAFF), item=item, upload=SimpleUploadedFile(name, content))
    assert not item.evidence.exists()


def test_a_file_over_the_limit_is_refused(year, item, settings):
    settings.CONGTAM_EVIDENCE_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="quá lớn"):
        items.evidence_add(actor=year.user(Role.STAFF), item=item, upload=SimpleUploadedFile("a.pdf", PDF))


def test_a_document_is_kept_outside_the_web_root_and_served_only_to_those_allowed(year, item, client_as):
    evidence = items.evidence_add(
        actor=year.user(Role.STAFF),
        item=item,
        upload=SimpleUploadedFile("Báo cáo.pdf", PDF),
        description="Bản trình Vụ trưởng",
    )
    stored = Path(settings.CONGTAM_EVIDENCE_ROOT) / evidence.file.name
    assert stored.read_bytes() == PDF
    assert not str(stored).startswith(str(settings.STATIC_ROOT)) and not str(stored).startswith(
        str(settings.MEDIA_ROOT)
    )
    url = reverse("monitoring:evidence", kwargs={"pk": evidence.pk})
    response = client_as(Role.MANAGER).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert AuditEntry.objects.filter(event="monitoring.evidence.viewed", actor_label="son").exists()
    # Leadership reads reviews for the dashboards, but not the documents of people it has no part in.
    assert client_as(Role.LEADERSHIP).get(url).status_code == 403


def test_only_the_person_attaches_evidence_and_a_link_is_accepted(year, item):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        items.evidence_add(actor=year.user(Role.MANAGER), item=item, link="https://vanban.quochoi.vn/so/123")
    evidence = items.evidence_add(actor=year.user(Role.STAFF), item=item, link="https://vanban.quochoi.vn/so/123")
    assert evidence.link.endswith("/123")
    with pytest.raises(ValidationError, match="một tệp hoặc"):
        items.evidence_add(actor=year.user(Role.STAFF), item=item)
