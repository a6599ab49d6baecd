"""The evidence download as production serves it: no test transaction around the request (the
view's audit entry once failed with "must be written inside the transaction of its change" for
every real request, while the ordinary test, wrapped in a transaction, passed)."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from congtam.accounts.models import Role
from congtam.audit.models import AuditEntry
from congtam.monitoring import items

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"


def test_a_file_downloads_and_is_logged_outside_any_test_transaction(year, client_as):
    from django.db import connection

    review = year.review("an")
    item = items.item_assign(
        actor=year.user(Role.MANAGER), review=review, catalogue_code="BC", due_on=date(2026, 11, 10)
    )
    evidence = items.evidence_add(actor=year.user(Role.STAFF), item=item, upload=SimpleUploadedFile("Báo cáo.pdf", PDF))
    assert not connection.in_atomic_block
    response = client_as(Role.MANAGER).get(reverse("monitoring:evidence", kwargs={"pk": evidence.pk}))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert AuditEntry.objects.filter(event="monitoring.evidence.viewed").count() == 1
