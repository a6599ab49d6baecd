"""Opening a year: the days to appeal come from the policy preset unless HR sets them."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from congtam.accounts.models import Role
from congtam.yearend import services
from congtam.yearend.models import Year

pytestmark = pytest.mark.django_db


def _open(world, unit="VPL", **options):
    return services.year_open(
        actor=world.users[Role.HR],
        agency=world.agency,
        year=2026,
        staff_group="cong_chuc",
        policy_id="nd335",
        units=[world.units[unit]],
        **options,
    )


def test_the_preset_gives_the_days_to_appeal(world):
    assert _open(world).appeal_days == 15


def test_a_preset_parameter_or_hr_sets_another_number(world):
    assert _open(world, unit="VPL", policy_overrides={"appeal_days": "10"}).appeal_days == 10
    assert _open(world, unit="TCCB", appeal_days=20).appeal_days == 20


def test_a_number_of_days_out_of_range_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        _open(world, appeal_days=0)
    assert "appeal_days" in refused.value.message_dict
    with pytest.raises(ValidationError):
        _open(world, policy_overrides={"appeal_days": "120"})
    assert not Year.objects.exists()


def test_the_page_leaves_it_to_the_preset_when_empty(world, client_as):
    response = client_as(Role.HR).post(
        reverse("yearend:year_open"),
        {
            "year": 2026,
            "staff_group": "cong_chuc",
            "policy_id": "nd335",
            "units": [world.units["VPL"].pk],
            "appeal_days": "",
        },
    )
    assert response.status_code == 302
    assert Year.objects.get().appeal_days == 15
