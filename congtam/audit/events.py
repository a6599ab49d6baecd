"""The registry of audit event codes.

An event code is a namespaced string (``org.person.transferred``) with a translatable label; the
audit service refuses a code that nobody registered, so a typo can never write an unexplained row.
Apps register their codes in their own ``events`` module, imported by ``AppConfig.ready``.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

_REGISTRY: dict[str, Promise | str] = {}


class UnknownEvent(LookupError):
    pass


def register(code: str, label: Promise | str) -> str:
    if code in _REGISTRY and _REGISTRY[code] != label:
        raise ValueError(f"Audit event {code!r} is registered twice with different labels")
    _REGISTRY[code] = label
    return code


def label(code: str) -> Promise | str:
    try:
        return _REGISTRY[code]
    except KeyError:
        raise UnknownEvent(code) from None


def is_registered(code: str) -> bool:
    return code in _REGISTRY


def choices() -> list[tuple[str, Promise | str]]:
    return sorted(_REGISTRY.items())


AUDIT_VERIFIED = register("audit.chain.verified", _("Audit trail verified"))
