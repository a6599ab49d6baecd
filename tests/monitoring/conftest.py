"""A monitoring year on the canonical agency: the civil servants of Vụ Pháp luật under nd335,
monthly, with a catalogue for the legal specialists' position, and a fixed "today" inside
November 2026 so that the tests never depend on the real date."""

from dataclasses import dataclass
from datetime import date

import pytest

TODAY = date(2026, 11, 20)
# "Today" is inside November, so a November score is sent before the month ends: with a reason.
EARLY = "Chuyển công tác từ ngày 01/12/2026"


@dataclass
class MonitoringYear:
    world: object
    cycle: object
    november: object

    def review(self, key: str):
        from congtam.monitoring.models import Review

        return Review.objects.select_related("period__cycle", "person").get(
            period=self.november, person=self.world.people[key]
        )

    def user(self, role: str):
        return self.world.users[role]


@pytest.fixture
def today(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


@pytest.fixture
def year(world, today):
    from congtam.accounts.models import Role
    from congtam.catalogue.models import CatalogueItem, CatalogueVersion
    from congtam.monitoring import cycles
    from congtam.org.models import Category

    position = world.positions["CV"]
    CatalogueVersion.objects.create(position=position, number=1, note="test")
    for code, name, factor in [("BC", "Báo cáo thẩm tra", "4"), ("GY", "Văn bản góp ý", "1"), ("TT", "Tờ trình", "2")]:
        CatalogueItem.objects.create(
            position=position,
            code=code,
            name=name,
            unit="văn bản",
            factor=factor,
            quality_requirement="Đúng thể thức, đủ nội dung",
            version_from=1,
        )
    cycle = cycles.cycle_open(
        actor=world.users[Role.HR],
        agency=world.agency,
        year=2026,
        frequency="monthly",
        staff_group=Category.CONG_CHUC,
        policy_id="nd335",
        units=[world.units["VPL"]],
    )
    cycles.reviews_open(cycle, actor=world.users[Role.HR])
    return MonitoringYear(world=world, cycle=cycle, november=cycle.periods.get(number=11))
