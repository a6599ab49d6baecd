"""Small helpers shared by the apps' views."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def require(allowed: bool) -> None:
    """403 unless ``allowed`` (the policy decided it)."""
    if not allowed:
        raise PermissionDenied


def attach_errors(form, error: ValidationError, mapping: dict[str, str] | None = None) -> None:
    """Show a service's refusal on the form the user filled in, so that what they typed stays:
    each field's messages under that field (``mapping`` renames a service's field to the form's),
    the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = (mapping or {}).get(field, field)
            for message in messages:
                form.add_error(target if target in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
