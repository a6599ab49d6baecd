"""Reading the organisation, with what each viewer may see decided here (see congtam.core.permissions)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404

from congtam.core import permissions
from congtam.org.authority import PersonAuthorities, derive_all, derive_for_person, derive_under
from congtam.org.models import Agency, AuthorityOverride, Person, Posting, Unit, UnitRole
from congtam.org.services import sensitive_read_record
from congtam.vietnamese import search_query


def _require_viewer(viewer) -> None:
    permissions.require(viewer, "org.view")


@dataclass(frozen=True, slots=True)
class UnitNode:
    unit: Unit
    people_count: int


def unit_tree(*, viewer, agency: Agency | None) -> list[UnitNode]:
    """Every unit of the agency in depth-first order with its head count: two queries."""
    _require_viewer(viewer)
    counts = dict(
        Person.objects.filter(agency=agency, is_active=True)
        .values("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )
    units = Unit.objects.filter(agency=agency).only("id", "code", "name", "depth", "path", "parent_id").order_by("path")
    return [UnitNode(unit=unit, people_count=counts.get(unit.pk, 0)) for unit in units]


def unit_get(*, viewer, agency: Agency | None, code: str) -> Unit:
    _require_viewer(viewer)
    try:
        return Unit.objects.select_related("parent", "agency").get(agency=agency, code=code)
    except Unit.DoesNotExist:
        raise Http404(code) from None


def unit_children(*, viewer, unit: Unit) -> QuerySet[Unit]:
    _require_viewer(viewer)
    return unit.children.annotate(people_count=Count("people", filter=Q(people__is_active=True))).order_by(
        "sibling_order", "path"
    )


def unit_head(*, viewer, unit: Unit) -> Person | None:
    _require_viewer(viewer)
    return _directory_queryset().filter(unit=unit, unit_role=UnitRole.HEAD).first()


def unit_ancestors(*, viewer, unit: Unit) -> list[Unit]:
    _require_viewer(viewer)
    ids = unit.ancestor_ids()
    return list(Unit.objects.filter(id__in=ids).order_by("path")) if ids else []


def _directory_queryset() -> QuerySet[Person]:
    # Only what every signed-in viewer may see; sensitive columns are deferred, not loaded.
    return (
        Person.objects.filter(is_active=True)
        .select_related("unit", "position")
        .only(
            "id",
            "staff_code",
            "full_name",
            "sort_key",
            "category",
            "unit_role",
            "unit__code",
            "unit__name",
            "position__code",
            "position__title",
        )
        .order_by("sort_key", "staff_code")
    )


def unit_people(*, viewer, unit: Unit) -> QuerySet[Person]:
    """The people of one unit in Vietnamese order (sorted by the database, never in Python)."""
    _require_viewer(viewer)
    return _directory_queryset().filter(unit=unit)


def person_search(*, viewer, agency: Agency | None, query: str) -> QuerySet[Person]:
    """People of the agency whose name contains the query's words in order, with or without
    diacritics, at the start of a word; or whose staff code is the query."""
    _require_viewer(viewer)
    text = search_query(query)
    code = query.strip()
    by_code = Q(staff_code__in={code, code.upper()})
    people = _directory_queryset().filter(agency=agency)
    if len(text.replace(" ", "")) < SEARCH_MIN_CHARACTERS:
        # One letter would match a third of the agency and defeat the trigram index.
        return people.filter(by_code) if code else Person.objects.none()
    return people.filter(_name_contains(" " + text) | by_code)


SEARCH_MIN_CHARACTERS = 2


def search_too_short(query: str) -> bool:
    return 0 < len(search_query(query).replace(" ", "")) < SEARCH_MIN_CHARACTERS


def _name_contains(fragment: str) -> Q:
    """``search_name`` contains ``fragment``, through the trigram index of each database (see
    migration org 0002): on SQLite the FTS5 table answers the LIKE; PostgreSQL's planner finds
    its GIN index by itself."""
    if connection.vendor == "sqlite":
        # search_query() leaves only letters, digits and spaces: nothing to escape. A trigram
        # phrase MATCH is a substring match; under three characters it matches nothing, so the
        # shortest queries fall back to LIKE (a scan of the small FTS table).
        if len(fragment) >= 3:
            return Q(
                pk__in=RawSQL(
                    "SELECT rowid FROM org_person_search WHERE org_person_search MATCH %s", (f'"{fragment}"',)
                )
            )
        return Q(pk__in=RawSQL("SELECT rowid FROM org_person_search WHERE search_name LIKE %s", (f"%{fragment}%",)))
    return Q(search_name__contains=fragment)


def person_get(*, viewer, agency: Agency | None, staff_code: str) -> Person:
    """A person's directory entry (no sensitive data: nothing to log)."""
    _require_viewer(viewer)
    try:
        return _directory_queryset().get(agency=agency, staff_code=staff_code)
    except Person.DoesNotExist:
        raise Http404(staff_code) from None


