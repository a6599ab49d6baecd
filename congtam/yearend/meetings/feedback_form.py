"""The anchored form of colleague feedback at year end (RULES.md §3.4; DESIGN §1): four questions on
observable behaviour, each with a described behaviour for every level from 1 to 5.

Colleague feedback is never shown individually: an answer keeps its author only so that nobody
answers twice about the same colleague; no page, selector or export reads the author back, and a
person's aggregate appears only where at least :data:`MIN_ANSWERS` colleagues answered.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MIN_ANSWERS = 3
LEVELS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Question:
    field: str
    text: Promise
    anchors: tuple[Promise, Promise, Promise, Promise, Promise]  # what level 1..5 looks like


QUESTIONS: tuple[Question, ...] = (
    Question(
        "q_deadlines",
        _("Keeps to agreed deadlines"),
        (
            _("Often misses deadlines without warning colleagues."),
            _("Misses some deadlines; warns colleagues late."),
            _("Meets most deadlines; warns colleagues when a delay is coming."),
            _("Meets deadlines; plans ahead so that colleagues can rely on the dates."),
            _("Always meets deadlines and helps colleagues meet theirs."),
        ),
    ),
    Question(
        "q_quality",
        _("Hands in work that needs no rework"),
        (
            _("Work is usually sent back for corrections."),
            _("Work is often sent back for corrections."),
            _("Work sometimes needs small corrections."),
            _("Work rarely needs corrections."),
            _("Work is accepted as handed in and is used as an example by colleagues."),
        ),
    ),
    Question(
        "q_cooperation",
        _("Shares information and helps colleagues"),
        (
            _("Keeps information that colleagues need to themselves."),
            _("Shares information only when asked several times."),
            _("Shares information when asked."),
            _("Shares information before being asked."),
            _("Shares information before being asked and offers help on colleagues' tasks."),
        ),
    ),
    Question(
        "q_conduct",
        _("Behaves courteously to colleagues and citizens"),
        (
            _("Has been seen being rude to colleagues or citizens."),
            _("Is sometimes curt with colleagues or citizens."),
            _("Is courteous in ordinary dealings."),
            _("Stays courteous even in tense situations."),
            _("Stays courteous in tense situations and calms them down."),
        ),
    ),
)
QUESTION_FIELDS = tuple(question.field for question in QUESTIONS)
