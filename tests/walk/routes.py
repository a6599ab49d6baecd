"""Every route of the URL configuration, and how the walk fills its parameters from the world.

A route with parameters needs an entry in :data:`FILL` (or, for the admin, one of the admin's
generic rules): a route added without one fails ``test_every_route_can_be_filled``, so that the
walk never silently skips it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.walk.world import World


@dataclass(frozen=True)
class Route:
    name: str | None  # "org:unit_detail"; None for the admin's unnamed routes
    pattern: str  # the full pattern: "org/units/<str:code>/"
    parameters: tuple[str, ...]

    @property
    def key(self) -> str:
        return self.name or self.pattern


def all_routes() -> list[Route]:
    def walk(resolver, prefix="", namespace="") -> Iterator[Route]:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                full = prefix + str(pattern.pattern)
                parameters = tuple(sorted(pattern.pattern.regex.groupindex))
                yield Route(f"{namespace}{pattern.name}" if pattern.name else None, full, parameters)

    return list(walk(get_resolver()))


def _each(kind: str, name: str):
    return lambda world: [{name: value} for value in world[kind]]


def _kinds(kind: str, name: str, values: Callable[[], list[str]]):
    """Each object of ``kind`` (a dict of kwargs) with each value of an enumeration, and one value
    no route knows."""
    return lambda world: [{**kwargs, name: value} for kwargs in world[kind][:2] for value in [*values(), "khong-co"]]


def _review_with(name: str, values: Callable[[], list[str]]):
    return lambda world: [{"pk": pk, name: value} for pk in world["review"][:3] for value in [*values(), "khong-co"]]


def _item_actions():
    from congtam.monitoring.views import ITEM_ACTIONS

    return list(ITEM_ACTIONS)


def _rater_roles():
    from congtam.monitoring.models import RaterRole

    return list(RaterRole.values)


def _year_steps():
    from congtam.yearend.views import YEAR_STEPS

    return list(YEAR_STEPS)


def _form_formats():
    from congtam.yearend.exports.views import RENDERERS

    return list(RENDERERS)


def _first_classifications(world):
    # A form is rendered for each (a PDF takes a while): the first three kinds of classification.
    return [
        {"pk": pk, "extension": extension}
        for pk in world["classification"][:3]
        for extension in [*_form_formats(), "exe"]
    ]


UNIT = _each("unit", "code")
PERSON = _each("person", "staff_code")
REVIEW = _each("review", "pk")
YEAR = _each("year", "pk")
CLASSIFICATION = _each("classification", "pk")
YEAR_UNIT = lambda world: world["year_unit"]  # noqa: E731
JOB = _each("job", "job_id")

# route name -> the kwargs to visit it with (a list, from the world).
FILL: dict[str, Callable[[World], list[dict]]] = {
    "org:unit_detail": UNIT,
    "org:person_detail": PERSON,
    "org:authority_override": PERSON,
    "org:authority_override_end": lambda world: world["override"],
    "catalogue:position": _each("position", "code"),
    "catalogue:item_create": _each("position", "code"),
    "catalogue:item_update": lambda world: world["catalogue_item"],
    "catalogue:item_retire": lambda world: world["catalogue_item"],
    "monitoring:cycle": _each("cycle", "pk"),
    "monitoring:approve_unit": lambda world: world["period_unit"],
    "monitoring:period_close": _each("period", "pk"),
    "monitoring:review": REVIEW,
    "monitoring:plan_item": _review_with("kind", lambda: ["assign", "propose"]),
    "monitoring:evidence_add": lambda world: world["review_item"],
    "monitoring:item_action": _kinds("review_item", "action", _item_actions),
    "monitoring:acknowledge": REVIEW,
    "monitoring:rating": _review_with("role", _rater_roles),
    "monitoring:observation": REVIEW,
    "monitoring:observation_answer": lambda world: world["observation"],
    "monitoring:amend": REVIEW,
    "monitoring:score_preview": REVIEW,
    "monitoring:review_action": _review_with("action", lambda: ["submit", "approve", "return"]),
    "monitoring:evidence": _each("evidence", "pk"),
    "monitoring:decision": _each("decision", "pk"),
    "monitoring:decision_record": REVIEW,
    "monitoring:unit_period": lambda world: world["period_unit"],
    "monitoring:period_summary": lambda world: [
        {"period": period, "extension": extension} for period in world["period"] for extension in ("xlsx", "pdf", "exe")
    ],
    "monitoring:unit_summary": lambda world: [
        {**scope, "extension": extension} for scope in world["period_unit"][:3] for extension in ("xlsx", "pdf", "exe")
    ],
    "monitoring:summary_start": _each("period", "period"),
    "monitoring:summary_download": JOB,
    "monitoring:score_sheet": lambda world: [{"pk": pk} for pk in world["review"][:3]],
    "yearend:appeal_decide": _each("appeal", "pk"),
    "yearend:year": YEAR,
    "yearend:year_action": lambda world: [
        {"pk": pk, "action": action} for pk in world["year"] for action in [*_year_steps(), "khong-co"]
    ],
    "yearend:calibration": YEAR_UNIT,
    "yearend:approve_unit": YEAR_UNIT,
    "yearend:quota_exception": YEAR,
    "yearend:facts": lambda world: world["year_person"],
    "yearend:approval": YEAR,
    "yearend:my_result": YEAR,
    "yearend:public_list": YEAR,
    "yearend:level_change": CLASSIFICATION,
    "yearend:group_set": CLASSIFICATION,
    "yearend:approve": CLASSIFICATION,
    "yearend:approve_by_decision": CLASSIFICATION,
    "yearend:acknowledge": CLASSIFICATION,
    "yearend:appeal": CLASSIFICATION,
    "yearend:amend": CLASSIFICATION,
    "yearend:exports": YEAR,
    "yearend:agency_summary": YEAR,
    "yearend:unit_summary": YEAR_UNIT,
    "yearend:forms_archive_start": YEAR,
    "yearend:forms_archive_download": JOB,
    "yearend:form_download": _first_classifications,
    "yearend:meeting": YEAR_UNIT,
    "yearend:meeting_minutes": YEAR_UNIT,
    "yearend:meeting_record": YEAR_UNIT,
    "yearend:meeting_discussion": YEAR_UNIT,
    "yearend:meeting_adopt": YEAR_UNIT,
    "yearend:meeting_amend": YEAR_UNIT,
    "yearend:unit_feedback": YEAR_UNIT,
    "yearend:feedback_open": YEAR_UNIT,
    "yearend:feedback_close": YEAR_UNIT,
    "yearend:my_feedback": YEAR,
    "yearend:feedback_answer": lambda world: world["year_person"],
    "yearend:self_assessment": YEAR,
    "yearend:self_assessments": YEAR,
    "yearend:self_assessment_for": lambda world: world["year_person"],
    "core:import_errors": _each("import_errors", "token"),
    "jobs:detail": JOB,
    "jobs:progress": JOB,
    "api:work_item_completion": _each("source_id", "source_id"),
    "api:work_item_documents": _each("source_id", "source_id"),
    "api:work_item": _each("source_id", "source_id"),
    "api:system_revoke": _each("source_system", "system_id"),
}

# The admin's routes follow its registry: each registered model's rows fill them.
_ADMIN_OBJECT = re.compile(r"^admin:(?P<label>\w+?)_(?P<view>change|delete|history|password_change)$")
_ADMIN_REDIRECT = re.compile(r"^admin/(?P<app>\w+)/(?P<model>\w+)/<path:object_id>/$")


def _admin_urls(route: Route, world: World) -> list[str] | None:
    """The URLs of an admin route, or None when no admin rule applies."""
    if route.name == "admin:app_list":
        from django.contrib import admin

        labels = sorted({model._meta.app_label for model in admin.site._registry})
        return [reverse(route.name, kwargs={"app_label": label}) for label in labels]
    if route.name == "admin:view_on_site":
        return [reverse(route.name, kwargs=kwargs) for kwargs in world["admin:view_on_site"]]
    if route.name is None and route.pattern == "admin/(?P<url>.*)$":
        return ["/admin/khong-co/", "/admin/accounts/khong-co/"]
    if route.name and (match := _ADMIN_OBJECT.match(route.name)):
        label = match["label"]
        key = "id" if match["view"] == "password_change" else "object_id"
        return [reverse(route.name, kwargs={key: pk}) for pk in world[f"admin:{label}"]]
    if route.name is None and (match := _ADMIN_REDIRECT.match(route.pattern)):
        return [
            f"/admin/{match['app']}/{match['model']}/{pk}/" for pk in world[f"admin:{match['app']}_{match['model']}"]
        ]
    return None


def has_rule(route: Route) -> bool:
    if not route.parameters:
        return True
    if route.key in FILL:
        return True
    empty = World(usernames={}, password="")
    return _admin_urls(route, empty) is not None


def urls_of(route: Route, world: World) -> list[str]:
    """The URLs the walk visits for ``route``: [] when the world has no object to fill it with."""
    if not route.parameters:
        return [reverse(route.name)] if route.name else ["/" + route.pattern]
    admin_urls = _admin_urls(route, world)
    if admin_urls is not None:
        return admin_urls
    return [reverse(route.name, kwargs=kwargs) for kwargs in FILL[route.key](world)]