def authority_overrides(*, viewer, person: Person) -> QuerySet[AuthorityOverride]:
    """HR's decisions on who evaluates or approves ``person``, the latest first, ended ones
    included: the history stays readable."""
    _require_viewer(viewer)
    permissions.require(viewer, "org.manage")
    return (
        AuthorityOverride.objects.filter(person=person)
        .select_related("authority", "created_by")
        .order_by("ended_on", "-effective_from", "-id")
    )


def authority_override_get(*, viewer, person: Person, override_id: int) -> AuthorityOverride:
    try:
        return authority_overrides(viewer=viewer, person=person).get(pk=override_id)
    except AuthorityOverride.DoesNotExist:
        raise Http404(override_id) from None


@dataclass(frozen=True, slots=True)
class PersonView:
    person: Person
    show_sensitive: bool
    postings: list[Posting]
    authorities: PersonAuthorities
    authority_people: dict[int, Person]
    is_self: bool


def person_detail(*, viewer, agency: Agency | None, staff_code: str) -> PersonView:
    """A person's page. Sensitive data is loaded only for those who may see it, and a read of it
    by anyone but the person is written to the audit trail."""
    _require_viewer(viewer)
    queryset = Person.objects.select_related("unit", "unit__agency", "position")
    try:
        person = queryset.get(agency=agency, staff_code=staff_code)
    except Person.DoesNotExist:
        raise Http404(staff_code) from None
    show_sensitive = permissions.has_perm(viewer, "accounts.view_sensitive", person)
    is_self = viewer.person_id == person.pk
    if show_sensitive and not is_self:
        sensitive_read_record(actor=viewer, person=person)
    if not show_sensitive:
        # Drop the values so no template can show them by mistake.
        person.gender, person.birth_date, person.ethnicity = "", None, ""
    postings = list(person.postings.select_related("unit", "position").order_by("-start_date", "-id"))
    authorities = derive_for_person(person)
    ids = {a.person_id for a in (authorities.evaluator, authorities.approver) if a.person_id}
    authority_people = (
        {
            p.pk: p
            for p in Person.objects.filter(pk__in=ids)
            .select_related("unit", "position")
            .only("id", "staff_code", "full_name", "unit__name", "unit__code", "position__title")
        }
        if ids
        else {}
    )
    return PersonView(
        person=person,
        show_sensitive=show_sensitive,
        postings=postings,
        authorities=authorities,
        authority_people=authority_people,
        is_self=is_self,
    )


@dataclass(frozen=True, slots=True)
class PersonUnderAuthority:
    person: Person
    evaluates: bool
    approves: bool


def people_under_authority(*, viewer) -> list[PersonUnderAuthority]:
    """The people the viewer evaluates or approves (as derived, or as HR assigned), in unit
    then Vietnamese name order. Nobody else's list: a viewer only ever sees their own."""
    _require_viewer(viewer)
    if viewer.person_id is None:
        return []
    me = Person.objects.select_related("unit").get(pk=viewer.person_id)
    found = {authorities.person_id: authorities for authorities in derive_under(me)}
    if not found:
        return []
    people = _directory_queryset().filter(pk__in=_in_scope(me)).order_by("unit__path", "sort_key", "staff_code")
    return [
        PersonUnderAuthority(
            person=person,
            evaluates=found[person.pk].evaluator.person_id == me.pk,
            approves=found[person.pk].approver.person_id == me.pk,
        )
        for person in people
        if person.pk in found
    ]


def _in_scope(me: Person) -> QuerySet[Person]:
    """Everyone who may be under ``me`` (a superset; the caller keeps the derived ones)."""
    scope = Q(authority_overrides__authority=me)
    if me.unit_role == UnitRole.HEAD:
        scope |= Q(unit__path__startswith=me.unit.path)
    return Person.objects.filter(scope).values("pk")


@dataclass(frozen=True, slots=True)
class AuthorityProblem:
    person: Person
    authorities: PersonAuthorities


def authority_problems(*, viewer, agency: Agency | None) -> list[AuthorityProblem]:
    """People of the agency with no valid evaluator or approver, for HR to fix. A fixed number
    of queries."""
    permissions.require(viewer, "org.view_authority_report")
    if agency is None:
        return []
    broken = {found.person_id: found for found in derive_all(agency=agency) if not found.is_valid}
    people = (
        Person.objects.filter(pk__in=list(broken)).select_related("unit", "position").order_by("unit__path", "sort_key")
        if broken
        else []
    )
    return [AuthorityProblem(person=person, authorities=broken[person.pk]) for person in people]


def person_choices_for_override(*, viewer, agency: Agency | None, query: str) -> QuerySet[Person]:
    permissions.require(viewer, "org.manage")
    return person_search(viewer=viewer, agency=agency, query=query)[:20]
