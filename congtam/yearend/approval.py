"""Approval and announcement of the year-end levels: calibration ends, the competent authorities
approve each level, and the results are announced."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from congtam.accounts.permissions import refuse_own_record
from congtam.audit.services import AuditDraft, Subject, audit_record, audit_record_many
from congtam.core.workflow import perform
from congtam.org.models import Unit
from congtam.yearend import events
from congtam.yearend.models import Classification, ClassificationState, Year, YearState
from congtam.yearend.services import _bump, _lock, _notify, _require_year_state, _year_step


@transaction.atomic
def year_submit_for_approval(*, actor, year: Year) -> Year:
    """Calibration ends: HR hands the levels to the competent authorities."""
    year, before = _year_step(actor, year, "submit_for_approval")
    year.save()
    audit_record(
        actor=actor, event=events.YEAR_STATE_CHANGED, subject=year, old={"state": before}, new={"state": year.state}
    )
    return year


def _approve_one(classification: Classification, actor, now) -> AuditDraft:
    perform(classification, "approve", actor)
    classification.approved_level = classification.calibrated_level or classification.proposed_level
    classification.approved_by, classification.approved_at = actor, now
    _bump(classification)
    classification.save()
    return AuditDraft(
        event=events.LEVEL_APPROVED,
        subject=Subject.of(classification),
        new={"level": classification.approved_level, "state": classification.state},
    )


@transaction.atomic
def approve(*, actor, classification: Classification, expected_version: int) -> Classification:
    """The competent authority approves one person's level; nobody approves their own."""
    refuse_own_record(actor, classification.person_id)
    classification = _lock(classification, expected_version)
    _require_year_state(classification.year, YearState.APPROVING)
    audit_record_many(actor=actor, drafts=[_approve_one(classification, actor, timezone.now())])
    return classification


@transaction.atomic
def approve_by_decision(
    *,
    actor,
    classification: Classification,
    expected_version: int,
    number: str,
    signed_on: date | None,
    signer: str,
    upload,
) -> Classification:
    """HR records the signed decision of the authority outside the installation that fixes the
    level of a person whose competent authority it is (an agency's head): the record approves
    the level, with its audit entry (see :mod:`congtam.monitoring.decisions`)."""
    from congtam.monitoring.decisions import decision_record, decision_values
    from congtam.org.authority import derive_for_person

    refuse_own_record(actor, classification.person_id)
    classification = _lock(classification, expected_version)
    _require_year_state(classification.year, YearState.APPROVING)
    perform(classification, "approve_by_decision", actor)
    authority = derive_for_person(classification.person).approver
    if not authority.external:
        raise ValidationError(
            _("No authority outside the installation is named over this person: their level is approved here.")
        )
    decision = decision_record(
        actor=actor,
        person=classification.person,
        authority=authority.external,
        number=number,
        signed_on=signed_on,
        signer=signer,
        upload=upload,
    )
    classification.approved_level = classification.calibrated_level or classification.proposed_level
    classification.approved_by, classification.approved_at = actor, timezone.now()
    classification.outside_decision = decision
    _bump(classification)
    classification.save()
    audit_record(
        actor=actor,
        event=events.LEVEL_APPROVED_BY_DECISION,
        subject=classification,
        new={
            "level": classification.approved_level,
            "state": classification.state,
            "decision": decision_values(decision),
        },
    )
    return classification


@transaction.atomic
def approve_unit(*, actor, year: Year, unit: Unit) -> int:
    """The competent authority approves, at once, every level of a unit that awaits their own
    approval; the others are left as they are. Returns how many were approved."""
    year = _require_year_state(year, YearState.APPROVING)
    person_id = getattr(actor, "person_id", None)
    locked = list(
        Classification.objects.select_for_update()
        .filter(
            year=year,
            unit=unit,
            approver_id=person_id,
            state__in=[ClassificationState.PROPOSED, ClassificationState.CALIBRATED],
        )
        .exclude(person_id=person_id)
    )
    now = timezone.now()
    drafts = [_approve_one(classification, actor, now) for classification in locked]
    if drafts:
        audit_record_many(actor=actor, drafts=drafts)
    return len(drafts)


@transaction.atomic
def announce(*, actor, year: Year) -> int:
    """Every level approved: the results are announced. Each person is told in the app and by
    e-mail; the list is public inside the agency."""
    year, before = _year_step(actor, year, "announce")
    pending = year.classifications.exclude(state=ClassificationState.APPROVED).count()
    if pending:
        raise ValidationError(
            ngettext("%(count)s level is not approved yet.", "%(count)s levels are not approved yet.", pending)
            % {"count": pending}
        )
    classifications = list(year.classifications.all())
    for classification in classifications:
        perform(classification, "announce", actor)
        _bump(classification)
    Classification.objects.bulk_update(classifications, ["state", "version"], batch_size=1000)
    year.announced_at = timezone.now()
    year.save()
    audit_record(
        actor=actor,
        event=events.RESULTS_ANNOUNCED,
        subject=year,
        old={"state": before},
        new={"state": year.state, "announced": len(classifications)},
    )
    url = reverse("yearend:my_result", kwargs={"pk": year.pk})
    _notify(
        [c.person_id for c in classifications],
        kind="yearend.announced",
        url=url,
        title=_("Your classification for %(year)s is announced") % {"year": year.year},
        body=_("See your level and its explanation; acknowledge it or appeal within %(days)s days.")
        % {"days": year.appeal_days},
    )
    return len(classifications)
