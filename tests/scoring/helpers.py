"""Small builders shared by the scoring tests (plain functions, no fixtures magic)."""

from __future__ import annotations

from decimal import Decimal

from congtam.scoring.api import CohortMember, load_policy
from congtam.scoring.classify import CriteriaInput, Facts, LeaderUnitCriteria, PeriodScore, Person
from congtam.scoring.policy import Policy


def D(value: object) -> Decimal:
    return Decimal(str(value))


def policy(preset: str = "nd335", **overrides: object) -> Policy:
    return load_policy(preset, [(key, str(value)) for key, value in overrides.items()])


def person(
    code: str,
    *,
    unit: str = "Vụ Tổng hợp",
    group: str = "Chuyên viên",
    leader: bool = False,
    name: str | None = None,
    exception: str = "",
    **facts: object,
) -> Person:
    fact_values = {key: (D(value) if key.startswith("months") else value) for key, value in facts.items()}
    return Person(code, name or f"Nguyễn Văn {code}", unit, group, leader, Facts(**fact_values), exception)


def scored(code: str, *scores: object, **kwargs: object) -> CohortMember:
    periods = tuple(PeriodScore(str(index + 1), D(score)) for index, score in enumerate(scores))
    return CohortMember(person(code, **kwargs), periods)  # type: ignore[arg-type]


def criteria_member(
    code: str,
    *,
    shared: bool = True,
    completion: object = 100,
    exceeded: object = 0,
    short: object = 0,
    unit: LeaderUnitCriteria | None = None,
    **kwargs: object,
) -> CohortMember:
    criteria = CriteriaInput(shared, D(completion), D(exceeded), D(short), unit)
    return CohortMember(person(code, leader=unit is not None, **kwargs), criteria=criteria)  # type: ignore[arg-type]
