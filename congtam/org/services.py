"""Changes to the organisation. Each public service runs in one transaction with its audit entry."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from congtam.accounts.permissions import refuse_own_record
from congtam.audit.services import audit_record, changed_fields
from congtam.org import events
from congtam.org.models import (
    Agency,
    AuthorityKind,
    AuthorityOverride,
    Person,
    Position,
    Posting,
    Unit,
    UnitRole,
)
from congtam.vietnamese import clean_text, name_sort_key, search_key

PATH_WIDTH = 8


class ConcurrentEditError(ValidationError):
    """Someone else saved the record since it was read; nothing was overwritten."""


def unit_path(parent: Unit | Agency | None, node_id: int) -> str:
    """The materialised path of a unit (or an agency) under ``parent``."""
    return (parent.path if parent else "") + f"{node_id:0{PATH_WIDTH}d}/"


# --- agency ----------------------------------------------------------------------------------
@transaction.atomic
def agency_create(
    *,
    actor,
    code: str,
    name: str,
    parent: Agency | None = None,
    external_authority: str = "",
    approval_depth: int = 1,
) -> Agency:
    """An agency at the top of the installation's tree, or under ``parent`` (a department under
    its province, a Cục under its ministry)."""
    agency = Agency(
        code=clean_text(code),
        name=clean_text(name),
        parent=parent,
        depth=(parent.depth + 1) if parent else 0,
        external_authority=clean_text(external_authority),
        approval_depth=approval_depth,
    )
    agency.full_clean(exclude=["path"])
    agency.save()
    agency.path = unit_path(parent, agency.pk)
    Agency.objects.filter(pk=agency.pk).update(path=agency.path)
    audit_record(actor=actor, event=events.AGENCY_CREATED, subject=agency, new=agency_values(agency))
    return agency


def agency_values(agency: Agency) -> dict:
    return {
        "code": agency.code,
        "name": agency.name,
        "parent": agency.parent.code if agency.parent_id else None,
        "external_authority": agency.external_authority,
        "approval_depth": agency.approval_depth,
    }


@transaction.atomic
def agency_update(*, actor, agency: Agency, reason: str = "", **values) -> Agency:
    before = agency_values(agency)
    for field in ("name", "external_authority"):
        if field in values:
            setattr(agency, field, clean_text(values[field]))
    if "approval_depth" in values:
        agency.approval_depth = values["approval_depth"]
    agency.full_clean()
    old, new = changed_fields(before, agency_values(agency))
    if new:
        agency.save()
        audit_record(actor=actor, event=events.AGENCY_UPDATED, subject=agency, old=old, new=new, reason=reason)
    return agency


def default_agency() -> Agency | None:
    """The top agency of the installation's tree (the first one made, when there are several)."""
    return Agency.objects.filter(parent__isnull=True).order_by("id").first()


def check_same_agency(unit: Unit, position: Position | None) -> None:
    if position is not None and position.agency_id != unit.agency_id:
        raise ValidationError(
            {"position": _("Job position %(code)s belongs to another agency.") % {"code": position.code}}
        )


# --- units -----------------------------------------------------------------------------------
@transaction.atomic
def unit_create(
    *, actor, agency: Agency, code: str, name: str, parent: Unit | None = None, sibling_order: int = 0
) -> Unit:
    if parent is None and Unit.objects.filter(agency=agency, parent__isnull=True).exists():
        raise ValidationError(_("The agency already has a top unit; give this unit a parent."))
    unit = Unit(
        agency=agency,
        code=clean_text(code),
        name=clean_text(name),
        parent=parent,
        depth=(parent.depth + 1) if parent else 0,
        sibling_order=sibling_order,
        path="",
    )
    unit.full_clean(exclude=["path"])
    unit.save()
    unit.path = unit_path(parent, unit.pk)
    Unit.objects.filter(pk=unit.pk).update(path=unit.path)
    audit_record(
        actor=actor,
        event=events.UNIT_CREATED,
        subject=unit,
        new={"code": unit.code, "name": unit.name, "parent": parent.code if parent else None},
    )
    return unit


