"""Who evaluates and who approves whom (đúng thẩm quyền).

The evaluator is the direct manager: staff and deputies are evaluated by the head of their unit;
a unit's head by the head of the parent unit; the agency's head by the authority configured for
the agency. The approver is the competent authority: the head of the nearest unit, at or above
the person's own, whose head approves (units down to the agency's *approval depth*), never the
person themselves; again the configured authority for the agency's head. HR may override either,
per person, from a date and with a reason.

Everything here works on an :class:`OrgSnapshot` loaded with a fixed number of queries, so
deriving the authorities of 100,000 people costs the same five queries as deriving one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congtam.org.models import Agency, AuthorityKind, AuthorityOverride, Person, Unit, UnitRole
from congtam.org.services import default_agency

# Why a person has no valid authority; shown on HR's page of problems to fix.
PROBLEM_MESSAGES = {
    "unit_head_vacant": _("The head of the person's unit is vacant."),
    "parent_head_vacant": _("The head of the parent unit is vacant."),
    "approver_head_vacant": _("The head of the approving unit is vacant."),
    "agency_authority_missing": _("No authority over the agency's head is configured."),
    "superior_head_vacant": _("The head of the superior agency is vacant."),
    "override_inactive": _("The person assigned by HR has left the agency."),
    "unit_missing": _("The person's unit is not in the tree."),
}


@dataclass(frozen=True, slots=True)
class Authority:
    person_id: int | None = None
    external: str = ""
    overridden: bool = False
    problem: str = ""

    @property
    def is_valid(self) -> bool:
        return not self.problem

    @property
    def problem_message(self):
        return PROBLEM_MESSAGES.get(self.problem, "")


@dataclass(frozen=True, slots=True)
class PersonAuthorities:
    person_id: int
    evaluator: Authority
    approver: Authority

    @property
    def is_valid(self) -> bool:
        return self.evaluator.is_valid and self.approver.is_valid


@dataclass(frozen=True, slots=True)
class AgencyFacts:
    external_authority: str
    approval_depth: int
    superior_head: int | None  # the head of the superior agency's top unit, if it has one here
    has_superior: bool


@dataclass(slots=True)
class OrgSnapshot:
    """The few facts the rules need, loaded in bulk: one agency, or every agency at once."""

    parent_of: dict[int, int | None]
    depth_of: dict[int, int]
    head_of: dict[int, int]
    overrides: dict[tuple[int, str], tuple[int, bool]]  # (person, kind) -> (authority, active)
    agency_of: dict[int, int]  # unit -> agency
    agencies: dict[int, AgencyFacts]

    @classmethod
    def load(
        cls,
        *,
        agency: Agency | None = None,
        every_agency: bool = False,
        units: Q | None = None,
        overrides_for: Q | None = None,
        on: date | None = None,
    ) -> OrgSnapshot:
        """Load one agency (by default the installation's top one), or with ``every_agency`` all
        of them, or only the units matching ``units`` and the overrides matching
        ``overrides_for``. Five queries either way."""
        on = on or timezone.localdate()
        agency_rows = Agency.objects.order_by()
        if not every_agency:
            agency = agency or default_agency()
            agency_rows = agency_rows.filter(pk=agency.pk if agency else None)
        unit_rows = Unit.objects.filter(agency__in=agency_rows)
        heads = Person.objects.filter(agency__in=agency_rows, unit_role=UnitRole.HEAD, is_active=True)
        overrides = AuthorityOverride.objects.filter(effective_from__lte=on).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=on)
        )
        if units is not None:
            unit_rows = unit_rows.filter(units)
            heads = heads.filter(unit__in=Unit.objects.filter(units))
        if overrides_for is not None:
            overrides = overrides.filter(overrides_for)
        parent_of: dict[int, int | None] = {}
        depth_of: dict[int, int] = {}
        agency_of: dict[int, int] = {}
        for unit_id, parent_id, depth, agency_id in unit_rows.values_list(
            "id", "parent_id", "depth", "agency_id"
        ).iterator(chunk_size=5000):
            parent_of[unit_id] = parent_id
            depth_of[unit_id] = depth
            agency_of[unit_id] = agency_id
        latest: dict[tuple[int, str], tuple[int, bool]] = {}
        # The most recent decision in force wins.
        for person_id, kind, authority_id, active in overrides.order_by("effective_from", "id").values_list(
            "person_id", "kind", "authority_id", "authority__is_active"
        ):
            latest[(person_id, kind)] = (authority_id, active)
        # The head of each superior agency: whoever heads the top unit of the agency above.
        superior_heads = dict(
            Person.objects.filter(
                unit__agency__children__in=agency_rows,
                unit__parent__isnull=True,
                unit_role=UnitRole.HEAD,
                is_active=True,
            ).values_list("unit__agency__children", "id")
        )
        agencies = {
            agency_id: AgencyFacts(
                external_authority=external,
                approval_depth=depth,
                superior_head=superior_heads.get(agency_id),
                has_superior=parent_id is not None,
            )
            for agency_id, external, depth, parent_id in agency_rows.values_list(
                "id", "external_authority", "approval_depth", "parent_id"
            )
        }
        return cls(
            parent_of=parent_of,
            depth_of=depth_of,
            head_of=dict(heads.values_list("unit_id", "id")),
            overrides=latest,
            agency_of=agency_of,
            agencies=agencies,
        )

    # --- the rules -----------------------------------------------------------------------------
    def _override(self, person_id: int, kind: str) -> Authority | None:
        found = self.overrides.get((person_id, kind))
        if found is None:
            return None
        authority_id, active = found
        if not active:
            return Authority(person_id=authority_id, overridden=True, problem="override_inactive")
        return Authority(person_id=authority_id, overridden=True)

    def _above_agency(self, unit_id: int) -> Authority:
        """The authority over the head of the unit's agency: the head of the superior agency on
        this installation, else the outside authority configured for the agency."""
        facts = self.agencies.get(self.agency_of.get(unit_id))
        if facts is None:
            return Authority(problem="agency_authority_missing")
        if facts.has_superior:
            if facts.superior_head:
                return Authority(person_id=facts.superior_head)
            if not facts.external_authority:
                return Authority(problem="superior_head_vacant")
        if facts.external_authority:
            return Authority(external=facts.external_authority)
        return Authority(problem="agency_authority_missing")

    def evaluator(self, person_id: int, unit_id: int, unit_role: str) -> Authority:
        overridden = self._override(person_id, AuthorityKind.EVALUATOR)
        if overridden:
            return overridden
        if unit_id not in self.parent_of:
            return Authority(problem="unit_missing")
        if unit_role == UnitRole.HEAD:
            parent_id = self.parent_of[unit_id]
            if parent_id is None:
                return self._above_agency(unit_id)
            head = self.head_of.get(parent_id)
            return Authority(person_id=head) if head else Authority(problem="parent_head_vacant")
        head = self.head_of.get(unit_id)
        if head is None or head == person_id:
            return Authority(problem="unit_head_vacant")
        return Authority(person_id=head)

    def approver(self, person_id: int, unit_id: int, unit_role: str) -> Authority:
        overridden = self._override(person_id, AuthorityKind.APPROVER)
        if overridden:
            return overridden
        if unit_id not in self.parent_of:
            return Authority(problem="unit_missing")
        current: int | None = unit_id
        if unit_role == UnitRole.HEAD or self.head_of.get(unit_id) == person_id:
            current = self.parent_of[unit_id]
        facts = self.agencies.get(self.agency_of[unit_id])
        approval_depth = facts.approval_depth if facts else 0
        while current is not None and self.depth_of.get(current, 0) > approval_depth:
            current = self.parent_of.get(current)
        if current is None:
            return self._above_agency(unit_id)
        head = self.head_of.get(current)
        if head is None or head == person_id:
            return Authority(problem="approver_head_vacant")
        return Authority(person_id=head)

    def for_person(self, person_id: int, unit_id: int, unit_role: str) -> PersonAuthorities:
        return PersonAuthorities(
            person_id=person_id,
            evaluator=self.evaluator(person_id, unit_id, unit_role),
            approver=self.approver(person_id, unit_id, unit_role),
        )


def derive_all(*, agency: Agency | None = None, on: date | None = None, active_only: bool = True):
    """The evaluator and approver of every person of ``agency`` (of every agency when it is
    None), as a generator of :class:`PersonAuthorities`.

    Six queries whatever the number of people."""
    snapshot = OrgSnapshot.load(agency=agency, every_agency=agency is None, on=on)
    people = Person.objects.filter(agency=agency) if agency is not None else Person.objects.all()
    if active_only:
        people = people.filter(is_active=True)
    for person_id, unit_id, unit_role in people.values_list("id", "unit_id", "unit_role").iterator(chunk_size=10_000):
        yield snapshot.for_person(person_id, unit_id, unit_role)


def derive_for_person(person: Person, *, on: date | None = None) -> PersonAuthorities:
    """One person's authorities, loading only the units above them."""
    unit = person.unit
    unit_ids = [*unit.ancestor_ids(), unit.pk]
    snapshot = OrgSnapshot.load(agency=unit.agency, units=Q(id__in=unit_ids), overrides_for=Q(person=person), on=on)
    return snapshot.for_person(person.pk, unit.pk, person.unit_role)


def derive_under(authority: Person, *, on: date | None = None) -> list[PersonAuthorities]:
    """The authorities of everyone whom ``authority`` may evaluate or approve: the people of the
    units below the one they head, and those HR assigned to them. A fixed number of queries."""
    scope_people = Q(pk__in=AuthorityOverride.objects.filter(authority=authority).values("person"))
    scope_units = Q(pk=-1)
    if authority.unit_role == UnitRole.HEAD and authority.is_active:
        unit = authority.unit
        scope_units = Q(path__startswith=unit.path) | Q(id__in=unit.ancestor_ids())
        scope_people |= Q(unit__path__startswith=unit.path)
        if unit.parent_id is None:  # the agency's head: also over the heads of the agencies below
            scope_people |= Q(agency__parent=unit.agency_id, unit__parent__isnull=True, unit_role=UnitRole.HEAD)
    snapshot = OrgSnapshot.load(
        every_agency=True,
        units=scope_units | Q(id__in=Person.objects.filter(scope_people).values("unit")),
        overrides_for=Q(person__in=Person.objects.filter(scope_people)),
        on=on,
    )
    people = Person.objects.filter(scope_people, is_active=True).exclude(pk=authority.pk)
    found = []
    for person_id, unit_id, unit_role in people.values_list("id", "unit_id", "unit_role").iterator(chunk_size=10_000):
        authorities = snapshot.for_person(person_id, unit_id, unit_role)
        if authority.pk in (authorities.evaluator.person_id, authorities.approver.person_id):
            found.append(authorities)
    return found
