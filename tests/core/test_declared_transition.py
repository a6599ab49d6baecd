"""core.workflow.declared_transition: a transition as its model declares it, whose conditions a bulk
writer evaluates on rows it has not loaded as models (monitoring's bulk write of work items)."""

import pytest

from congtam.core.workflow import declared_transition
from congtam.monitoring import conditions
from congtam.monitoring.bulk import ItemOfReview, ReviewRow
from congtam.monitoring.models import ItemState, ReviewState, WorkItem


def _review_row(state: str) -> ReviewRow:
    """A review as the bulk writer reads it; the conditions on an item read only its state."""
    return ReviewRow(**{**dict.fromkeys(ReviewRow._fields), "state": state})


def test_the_declaration_gives_the_target_and_the_conditions():
    report = declared_transition(WorkItem, "report_from_system", ItemState.ASSIGNED)
    assert (report.name, report.source, report.target) == ("report_from_system", ItemState.ASSIGNED, ItemState.REPORTED)
    assert report.conditions == (conditions.work_open,)


def test_its_conditions_are_evaluated_on_a_row_with_their_messages():
    report = declared_transition(WorkItem, "report_from_system", ItemState.ASSIGNED)
    assert report.unmet(ItemOfReview(_review_row(ReviewState.IN_PROGRESS))) is None
    assert report.unmet(ItemOfReview(_review_row(ReviewState.PLANNING))) == str(conditions.work_open.refusal_message)


def test_a_state_it_is_not_declared_from_or_a_method_that_is_no_transition_is_refused():
    with pytest.raises(ValueError):
        declared_transition(WorkItem, "report_from_system", ItemState.REPORTED)
    with pytest.raises(TypeError):
        declared_transition(WorkItem, "counts", ItemState.ASSIGNED)
