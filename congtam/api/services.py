"""Issuing and revoking the API tokens of source systems (HR only, audited)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congtam.api.models import SourceSystem
from congtam.api.tokens import display_prefix, new_token, token_hash
from congtam.audit.services import audit_record
from congtam.core import permissions
from congtam.monitoring import events as monitoring_events
from congtam.org.models import Unit
from congtam.vietnamese import clean_text


def _require_manager(actor) -> None:
    permissions.require(
        actor, "api.manage_source_systems", message=_("Only the personnel department issues and revokes API tokens.")
    )


@transaction.atomic
def source_system_issue(*, actor, name: str, units: Iterable[Unit]) -> tuple[SourceSystem, str]:
    """Register a system and issue its token. The token is returned once and never stored: only
    its hash and its first characters are kept."""
    _require_manager(actor)
    name = clean_text(name or "")
    units = list(units)
    errors = {}
    if not name:
        errors["name"] = _("Name the system.")
    elif SourceSystem.objects.filter(name__iexact=name).exists():
        errors["name"] = _("A system with this name already exists.")
    if not units:
        errors["units"] = _("Choose at least one unit.")
    elif len({unit.agency_id for unit in units}) > 1:
        # Staff codes are unique within an agency: a token of one agency's units reads them unambiguously.
        errors["units"] = _("Choose the units of one agency: a system's token is scoped to one agency.")
    if errors:
        raise ValidationError(errors)
    token = new_token()
    system = SourceSystem.objects.create(
        name=name[:200], token_hash=token_hash(token), token_prefix=display_prefix(token), created_by=actor
    )
    system.units.set(units)
    audit_record(
        actor=actor,
        event=monitoring_events.SOURCE_SYSTEM_ISSUED,
        subject=system,
        new={"name": system.name, "token_prefix": system.token_prefix, "units": sorted(unit.code for unit in units)},
    )
    return system, token


@transaction.atomic
def source_system_revoke(*, actor, system: SourceSystem, reason: str) -> SourceSystem:
    """Revoke a system's token: its next call is refused. The system and its items stay."""
    _require_manager(actor)
    reason = clean_text(reason or "")
    if not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    system = SourceSystem.objects.select_for_update().get(pk=system.pk)
    if system.revoked_at is not None:
        raise ValidationError(_("This token is already revoked."))
    system.revoked_at = timezone.now()
    system.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        event=monitoring_events.SOURCE_SYSTEM_REVOKED,
        subject=system,
        old={"revoked_at": None},
        new={"revoked_at": system.revoked_at},
        reason=reason,
    )
    return system
