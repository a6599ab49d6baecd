"""Whose yearly level depends on one rating: the period scores whose omission alone moves the
average into another band (shown on the calibration page)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from congtam.scoring.api import pivotal_periods
from congtam.scoring.classify import PeriodScore, points_band, yearly_score

from .helpers import D, policy

POLICY = policy()


def _periods(*scores):
    return [PeriodScore(f"Q{number}", D(score)) for number, score in enumerate(scores, start=1)]


def test_example_1_hangs_on_its_highest_quarter():
    # 92, 88, 91, 89 → 90.00, HTXSNV. Without the 92: 89.33, HTTNV; without the 91: 89.67, HTTNV.
    periods = _periods(92, 88, 91, 89)
    assert [p.period for p in pivotal_periods(periods, POLICY)] == ["Q1", "Q3"]


def test_a_steady_year_hangs_on_no_single_rating():
    assert pivotal_periods(_periods(95, 94, 96, 95), POLICY) == ()
    assert pivotal_periods(_periods(80), POLICY) == ()  # one period: nothing to leave out


def test_a_low_month_can_hold_a_person_down():
    # 12 months: eleven at 92 and one at 70 → 90.17; without the 70 it stays HTXSNV, with it too.
    assert pivotal_periods(_periods(*[92] * 11, 70), POLICY) == ()
    # eleven at 91 and one at 75 → 89.67, HTTNV; without the 75: 91, HTXSNV — the 75 decides.
    assert [p.period for p in pivotal_periods(_periods(*[91] * 11, 75), POLICY)] == ["Q12"]


scores = st.lists(st.integers(0, 400).map(lambda q: D(q) / 4), min_size=1, max_size=12)


@given(scores)
def test_the_shortcut_equals_leaving_out_each_score_in_turn(values):
    periods = _periods(*values)
    settings = POLICY.settings
    band = points_band(yearly_score(periods), settings)
    expected = tuple(
        p
        for index, p in enumerate(periods)
        if len(periods) > 1 and points_band(yearly_score(periods[:index] + periods[index + 1 :]), settings) != band
    )
    assert pivotal_periods(periods, POLICY) == expected
