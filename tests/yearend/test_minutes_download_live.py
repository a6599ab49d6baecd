"""The adopted minutes download as production serves it: no test transaction around the request
(the download's audit entry once failed outside a transaction, a 500 for every role)."""

import pytest
from django.urls import reverse

from congtam.accounts.models import Role
from congtam.audit.models import AuditEntry
from congtam.yearend.meetings import services
from tests.yearend.test_meetings import discuss, record

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_adopted_minutes_download_outside_any_test_transaction(year_end, client_as):
    from django.db import connection

    world = year_end.world
    meeting = record(year_end)
    discuss(year_end, meeting)
    meeting.refresh_from_db()
    services.meeting_adopt(actor=world.users[Role.MANAGER], meeting=meeting, version=meeting.version)
    assert not connection.in_atomic_block
    url = reverse("yearend:meeting_minutes", kwargs={"pk": year_end.year.pk, "code": "VPL-P1"})
    for role in (Role.MANAGER, Role.HR, Role.INSPECTOR):
        response = client_as(role).get(url)
        assert response.status_code == 200, role
        assert response.content.startswith(b"PK")
    assert AuditEntry.objects.filter(event="yearend.minutes.downloaded").count() == 3
