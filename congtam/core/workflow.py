"""Running the transitions declared on the models (django-fsm-2), and asking them which actions
to show: the workflow machinery of every app with a state (monitoring's periods, reviews and work
items, year end's years and classifications, background jobs).

:func:`perform` is what services call: it checks, in this order, that the transition exists
from the current state, that the user may take it, and that its conditions hold, and raises a
translated message for the first that fails — a forbidden transition is a clear message, never a
500. :func:`actions` lists the transitions a user may take now, for the pages. Who may take a
transition is its declared permission (:func:`congtam.core.permissions.transition`); each
condition carries its app's own refusal message (:func:`condition`). A writer that checks many
rows without loading each as a model (the bulk write of work items) asks the declaration itself
with :func:`declared_transition`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_fsm import get_available_user_FIELD_transitions

from congtam.core.permissions import Refused


def _meta(instance, name: str):
    """The transition's method and its declaration (``instance`` may also be the model class)."""
    method = getattr(instance, name)
    meta = getattr(method, "_django_fsm", None)
    if meta is None:
        owner = instance if isinstance(instance, type) else type(instance)
        raise TypeError(f"{owner.__name__}.{name} is not a declared transition")
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
    message = unmet_condition(transition.conditions or (), instance)
    return ValidationError(message) if message is not None else None


def unmet_condition(conditions, instance) -> str | None:
    """The refusal message of the first of ``conditions`` that ``instance`` fails, or None."""
    for condition in conditions:
        if not condition(instance):
            message = getattr(condition, "refusal_message", None)
            if callable(message):  # a message that depends on the instance (how many are missing)
                message = message(instance)
            return str(message or _("A condition of this action is not met."))
    return None


@dataclass(frozen=True, slots=True)
class DeclaredTransition:
    """A transition as its model declares it from one source state: where it leads and what it
    requires. Its permission is not here: the writer that asks has checked who writes."""

    name: str
    source: str
    target: str
    conditions: tuple[Callable[[object], bool], ...]

    def unmet(self, instance) -> str | None:
        """The refusal message of the first condition that ``instance`` fails, or None.
        ``instance`` is the model's instance or a lighter object with the attributes that the
        conditions read (each app documents its own)."""
        return unmet_condition(self.conditions, instance)


def declared_transition(model, name: str, source: str) -> DeclaredTransition:
    """Transition ``name`` of ``model`` (the class) from state ``source``, as declared."""
    _method, meta = _meta(model, name)
    if not meta.has_transition(source):
        raise ValueError(f"{model.__name__}.{name} is not declared from the state {source!r}")
    transition = meta.get_transition(source)
    return DeclaredTransition(name, source, transition.target, tuple(transition.conditions or ()))


def condition(message):
    """Declare a transition's condition with the message a refusal gives (for any app's models)::

    @condition(_("Some levels are not approved yet."))
    def all_approved(year): ...

    ``message`` may also be a function of the instance, for a refusal that says how many."""

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
