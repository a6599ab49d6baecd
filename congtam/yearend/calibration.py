"""Calibration of the year-end levels: HR changes a proposed level or a person's group, records a
quota exception, and after closing amends a level; every changed level is checked against the
quota of its unit and group."""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from congtam.accounts.permissions import refuse_own_record
from congtam.audit.services import audit_record
from congtam.core.workflow import perform
from congtam.vietnamese import clean_text
from congtam.yearend import events
from congtam.yearend.models import ChangeKind, Classification, LevelChange, QuotaException, Year, YearState
from congtam.yearend.quota import GROUP, UNIT, Row, ScopeStatus, quota_check
from congtam.yearend.services import (
    _bump,
    _level,
    _lock,
    _plain_rows,
    _reason,
    _require_hr,
    _require_year_state,
    year_policy,
)


# --- quota after a change --------------------------------------------------------------------
@dataclass
class QuotaReport:
    """What a change did to the quota: the scopes touched, and those over quota who now fit."""

    scopes: list[ScopeStatus]
    now_fit: list[Row]


def _rows(year: Year) -> list[Row]:
    """Every classification of the year as the quota sees it, without names (read for the few who
    are named afterwards: see :func:`_named`), in no order (quota_check ranks them)."""
    return [
        Row(pk, unit_id, group, amended or approved or calibrated or proposed, over, rank, "")
        for pk, unit_id, group, proposed, calibrated, approved, amended, over, rank in _plain_rows(
            year.classifications.order_by().values_list(
                "pk",
                "unit_id",
                "group",
                "proposed_level",
                "calibrated_level",
                "approved_level",
                "amended_level",
                "over_quota",
                "rank_in_group",
            )
        )
    ]


def _named(rows: list[Row]) -> list[Row]:
    names = dict(Classification.objects.filter(pk__in=[row.pk for row in rows]).values_list("pk", "person__full_name"))
    return [replace(row, name=names[row.pk]) for row in rows]


def _quota_after_change(year: Year, classification: Classification) -> QuotaReport:
    """Recount the quota of the classification's unit and group; refuse (roll back) if either is
    now over its cap, naming the scope; otherwise say who, over quota before, now fits."""
    policy = year_policy(year)
    exceptions = dict(year.quota_exceptions.values_list("group", "decision_reference"))
    scopes = quota_check(_rows(year), policy, exceptions)
    touched = [scopes[key] for key in ((UNIT, classification.unit_id), (GROUP, classification.group)) if key in scopes]
    for status in touched:
        if status.exceeded:
            what = (
                _("the group “%(group)s”") % {"group": status.key}
                if status.kind == GROUP
                else _("the unit %(unit)s") % {"unit": classification.unit}
            )
            raise ValidationError(
                _(
                    "This change would put %(count)s people at HTXSNV in %(what)s, over its cap of %(cap)s. Lower "
                    "someone else first, or record a quota exception for the group with its decision."
                )
                % {"count": status.excellent, "what": what, "cap": status.cap}
            )
    unit_status = scopes.get((UNIT, classification.unit_id))
    group_status = scopes.get((GROUP, classification.group))
    now_fit = []
    if group_status is not None:
        for row in group_status.next_in_line:
            unit = scopes[(UNIT, row.unit_id)]
            if row.pk != classification.pk and (unit.free_places > 0 or row.group in exceptions):
                now_fit.append(row)
    if unit_status is not None:
        for row in unit_status.next_in_line:
            if row.pk != classification.pk and row not in now_fit and scopes[(GROUP, row.group)].free_places > 0:
                now_fit.append(row)
    return QuotaReport(touched, _named(now_fit))


def _change(actor, classification: Classification, *, kind: str, before: str, after: str, reason: str) -> None:
    LevelChange.objects.create(
        classification=classification, kind=kind, from_level=before, to_level=after, reason=reason, changed_by=actor
    )