@transaction.atomic
def unit_update(
    *, actor, unit: Unit, name: str | None = None, parent: Unit | bool | None = False, reason: str = ""
) -> Unit:
    """Rename a unit and/or move it under another parent (``parent=False`` leaves it in place)."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = {"name": unit.name, "parent": unit.parent.code if unit.parent_id else None}
    if name is not None:
        unit.name = clean_text(name)
        unit.full_clean(exclude=["path"])
    moved = parent is not False and (parent.pk if parent else None) != unit.parent_id
    if moved:
        if parent is None:
            raise ValidationError(_("Only the agency's top unit has no parent."))
        if parent.path.startswith(unit.path):
            raise ValidationError(
                _("Unit %(unit)s cannot be placed under %(parent)s, which is inside it.")
                % {"unit": unit.code, "parent": parent.code}
            )
        _move_subtree(unit, parent)
    unit.save(update_fields=["name"])
    after = {"name": unit.name, "parent": unit.parent.code if unit.parent_id else None}
    old, new = changed_fields(before, after)
    if new:
        audit_record(
            actor=actor,
            event=events.UNIT_MOVED if moved else events.UNIT_UPDATED,
            subject=unit,
            old=old,
            new=new,
            reason=reason,
        )
    return unit


def _move_subtree(unit: Unit, parent: Unit) -> None:
    old_path, depth_shift = unit.path, parent.depth + 1 - unit.depth
    unit.parent = parent
    unit.path = unit_path(parent, unit.pk)
    unit.depth = parent.depth + 1
    Unit.objects.filter(pk=unit.pk).update(parent=parent, path=unit.path, depth=unit.depth)
    descendants = list(Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk))
    for descendant in descendants:
        descendant.path = unit.path + descendant.path[len(old_path) :]
        descendant.depth += depth_shift
    Unit.objects.bulk_update(descendants, ["path", "depth"], batch_size=1000)


# --- positions -------------------------------------------------------------------------------
def position_values(position: Position) -> dict:
    return {
        "code": position.code,
        "title": position.title,
        "rank": position.rank,
        "is_leadership": position.is_leadership,
        "duties": position.duties,
        "standards": position.standards,
    }


@transaction.atomic
def position_create(
    *,
    actor,
    agency: Agency,
    code: str,
    title: str,
    rank: str = "",
    is_leadership: bool = False,
    duties: str = "",
    standards: str = "",
) -> Position:
    position = Position(
        agency=agency,
        code=clean_text(code),
        title=clean_text(title),
        rank=clean_text(rank),
        is_leadership=is_leadership,
        duties=clean_multiline(duties),
        standards=clean_multiline(standards),
    )
    position.full_clean()
    position.save()
    audit_record(actor=actor, event=events.POSITION_CREATED, subject=position, new=position_values(position))
    return position


def clean_multiline(value) -> str:
    """NFC text that keeps its line breaks (duties and standards are lists)."""
    if value is None:
        return ""
    return "\n".join(clean_text(line) for line in str(value).splitlines()).strip()


# --- people ----------------------------------------------------------------------------------
PERSON_FIELDS = (
    "full_name",
    "category",
    "gender",
    "birth_date",
    "ethnicity",
    "unit",
    "position",
    "unit_role",
    "start_date",
    "email",
    "is_active",
)


def person_values(person: Person) -> dict:
    """A person's record as the audit trail keeps it (codes rather than ids)."""
    return {
        "staff_code": person.staff_code,
        "full_name": person.full_name,
        "category": person.category,
        "gender": person.gender,
        "birth_date": person.birth_date,
        "ethnicity": person.ethnicity,
        "unit": person.unit.code if person.unit_id else None,
        "position": person.position.code if person.position_id else None,
        "unit_role": person.unit_role,
        "start_date": person.start_date,
        "email": person.email,
        "is_active": person.is_active,
    }


def person_prepare(person: Person) -> Person:
    """Normalise what was typed or imported and derive the sort and search keys."""
    person.staff_code = clean_text(person.staff_code)
    person.full_name = clean_text(person.full_name)
    person.ethnicity = clean_text(person.ethnicity)
    person.email = clean_text(person.email).lower()
    person.sort_key = name_sort_key(person.full_name)
    person.search_name = search_key(person.full_name)
    return person


