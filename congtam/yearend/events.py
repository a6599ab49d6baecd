from django.utils.translation import gettext_lazy as _

from congtam.audit.events import register

YEAR_OPENED = register("yearend.year.opened", _("Year-end classification opened"))
YEAR_STATE_CHANGED = register("yearend.year.state_changed", _("Year-end classification moved to its next step"))
FACT_RECORDED = register("yearend.fact.recorded", _("Overriding fact recorded"))
FACT_REMOVED = register("yearend.fact.removed", _("Overriding fact withdrawn"))
FACTS_VIEWED = register("yearend.facts.viewed", _("Overriding facts read"))
CRITERIA_RECORDED = register("yearend.criteria.recorded", _("Self-assessment against the criteria recorded"))
PROPOSALS_COMPUTED = register("yearend.proposals.computed", _("Levels proposed by the engine"))
GROUP_SET = register("yearend.group.set", _("Group with similar duties changed"))
LEVEL_CHANGED = register("yearend.level.changed", _("Level changed in calibration"))
QUOTA_EXCEPTION_RECORDED = register("yearend.quota_exception.recorded", _("Quota exception recorded"))
LEVEL_APPROVED = register("yearend.level.approved", _("Level approved"))
LEVEL_APPROVED_BY_DECISION = register(
    "yearend.level.approved_by_decision", _("Level approved by the decision of an outside authority")
)
RESULTS_ANNOUNCED = register("yearend.results.announced", _("Results announced"))
RESULT_ACKNOWLEDGED = register("yearend.result.acknowledged", _("Result acknowledged"))
APPEAL_SUBMITTED = register("yearend.appeal.submitted", _("Appeal submitted"))
APPEAL_DECIDED = register("yearend.appeal.decided", _("Appeal decided"))
YEAR_CLOSED = register("yearend.year.closed", _("Year-end classification closed"))
LEVEL_AMENDED = register("yearend.level.amended", _("Level amended after closing"))
DEMO_HISTORY = register("yearend.demo.history", _("Demo history of a finished year written"))
