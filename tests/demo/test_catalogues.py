"""The demo catalogues: every position gets 5 to 12 products of its own field of work, the same
for the same seed, through the import (version 1, audited)."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest

from congtam.audit.models import AuditEntry
from congtam.catalogue import events
from congtam.catalogue.models import CatalogueItem, CatalogueVersion
from congtam.demo.catalogues import CONTRACT_POSTS, FIELDS, LEADERSHIP, demo_rows, load_demo_catalogues
from congtam.demo.organisation import build_positions
from congtam.org import services as org_services
from congtam.org.models import Position
from tests.catalogue.helpers import snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_positions(world):
    """The demo agency's job positions, added to the canonical agency."""
    for row in build_positions():
        org_services.position_create(
            actor=None,
            agency=world.agency,
            code=row.code,
            title=row.title,
            rank=row.rank,
            is_leadership=row.is_leadership,
        )
    return list(Position.objects.filter(agency=world.agency).order_by("code"))


def _catalogues() -> dict[str, list[tuple]]:
    found = defaultdict(list)
    for item in (
        CatalogueItem.objects.filter(version_to__isnull=True)
        .select_related("position")
        .order_by("position__code", "code")
    ):
        found[item.position.code].append((item.code, item.name, item.unit, item.factor, item.quality_requirement))
    return found


def test_every_position_gets_a_catalogue_of_its_own_field(world, demo_positions):
    report = load_demo_catalogues(world.agency, random.Random(2026))
    assert report.ok and len(report.changed_positions) == len(demo_positions)
    catalogues = _catalogues()
    assert set(catalogues) == {position.code for position in demo_positions}
    for code, items in catalogues.items():
        assert 5 <= len(items) <= 12, code
        assert all(item[3] > 0 and item[1] and item[2] and item[4] for item in items), code
    names = lambda code: {item[1] for item in catalogues[code]}  # noqa: E731
    assert names("PL-CV") <= {product.name for product in FIELDS["PL"]}
    assert names("NS-KTV") <= {product.name for product in FIELDS["NS"]}
    assert names("CNTT-KS") <= {product.name for product in FIELDS["CNTT"]}
    assert names("LD-VT") <= {product.name for product in LEADERSHIP}
    assert names("HD-LX") <= {product.name for product in CONTRACT_POSTS["HD-LX"]}
    assert set(CatalogueVersion.objects.values_list("number", flat=True)) == {1}
    assert AuditEntry.objects.filter(event=events.ITEM_CREATED).count() == CatalogueItem.objects.count()


def test_the_legal_specialists_products_weigh_a_review_report_above_a_comment_letter():
    review = {product.name: product.factor for product in FIELDS["PL"]}
    assert review["Báo cáo thẩm tra dự án luật"] == "4"
    assert review["Văn bản góp ý dự thảo văn bản quy phạm pháp luật"] == "1"
    assert review["Tờ trình"] == "2"


def test_the_same_seed_gives_the_same_catalogues_and_loading_again_changes_nothing(world, demo_positions):
    first = demo_rows(demo_positions, random.Random(7))
    assert demo_rows(demo_positions, random.Random(7)) == first
    assert demo_rows(demo_positions, random.Random(8)) != first
    load_demo_catalogues(world.agency, random.Random(7))
    before = snapshot()
    report = load_demo_catalogues(world.agency, random.Random(7))
    assert report.ok and report.changed_positions == []
    assert snapshot() == before
