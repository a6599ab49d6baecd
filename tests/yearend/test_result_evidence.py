"""The person's own result shows the level, the explanation and the evidence behind it: each
approved period review of the year (its work items, checks and evidence), or the self-assessment."""

import pytest
from django.urls import reverse

from congtam.accounts.models import Role
from congtam.monitoring.models import Review
from tests.yearend.test_pages import _announce_all

pytestmark = pytest.mark.django_db


def test_the_person_sees_each_period_review_behind_the_level(year_end, chairman, client_as, count_queries):
    _announce_all(year_end, chairman)
    client = client_as(Role.STAFF)
    url = reverse("yearend:my_result", kwargs={"pk": year_end.year.pk})
    page = client.get(url).content.decode()
    evidence = page[page.index('data-testid="evidence"') :]
    reviews = Review.objects.filter(person=year_end.person("an"), period__cycle=year_end.cycle)
    assert reviews.count() == 4
    for review in reviews:
        link = reverse("monitoring:review", kwargs={"pk": review.pk})
        assert link in evidence
        assert client.get(link).status_code == 200  # the person opens each of them
    assert "80,00" in evidence
    other = Review.objects.filter(person=year_end.person("binh"), period__cycle=year_end.cycle).first()
    assert reverse("monitoring:review", kwargs={"pk": other.pk}) not in page