def person_check_head(person: Person) -> None:
    if person.unit_role != UnitRole.HEAD or not person.is_active:
        return
    other = Person.objects.filter(unit_id=person.unit_id, unit_role=UnitRole.HEAD, is_active=True).exclude(pk=person.pk)
    holder = other.values_list("full_name", flat=True).first()
    if holder:
        raise ValidationError(
            {"unit_role": _("%(unit)s already has a head: %(name)s.") % {"unit": person.unit.name, "name": holder}}
        )


@transaction.atomic
def person_create(
    *,
    actor,
    staff_code: str,
    full_name: str,
    category: str,
    unit: Unit,
    position: Position | None = None,
    unit_role: str = UnitRole.MEMBER,
    gender: str = "",
    birth_date: date | None = None,
    ethnicity: str = "",
    start_date: date | None = None,
    email: str = "",
    reason: str = "",
) -> Person:
    check_same_agency(unit, position)
    person = person_prepare(
        Person(
            agency_id=unit.agency_id,
            staff_code=staff_code,
            full_name=full_name,
            category=category,
            unit=unit,
            position=position,
            unit_role=unit_role,
            gender=gender,
            birth_date=birth_date,
            ethnicity=ethnicity,
            start_date=start_date,
            email=email,
        )
    )
    person_check_head(person)
    person.full_clean()
    person.save()
    Posting.objects.create(
        person=person,
        unit=unit,
        position=position,
        unit_role=unit_role,
        start_date=start_date or timezone.localdate(),
        reason=reason,
    )
    audit_record(actor=actor, event=events.PERSON_CREATED, subject=person, new=person_values(person), reason=reason)
    return person


def _save_versioned(person: Person, expected_version: int, fields: list[str]) -> None:
    """Write the fields only if nobody saved the person since ``expected_version`` was read."""
    values = {field: getattr(person, field) for field in fields}
    updated = Person.objects.filter(pk=person.pk, version=expected_version).update(version=F("version") + 1, **values)
    if not updated:
        raise ConcurrentEditError(
            _(
                "Someone else changed %(name)s's record while you were editing it. Nothing was overwritten: "
                "reload the page to see their change, then make yours again."
            )
            % {"name": person.full_name}
        )
    person.version = expected_version + 1


@transaction.atomic
def person_update(*, actor, person: Person, expected_version: int, reason: str = "", **values) -> Person:
    """Change a person's record (not their unit or role: see :func:`person_transfer`)."""
    refuse_own_record(actor, person.pk)
    unknown = set(values) - {
        "full_name",
        "category",
        "gender",
        "birth_date",
        "ethnicity",
        "start_date",
        "email",
        "position",
        "is_active",
    }
    if unknown:
        raise TypeError(f"person_update() cannot change {sorted(unknown)}")
    before = person_values(person)
    for field, value in values.items():
        setattr(person, field, value)
    if "position" in values:
        check_same_agency(person.unit, person.position)
    person_prepare(person)
    person.full_clean(validate_unique=False)
    after = person_values(person)
    old, new = changed_fields(before, after)
    if not new:
        return person
    _save_versioned(person, expected_version, [*values, "sort_key", "search_name"])
    if "position" in values:
        Posting.objects.filter(person=person, end_date__isnull=True).update(position=person.position)
    audit_record(actor=actor, event=events.PERSON_UPDATED, subject=person, old=old, new=new, reason=reason)
    return person


