"""Running the transitions declared on the models (django-fsm-2), and asking them which actions
to show: the workflow machinery of every app with a state (monitoring's periods, reviews and work
items, year end's years and classifications, background jobs).

:func:`perform` is what services call: it checks, in this order, that the transition exists
from the current state, that the user may take it, and that its conditions hold, and raises a
translated message for the first that fails — a forbidden transition is a clear message, never a
500. :func:`actions` lists the transitions a user may take now, for the pages. Who may take a
transition is its declared permission (:func:`congtam.core.permissions.transition`); each
condition carries its app's own refusal message (:func:`condition`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_fsm import get_available_user_FIELD_transitions

from congtam.core.permissions import Refused


def _meta(instance, name: str):
    method = getattr(instance, name)
    meta = getattr(method, "_django_fsm", None)
    if meta is None:
        raise TypeError(f"{type(instance).__name__}.{name} is not a declared transition")
    return method, meta


def refusal(instance, name: str, user) -> ValidationError | Refused | None:
    """Why ``user`` may not take transition ``name`` of ``instance`` now, or None."""
    _method, meta = _meta(instance, name)
    state = meta.field.get_state(instance)
    transition = meta.get_transition(state) if meta.has_transition(state) else None
    if transition is None:
        label = dict(meta.field.flatchoices).get(state, state)
        return ValidationError(_("This action is not possible in the state “%(state)s”.") % {"state": label})
    if not transition.has_perm(instance, user):
        return Refused(_("You may not take this action."))
    for condition in transition.conditions or ():
        if not condition(instance):
            message = getattr(condition, "refusal_message", None) or _("A condition of this action is not met.")
            return ValidationError(str(message))
    return None


def condition(message):
    """Declare a transition's condition with the message a refusal gives (for any app's models)::

    @condition(_("Some levels are not approved yet."))
    def all_approved(year): ...
    """

    def attach(function):
        function.refusal_message = message
        return function

    return attach


def perform(instance, name: str, user, *args, **kwargs):
    """Take transition ``name`` as ``user`` (the caller saves the instance, in its transaction)."""
    problem = refusal(instance, name, user)
    if problem is not None:
        raise problem
    return getattr(instance, name)(*args, **kwargs)


@dataclass(frozen=True, slots=True)
class Action:
    name: str
    target: str


def actions(instance, user) -> list[Action]:
    """The transitions ``user`` may take on ``instance`` now, conditions included."""
    field = instance._meta.get_field("state")
    return [Action(t.name, t.target) for t in get_available_user_FIELD_transitions(instance, user, field)]


def action_names(instance, user) -> set[str]:
    return {action.name for action in actions(instance, user)}
