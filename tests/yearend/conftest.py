"""A year-end classification on the canonical agency: the civil servants of Vụ Pháp luật under
nd335, with quarterly period scores already approved (set on the reviews the monitoring services
opened: the monitoring workflow itself is tested in tests/monitoring)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

TODAY = date(2026, 12, 10)


@dataclass
class YearEnd:
    world: object
    cycle: object
    year: object

    def user(self, role):
        return self.world.users[role]

    def person(self, key):
        return self.world.people[key]

    def classification(self, key):
        from congtam.yearend.models import Classification

        return Classification.objects.select_related("year", "person", "unit").get(
            year=self.year, person=self.world.people[key]
        )


def approve_scores(cycle, person, scores):
    """Give ``person`` an approved review with each of ``scores`` (one per quarter)."""
    from congtam.monitoring.models import Review

    for number, score in enumerate(scores, start=1):
        Review.objects.filter(period__cycle=cycle, period__number=number, person=person).update(
            state="approved", score_exact=str(Decimal(score)), score=Decimal(score)
        )


@pytest.fixture
def today(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def open_year(world, **overrides) -> YearEnd:
    """Quarterly periods for Vụ Pháp luật, and its year-end classification under nd335 (with
    ``overrides`` of the preset's parameters). Leaders score 80 every quarter unless changed."""
    from congtam.accounts.models import Role
    from congtam.monitoring import cycles
    from congtam.yearend import services

    hr = world.users[Role.HR]
    cycle = cycles.cycle_open(
        actor=hr,
        agency=world.agency,
        year=2026,
        frequency="quarterly",
        staff_group="cong_chuc",
        policy_id="nd335",
        units=[world.units["VPL"]],
    )
    cycles.reviews_open(cycle, actor=hr)
    year = services.year_open(
        actor=hr,
        agency=world.agency,
        year=2026,
        staff_group="cong_chuc",
        policy_id="nd335",
        units=[world.units["VPL"]],
        policy_overrides=overrides,
    )
    for key in ("vu_truong", "pho_vu_truong", "truong_phong"):
        approve_scores(cycle, world.people[key], [80, 80, 80, 80])
    return YearEnd(world, cycle, year)


@pytest.fixture
def year_end(world, today):
    return open_year(world)


@pytest.fixture
def chairman(world):
    """A login for the agency's head (Vương Đình Hải): the level above Vụ Pháp luật's head."""
    from congtam.accounts.models import Role
    from tests.factories import make_user

    return make_user("hai", role=Role.LEADERSHIP, person=world.people["chu_nhiem"])
