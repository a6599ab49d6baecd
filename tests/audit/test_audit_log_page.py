from datetime import date

import pytest
from django.urls import reverse

from congtam.accounts.models import Role
from congtam.org import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(world):
    services.authority_override_set(
        actor=world.users[Role.HR],
        person=world.people["anh"],
        kind="evaluator",
        authority=world.people["pho_chu_nhiem"],
        effective_from=date(2026, 1, 1),
        reason="QĐ 7/QĐ-VPQH",
    )
    an = world.people["an"]
    services.person_transfer(
        actor=world.users[Role.ADMIN],
        person=an,
        expected_version=an.version,
        unit=world.units["VTT"],
        on=date(2026, 2, 1),
        reason="QĐ 9",
    )
    return world


def _seqs(client, **params):
    response = client.get(reverse("audit:log"), params)
    assert response.status_code == 200
    return [entry.event for entry in response.context["page"]]


def test_inspector_filters_by_actor_event_subject_and_date(client_as, history):
    client = client_as(Role.INSPECTOR)
    assert _seqs(client, actor="hoa") == ["org.authority.overridden"]
    assert _seqs(client, event="org.person.transferred") == ["org.person.transferred"]
    by_subject = _seqs(client, subject="Nguyễn Văn An")
    assert by_subject[0] == "org.person.transferred" and "org.person.created" in by_subject
    assert _seqs(client, date_from="01/01/2099") == []
    everything = _seqs(client)
    assert everything[:2] == ["org.person.transferred", "org.authority.overridden"]  # newest first
    assert len(everything) == 22


def test_bad_filter_date_is_explained_not_a_crash(client_as, history):
    response = client_as(Role.INSPECTOR).get(reverse("audit:log"), {"date_from": "31/02/2026"})
    assert response.status_code == 200
    assert response.context["form"].errors["date_from"]


def test_the_log_shows_translated_event_labels(client_as, history):
    content = client_as(Role.INSPECTOR).get(reverse("audit:log"), {"event": "org.person.transferred"}).content.decode()
    assert "Điều động, luân chuyển nhân sự" in content
    assert "QĐ 9" in content
