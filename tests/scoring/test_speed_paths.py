"""The fast paths give exactly what the reference computations give (value and digits)."""

from __future__ import annotations

from decimal import Decimal, localcontext
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from congtam.scoring.api import (
    DeferredPeriodDetail,
    PeriodInput,
    _period_score,
    classify_cohort,
    period_score,
    period_scores,
)
from congtam.scoring.decimals import ENGINE_CONTEXT
from congtam.scoring.methods import UnitInput, WorkItem
from congtam.scoring.xlsx_out import STYLE_BOLD, Sheet, write_workbook

from .helpers import D, policy, scored

POLICIES = [policy(), policy(late_deduction="0.3", task_weight_quality=2), policy(quality_failure_deduction="0.125")]
factor_texts = st.sampled_from(
    ["0.5", "1", "1.0", "1.50", "2", "4", "0.125", "3.3333", "7E+1", "0.000001", "12345678901234567890.123456789"]
)
items = st.builds(
    WorkItem,
    factor=factor_texts.map(Decimal),
    completed=st.booleans(),
    quality_failures=st.integers(0, 20),
    late_count=st.integers(0, 20),
    objective_cause=st.booleans(),
    code=st.text(max_size=3),
)
general = st.one_of(
    st.sampled_from(["0", "30", "27.5", "27.50", "12.345"]).map(Decimal),
    st.fixed_dictionaries(
        {
            c: st.sampled_from(["0", "7.5", "6.25", "7"]).map(Decimal)
            for c in ("chinh_tri_dao_duc", "van_hoa_ky_luat", "trach_nhiem_phuc_vu", "doi_moi_sang_tao")
        }
    ),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(items, min_size=1, max_size=12),
    general,
    st.booleans(),
    st.none() | st.builds(UnitInput, st.integers(0, 100).map(D), st.integers(0, 100).map(D)),
    st.sampled_from(range(len(POLICIES))),
)
def test_fast_period_score_equals_the_reference_to_the_digit(period_items, points, leader, unit, which):
    chosen = POLICIES[which]
    period = PeriodInput("1", tuple(period_items), points, unit)
    with localcontext(ENGINE_CONTEXT):
        reference = _period_score(period, chosen, leader)
    fast = period_score(period, policy=chosen, is_leader=leader)
    assert fast.score == reference.score
    assert str(fast.score) == str(reference.score)  # same digits and exponent, not only the value
    assert isinstance(fast.detail, DeferredPeriodDetail)
    assert fast.detail.resolve() == reference.detail
    assert fast.detail.task == reference.detail.task
    assert period_scores([period], policy=chosen, is_leader=leader) == (fast,)


def test_bad_items_raise_the_reference_errors():
    import pytest

    from congtam.scoring.methods import MethodInputError

    for bad, key in [
        ((WorkItem(D(0), True, code="A"),), "item_factor_not_positive"),
        ((WorkItem(D(1), True, -1, code="A"),), "item_negative_count"),
        ((), "no_items_assigned"),
    ]:
        with pytest.raises(MethodInputError) as error:
            period_score(PeriodInput("1", bad, D(20)), policy=POLICIES[0])
        assert error.value.message_key == key


def test_known_in_range_scores_are_still_checked_when_out_of_range():
    import pytest

    from congtam.scoring.methods import MethodInputError

    classify_cohort([scored("A", 50, 60)], POLICIES[0])
    with pytest.raises(MethodInputError):
        classify_cohort([scored("B", 50, "100.01")], POLICIES[0])


def test_xlsx_writer_cells_read_back(tmp_path: Path):
    sheet = Sheet("Kết quả")
    sheet.row(["Mã", "Tên"], STYLE_BOLD)
    values = ["a&b<c>", " lead", "x_x0041_y", "ctl\x01", "Nguyễn Thị Ánh", 89.75, 3, True, "", None, 0.1 + 0.2]
    sheet.row(values)
    path = tmp_path / "out.xlsx"
    write_workbook(path, [sheet, Sheet("Tỷ lệ")])
    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == ["Kết quả", "Tỷ lệ"]
    rows = book.get_sheet_by_name("Kết quả").to_python()
    assert rows[0] == ["Mã", "Tên"] + [""] * 9
    assert rows[1][:9] == ["a&b<c>", " lead", "x_x0041_y", "ctl\x01", "Nguyễn Thị Ánh", 89.75, 3, True, ""]
    assert rows[1][10] == float(f"{0.1 + 0.2:.16G}")  # numbers written as xlsxwriter writes them