@transaction.atomic
def person_transfer(
    *,
    actor,
    person: Person,
    expected_version: int,
    unit: Unit,
    on: date,
    reason: str,
    position: Position | bool | None = False,
    unit_role: str = UnitRole.MEMBER,
) -> Person:
    """Move a person to another unit (or change their role in it) from a date, keeping history."""
    refuse_own_record(actor, person.pk)
    if unit.agency_id != person.agency_id:
        raise ValidationError(
            {
                "unit": _(
                    "%(unit)s belongs to another agency. A move between agencies is a departure from one "
                    "and a start in the other: record the departure here, and the other agency's HR adds the person."
                )
                % {"unit": unit.name}
            }
        )
    if not clean_text(reason):
        raise ValidationError({"reason": _("Give the reason for the transfer (e.g. the decision number).")})
    current = Posting.objects.select_for_update().filter(person=person, end_date__isnull=True).first()
    if current and on < current.start_date:
        raise ValidationError(
            {
                "on": _("The transfer date cannot be before the current posting began (%(date)s).")
                % {"date": current.start_date.strftime("%d/%m/%Y")}
            }
        )
    before = person_values(person)
    person.unit = unit
    person.unit_role = unit_role
    if position is not False:
        person.position = position
    check_same_agency(unit, person.position)
    person_check_head(person)
    _save_versioned(person, expected_version, ["unit", "unit_role", "position"])
    if current:
        current.end_date = on
        current.save(update_fields=["end_date"])
    Posting.objects.create(
        person=person,
        unit=unit,
        position=person.position,
        unit_role=unit_role,
        start_date=on,
        reason=clean_text(reason),
    )
    old, new = changed_fields(before, person_values(person))
    event = events.PERSON_TRANSFERRED if "unit" in new else events.PERSON_ROLE_CHANGED
    audit_record(actor=actor, event=event, subject=person, old=old, new={**new, "from": on}, reason=clean_text(reason))
    return person


@transaction.atomic
def sensitive_read_record(*, actor, person: Person, fields=("gender", "birth_date", "ethnicity")) -> None:
    """Write to the audit trail that ``actor`` read a person's sensitive personal data."""
    audit_record(actor=actor, event=events.PERSON_SENSITIVE_VIEWED, subject=person, new={"fields": list(fields)})


# --- authority -------------------------------------------------------------------------------
@transaction.atomic
def authority_override_set(
    *, actor, person: Person, kind: str, authority: Person, effective_from: date, reason: str
) -> AuthorityOverride:
    """Record HR's decision that ``authority`` evaluates or approves ``person`` from a date."""
    refuse_own_record(actor, person.pk)
    if kind not in AuthorityKind.values:
        raise ValidationError({"kind": _("Choose evaluator or approver.")})
    if authority.pk == person.pk:
        raise ValidationError(
            {
                "authority": _("%(name)s cannot evaluate or approve themselves; choose someone else.")
                % {"name": person.full_name}
            }
        )
    if not authority.is_active:
        raise ValidationError(
            {"authority": _("%(name)s no longer works at the agency.") % {"name": authority.full_name}}
        )
    reason = clean_text(reason)
    if not reason:
        raise ValidationError({"reason": _("Give the reason for this decision.")})
    override = AuthorityOverride(
        person=person, kind=kind, authority=authority, effective_from=effective_from, reason=reason, created_by=actor
    )
    override.full_clean()
    override.save()
    audit_record(
        actor=actor,
        event=events.AUTHORITY_OVERRIDDEN,
        subject=person,
        new={"kind": kind, "authority": authority.staff_code, "effective_from": effective_from},
        reason=reason,
    )
    return override


@transaction.atomic
def authority_override_end(*, actor, override: AuthorityOverride, on: date, reason: str) -> AuthorityOverride:
    refuse_own_record(actor, override.person_id)
    # Locked, so two HR officers ending the same decision at once cannot both record an end.
    override = AuthorityOverride.objects.select_for_update().select_related("person", "authority").get(pk=override.pk)
    if override.ended_on is not None:
        raise ValidationError(
            _("This decision already ended on %(date)s.")
            % {"date": date_format(override.ended_on, "SHORT_DATE_FORMAT")}
        )
    reason = clean_text(reason)
    if not reason:
        raise ValidationError({"reason": _("Give the reason for this decision.")})
    if on < override.effective_from:
        raise ValidationError({"on": _("The end date cannot be before the override began.")})
    override.ended_on = on
    override.save(update_fields=["ended_on"])
    audit_record(
        actor=actor,
        event=events.AUTHORITY_OVERRIDE_ENDED,
        subject=override.person,
        old={"kind": override.kind, "authority": override.authority.staff_code},
        new={"ended_on": on},
        reason=reason,
    )
    return override
