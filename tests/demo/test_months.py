"""The demo's year of monitoring: closed months with the engine's scores, an open month that the
demo logins can walk."""

import io
from datetime import date

import pytest
from django.core.management import call_command

from congtam.accounts.models import User
from congtam.demo.months import demo_months
from congtam.monitoring.models import ItemState, Period, Review, ReviewState
from congtam.monitoring.scoring import review_score

pytestmark = pytest.mark.django_db


def test_the_demo_year_has_closed_months_scored_by_the_engine_and_an_open_month(today):
    out = io.StringIO()
    call_command("demo", "--size", "100", "--year", "yes", stdout=out)
    assert "10" in out.getvalue() and "11" in out.getvalue()
    closed = Period.objects.filter(cycle__year=2026, number__lt=11)
    assert closed.count() == 10 and set(closed.values_list("state", flat=True)) == {"closed"}
    approved = Review.objects.filter(period__in=closed)
    assert approved.exists() and set(approved.values_list("state", flat=True)) == {ReviewState.APPROVED}
    sample = approved.select_related("period__cycle").order_by("pk")[7]
    assert review_score(sample, list(sample.items.all()), list(sample.ratings.all())).score == sample.exact_score
    # The staff login's November: a plan acknowledged, one item reported and awaiting the check.
    staff = User.objects.get(username="nhanvien")
    november = Review.objects.get(person=staff.person, period__number=11, period__cycle__year=2026)
    assert november.state == ReviewState.IN_PROGRESS
    assert november.items.filter(state=ItemState.REPORTED).count() == 1
    assert november.evaluator_id == User.objects.get(username="truongphong").person_id
    # Year end: last year finished (every level final, the engine's proposal approved), this year at
    # calibration for the public employees (criteria model), with the engine's proposals.
    from congtam.yearend.models import Year

    finished = Year.objects.get(year=2025)
    assert finished.state == "closed" and finished.model == "points"
    assert set(finished.classifications.values_list("state", flat=True)) == {"final"}
    assert all(row.approved_level == row.proposed_level for row in finished.classifications.all())
    assert (
        Review.objects.filter(period__cycle__year=2025, state=ReviewState.APPROVED).count()
        == 12 * finished.classifications.count()
    )
    calibrating = Year.objects.get(year=2026)
    assert calibrating.state == "calibrating" and calibrating.model == "criteria"
    assert calibrating.classifications.count() == calibrating.self_assessments.count()


@pytest.mark.parametrize(
    "today, shown",
    [
        (date(2026, 11, 20), (2026, 11)),
        (date(2026, 4, 1), (2026, 4)),
        (date(2027, 2, 10), (2026, 12)),
    ],
)
def test_the_year_shown_always_has_closed_months(today, shown):
    assert demo_months(today) == shown
