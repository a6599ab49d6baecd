"""Audit events of the unit meeting at year end and of colleague feedback (RULES.md §3.4)."""

from django.utils.translation import gettext_lazy as _

from congtam.audit.events import register

MEETING_RECORDED = register("yearend.meeting.recorded", _("Unit meeting recorded"))
MEETING_DISCUSSION_RECORDED = register(
    "yearend.meeting.discussion_recorded", _("Discussion of a person at the unit meeting recorded")
)
MEETING_ADOPTED = register("yearend.meeting.adopted", _("Unit meeting minutes adopted"))
MEETING_AMENDED = register("yearend.meeting.amended", _("Adopted unit meeting minutes amended"))
FEEDBACK_OPENED = register("yearend.feedback.opened", _("Colleague feedback round opened"))
FEEDBACK_CLOSED = register("yearend.feedback.closed", _("Colleague feedback round closed"))
FEEDBACK_ANSWERED = register("yearend.feedback.answered", _("Colleague feedback given"))
