"""The one permission layer: every decision of who may see or do what is a named permission.

Each app declares its permissions in its own ``permissions.py`` with :func:`declare`, built from
composable predicates (django-rules); :class:`congtam.core.apps.CoreConfig` imports them all at
start-up. Everything else asks:

* services call :func:`require` before any write (a refusal raises :class:`Refused`);
* selectors and views call :func:`has_perm`; templates use ``{% has_perm %}`` (``permissions``
  template library);
* the workflow transitions of django-fsm-2 name theirs with :func:`transition`, so the pages'
  buttons (:func:`congtam.core.workflow.actions`) come from the same declaration.

Permissions are asked of :func:`rules.has_perm` directly, never of ``User.has_perm``: Django lets an
active superuser do anything, and the administrator's account is a superuser for the Django admin,
while the law says nobody decides on their own record and the administrator does not evaluate.
"""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

_REFUSALS: dict[str, object] = {}
GENERIC_REFUSAL = _("You may not do this.")


class Refused(PermissionDenied):
    """The one refusal, with a translated sentence for the person: the 403 page shows it, and a
    form shows it above its fields."""

    def __init__(self, message=None):
        # Said in the language of the request that was refused, even if read after it ends.
        self.message = str(message or GENERIC_REFUSAL)
        super().__init__(self.message)

    def __str__(self) -> str:
        return str(self.message)


def declare(name: str, predicate, refusal=None) -> None:
    """Declare permission ``name`` ("app.verb_object") as ``predicate``; ``refusal`` is what a
    person who lacks it is told."""
    rules.add_perm(name, predicate)
    if refusal is not None:
        _REFUSALS[name] = refusal


def declared(name: str) -> bool:
    return rules.perm_exists(name)


def has_perm(user, name: str, obj=None) -> bool:
    """Whether ``user`` (an account, a source system's token, or None) holds ``name`` on ``obj``."""
    if not rules.perm_exists(name):
        raise KeyError(f"permission {name!r} is not declared")
    return rules.has_perm(name, user, obj)


def refusal_message(name: str):
    return _REFUSALS.get(name, GENERIC_REFUSAL)


def require(user, name: str, obj=None, message=None) -> None:
    """Raise :class:`Refused` unless ``user`` holds ``name`` on ``obj``."""
    if not has_perm(user, name, obj):
        raise Refused(message or refusal_message(name))


def transition(name: str):
    """The ``permission=`` of a django-fsm-2 transition: django-fsm passes (instance, user)."""

    def permission(instance, user) -> bool:
        return has_perm(user, name, instance)

    permission.__name__ = permission.__qualname__ = name.replace(".", "__")
    permission.permission_name = name
    return permission
