"""Decisions of competent authorities outside the installation (issue 13, part 3).

The head of an agency at the top of the installation's tree is evaluated and approved by an
authority with no account here (the Standing Committee of the National Assembly over the
Office's head; a provincial party committee). HR records that authority's signed decision —
its number, the date, who signed, and the signed file, kept outside the web root like evidence
— and the record approves the period score (:func:`congtam.monitoring.reviews.review_approve_by_decision`)
or the year level (:func:`congtam.yearend.approval.approve_by_decision`), each with its audit
entry. A month or a year with such a person then closes like any other.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congtam.audit.services import audit_record
from congtam.monitoring import events
from congtam.monitoring.evidence import check_upload
from congtam.monitoring.models import OutsideDecision
from congtam.vietnamese import clean_text


def decision_record(
    *, actor, person, authority: str, number: str, signed_on: date | None, signer: str, upload
) -> OutsideDecision:
    """The decision, checked (number, date not in the future, signer, the signed file's type and
    size) and saved with its file; the caller writes the approval and its audit entry."""
    number, signer = clean_text(number or ""), clean_text(signer or "")
    errors = {}
    if not number:
        errors["number"] = _("Give the number of the decision (e.g. 125/QĐ-UBTVQH15).")
    if signed_on is None:
        errors["signed_on"] = _("Give the date the decision was signed.")
    elif signed_on > timezone.localdate():
        errors["signed_on"] = _("A decision cannot be signed in the future.")
    if not signer:
        errors["signer"] = _("Give who signed the decision (name and title).")
    if not upload:
        errors["file"] = _("Attach the signed decision (PDF or a scan).")
    else:
        try:
            content_type = check_upload(upload)
        except ValidationError as error:
            errors["file"] = error.messages
    if errors:
        raise ValidationError(errors)
    decision = OutsideDecision(
        person=person,
        authority=clean_text(authority)[:300],
        number=number[:100],
        signed_on=signed_on,
        signer=signer[:200],
        original_name=upload.name[-255:],
        content_type=content_type,
        size=upload.size,
        recorded_by=actor,
    )
    decision.file.save(upload.name, upload, save=False)
    decision.save()
    return decision


def decision_values(decision: OutsideDecision) -> dict:
    """What the audit entry keeps of a decision."""
    return {
        "authority": decision.authority,
        "number": decision.number,
        "signed_on": decision.signed_on,
        "signer": decision.signer,
        "file": decision.original_name,
    }


@transaction.atomic
def decision_viewed(*, actor, decision: OutsideDecision) -> None:
    """The download's audit entry, in a transaction of its own: a read changes nothing else."""
    audit_record(actor=actor, event=events.DECISION_FILE_VIEWED, subject=decision, new={"file": decision.original_name})


def decision_get(*, viewer, pk: int) -> OutsideDecision:
    """A decision, for those who may see the evidence of the review it approved (the person,
    their evaluator and approver, HR and the inspector), or, for a year level, HR, the
    inspector and the person."""
    from django.http import Http404

    from congtam.core import permissions

    decision = OutsideDecision.objects.filter(pk=pk).first()
    if decision is None:
        raise Http404(pk)
    review = decision.reviews.select_related("period").first()
    if review is not None:
        permissions.require(viewer, "monitoring.see_evidence", review)
    else:
        permissions.require(viewer, "monitoring.see_decision", decision)
    return decision