@transaction.atomic
def level_change(
    *, actor, classification: Classification, expected_version: int, level: str, reason: str
) -> QuotaReport:
    """Calibration: HR changes a proposed level, with a reason. The quota of the person's unit and
    group is checked again; a change that would exceed a cap is refused."""
    refuse_own_record(actor, classification.person_id)
    classification = _lock(classification, expected_version)
    _require_year_state(classification.year, YearState.CALIBRATING)
    level, reason = _level(level), _reason(reason)
    before = classification.level
    if level == before:
        raise ValidationError({"level": _("The level is already %(level)s.") % {"level": level}})
    perform(classification, "calibrate", actor)
    classification.calibrated_level = "" if level == classification.proposed_level else level
    classification.calibration_reason = reason
    _bump(classification)
    classification.save()
    _change(actor, classification, kind=ChangeKind.CALIBRATION, before=before, after=level, reason=reason)
    report = _quota_after_change(classification.year, classification)
    audit_record(
        actor=actor,
        event=events.LEVEL_CHANGED,
        subject=classification,
        old={"level": before},
        new={"level": level, "now_fit": [row.name for row in report.now_fit]},
        reason=reason,
    )
    return report


@transaction.atomic
def group_set(
    *, actor, classification: Classification, expected_version: int, group: str, reason: str
) -> Classification:
    """HR puts a person in another group with similar duties (the default is the position code)."""
    _require_hr(actor, _("Only the personnel department sets the groups."))
    refuse_own_record(actor, classification.person_id)
    classification = _lock(classification, expected_version)
    _require_year_state(classification.year, YearState.OPEN, YearState.CALIBRATING)
    group, reason = clean_text(group or ""), _reason(reason)
    if not group:
        raise ValidationError({"group": _("Give the group.")})
    before = classification.group
    classification.group, classification.group_set_by_hr = group, True
    _bump(classification)
    classification.save()
    audit_record(
        actor=actor,
        event=events.GROUP_SET,
        subject=classification,
        old={"group": before},
        new={"group": group},
        reason=reason,
    )
    return classification


@transaction.atomic
def quota_exception_record(*, actor, year: Year, group: str, decision_reference: str, reason: str) -> QuotaException:
    """HR records an authorised exception to the quota for one group, with its decision. It takes
    effect when the proposals are computed again."""
    _require_hr(actor, _("Only the personnel department records a quota exception."))
    year = _require_year_state(year, YearState.OPEN, YearState.CALIBRATING)
    group, decision, reason = clean_text(group or ""), clean_text(decision_reference or ""), _reason(reason)
    errors = {}
    if not group:
        errors["group"] = _("Give the group.")
    if not decision:
        errors["decision_reference"] = _("Give the decision that authorises the exception.")
    if errors:
        raise ValidationError(errors)
    if year.quota_exceptions.filter(group=group).exists():
        raise ValidationError({"group": _("An exception is already recorded for this group.")})
    exception = QuotaException.objects.create(
        year=year, group=group, decision_reference=decision, reason=reason, recorded_by=actor
    )
    audit_record(
        actor=actor,
        event=events.QUOTA_EXCEPTION_RECORDED,
        subject=year,
        new={"group": group, "decision_reference": decision},
        reason=reason,
    )
    return exception


@transaction.atomic
def amend_after_close(
    *, actor, classification: Classification, expected_version: int, level: str, reason: str
) -> Classification:
    """After closing, only HR corrects a level, with a reason, as a visible amendment: the
    approved level stays readable and the change is kept."""
    _require_hr(actor, _("Only the personnel department amends a closed year."))
    refuse_own_record(actor, classification.person_id)
    classification = _lock(classification, expected_version)
    _require_year_state(classification.year, YearState.CLOSED)
    level, reason = _level(level), _reason(reason)
    before = classification.level
    if level == before:
        raise ValidationError({"level": _("The level is already %(level)s.") % {"level": level}})
    classification.amended_level = level
    _bump(classification)
    classification.save()
    _change(actor, classification, kind=ChangeKind.AMENDMENT, before=before, after=level, reason=reason)
    audit_record(
        actor=actor,
        event=events.LEVEL_AMENDED,
        subject=classification,
        old={"level": before},
        new={"level": level, "approved_level": classification.approved_level},
        reason=reason,
    )
    return classification
