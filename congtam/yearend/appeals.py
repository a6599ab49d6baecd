"""The person's answer to the announced result: acknowledged, or appealed within the deadline to the
level above the approver, who upholds or changes the level."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from congtam.accounts.permissions import refuse_own_record
from congtam.audit.services import audit_record
from congtam.core import permissions
from congtam.core.workflow import perform
from congtam.org.authority import derive_for_person
from congtam.vietnamese import clean_text
from congtam.yearend import events
from congtam.yearend.calibration import QuotaReport, _change, _quota_after_change
from congtam.yearend.models import Appeal, AppealDecision, ChangeKind, Classification, Year
from congtam.yearend.services import _bump, _level, _lock, _notify, _reason


def appeal_deadline(year: Year):
    return timezone.localtime(year.announced_at).date() + timedelta(days=year.appeal_days)


@transaction.atomic
def acknowledge(*, actor, classification: Classification, expected_version: int) -> Classification:
    classification = _lock(classification, expected_version)
    perform(classification, "acknowledge", actor)
    classification.acknowledged_at = timezone.now()
    _bump(classification)
    classification.save()
    audit_record(
        actor=actor, event=events.RESULT_ACKNOWLEDGED, subject=classification, new={"state": classification.state}
    )
    return classification


@transaction.atomic
def appeal_submit(
    *, actor, classification: Classification, expected_version: int, reason: str, documents: str = ""
) -> Appeal:
    """The person appeals within the deadline; the appeal goes to the level above the approver
    (the approver's own competent authority)."""
    classification = _lock(classification, expected_version)
    if permissions.has_perm(
        actor, "yearend.respond_to_level", classification
    ) and timezone.localdate() > appeal_deadline(classification.year):
        raise ValidationError(
            _("The deadline to appeal was %(date)s.")
            % {"date": appeal_deadline(classification.year).strftime("%d/%m/%Y")}
        )
    reason = _reason(reason)
    perform(classification, "submit_appeal", actor)
    decider = None
    if classification.approver_id:
        decider = derive_for_person(classification.approver).approver.person_id
    if decider is None or decider in (classification.person_id, classification.approver_id):
        raise ValidationError(
            _("No one above the approver can decide this appeal: ask the personnel department to set the authority.")
        )
    appeal = Appeal.objects.create(
        classification=classification,
        reason=reason,
        documents=clean_text(documents or ""),
        deadline=appeal_deadline(classification.year),
        decider_id=decider,
    )
    _bump(classification)
    classification.save()
    audit_record(
        actor=actor,
        event=events.APPEAL_SUBMITTED,
        subject=classification,
        new={"state": classification.state, "decider": decider},
        reason=reason,
    )
    _notify(
        [decider],
        kind="yearend.appeal",
        url=reverse("yearend:appeals"),
        title=_("An appeal against a classification awaits your decision"),
    )
    return appeal


@transaction.atomic
def appeal_decide(
    *, actor, appeal: Appeal, expected_version: int, decision: str, reason: str, new_level: str = ""
) -> QuotaReport | None:
    """The level above the approver upholds or changes the level, with a reason. A changed level
    is checked against the quota of the unit and group (refused if it would exceed a cap) and the
    report says who, over quota before, now fits."""
    refuse_own_record(actor, appeal.classification.person_id)
    classification = _lock(appeal.classification, expected_version)
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    classification.appeal = appeal
    if decision not in AppealDecision.values:
        raise ValidationError({"decision": _("Choose whether the level is upheld or changed.")})
    reason = _reason(reason)
    perform(classification, "decide_appeal", actor)
    before = classification.level
    report = None
    if decision == AppealDecision.CHANGED:
        new_level = _level(new_level, "new_level")
        if new_level == before:
            raise ValidationError({"new_level": _("The level is already %(level)s.") % {"level": new_level}})
        classification.approved_level = new_level
        _change(actor, classification, kind=ChangeKind.APPEAL, before=before, after=new_level, reason=reason)
    else:
        new_level = ""
    appeal.decision, appeal.new_level, appeal.decision_reason = decision, new_level, reason
    appeal.decided_by, appeal.decided_at = actor, timezone.now()
    appeal.save()
    _bump(classification)
    classification.save()
    if decision == AppealDecision.CHANGED:
        report = _quota_after_change(classification.year, classification)
    audit_record(
        actor=actor,
        event=events.APPEAL_DECIDED,
        subject=classification,
        old={"level": before},
        new={
            "decision": decision,
            "level": classification.level,
            "now_fit": [row.name for row in report.now_fit] if report else [],
        },
        reason=reason,
    )
    _notify(
        [classification.person_id],
        kind="yearend.appeal_decided",
        url=reverse("yearend:my_result", kwargs={"pk": classification.year_id}),
        title=_("Your appeal has been decided"),
    )
    return report
