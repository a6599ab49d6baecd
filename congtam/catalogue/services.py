"""Changes to the product catalogues. Each public service runs in one transaction with its audit
entry, and only HR and the administrator (or the system itself, ``actor=None``) may call them.

A change never edits a product's row: it makes a new version of the position's catalogue, ends
the old row at that version (``version_to``) and adds a row from it. Work items keep pointing at
the row they were assigned from, so a closed period keeps its factors.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from congtam.audit.services import audit_record, changed_fields
from congtam.catalogue import events
from congtam.catalogue.models import CatalogueItem, CatalogueVersion
from congtam.catalogue.rules import (
    UPDATABLE_FIELDS,
    clean_item_values,
    item_values,
    parse_factor,
    require_catalogue_manager,
)
from congtam.catalogue.workbook import CatalogueImportReport
from congtam.org.models import Position
from congtam.org.services import ConcurrentEditError
from congtam.vietnamese import clean_text

NOTE_LENGTH = CatalogueVersion._meta.get_field("note").max_length


# --- versions ----------------------------------------------------------------------------------
def lock_catalogue(position_id: int) -> int:
    """Lock a position's catalogue for the rest of the transaction (by its position's row, which
    every change of the catalogue locks first) and return its latest version number (0: none)."""
    list(Position.objects.select_for_update().filter(pk=position_id).values_list("pk", flat=True))
    latest = CatalogueVersion.objects.filter(position_id=position_id).aggregate(latest=Max("number"))["latest"]
    return latest or 0


def _new_version(position_id: int, number: int, *, actor, note: str) -> CatalogueVersion:
    return CatalogueVersion.objects.create(
        position_id=position_id, number=number, created_by=actor, note=clean_text(note)[:NOTE_LENGTH]
    )


# --- one product -------------------------------------------------------------------------------
def _validate(item: CatalogueItem, factor) -> None:
    """Parse the factor into the item and check every field, reporting all problems at once."""
    errors: dict[str, list[str]] = {}
    try:
        item.factor = parse_factor(factor)
    except ValidationError as error:
        errors["factor"] = error.messages
    try:
        # The constraints are the services' own checks below, with clearer messages.
        item.full_clean(exclude=["factor"] if errors else None, validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _check_code_free(position_id: int, code: str) -> None:
    """A code names one current product of the position, whatever its letter case (compared in
    Python: SQLite folds the case of ASCII letters only, and a catalogue is short)."""
    folded = code.casefold()
    current = CatalogueItem.objects.filter(position_id=position_id, version_to__isnull=True).values_list("code", "name")
    taken = next((row for row in current if row[0].casefold() == folded), None)
    if taken is not None:
        raise ValidationError(
            {
                "code": _("The product code %(code)s is already in this position's catalogue (%(name)s).")
                % {"code": taken[0], "name": taken[1]}
            }
        )


def _current_or_refuse(item: CatalogueItem) -> CatalogueItem:
    """The row ``item`` still current, or a refusal if someone changed or retired it meanwhile."""
    current = CatalogueItem.objects.filter(pk=item.pk, version_to__isnull=True).first()
    if current is None:
        raise ConcurrentEditError(
            _(
                "Someone else changed or retired the product %(code)s (%(name)s) while you were working on it. "
                "Nothing was overwritten: reload the catalogue to see their change, then make yours again."
            )
            % {"code": item.code, "name": item.name}
        )
    return current


@transaction.atomic
def catalogue_item_create(
    *,
    actor,
    position: Position,
    code: str,
    name: str,
    factor: Decimal | str | float,
    unit: str = "",
    quality_requirement: str = "",
    reason: str = "",
) -> CatalogueItem:
    """Add a product to a position's catalogue, in a new version of it."""
    require_catalogue_manager(actor)
    values = clean_item_values({"code": code, "name": name, "unit": unit, "quality_requirement": quality_requirement})
    latest = lock_catalogue(position.pk)
    item = CatalogueItem(position=position, version_from=latest + 1, **values)
    _validate(item, factor)
    _check_code_free(position.pk, item.code)
    version = _new_version(position.pk, latest + 1, actor=actor, note=reason)
    item.save()
    audit_record(
        actor=actor,
        event=events.ITEM_CREATED,
        subject=item,
        new={"position": position.code, **item_values(item), "version": version.number},
        reason=clean_text(reason),
    )
    return item


@transaction.atomic
def catalogue_item_update(*, actor, item: CatalogueItem, reason: str = "", **values) -> CatalogueItem:
    """Change a product's name, unit, factor or quality requirement, in a new version of the
    catalogue: ``item`` (the row the person saw) is ended and a new row returned. Refused if
    someone changed or retired the product since ``item`` was read; nothing happens when no value
    differs."""
    unknown = set(values) - set(UPDATABLE_FIELDS)
    if unknown:
        raise TypeError(f"catalogue_item_update() cannot change {sorted(unknown)}")
    require_catalogue_manager(actor)
    latest = lock_catalogue(item.position_id)
    current = _current_or_refuse(item)
    cleaned = clean_item_values(values)
    new_row = CatalogueItem(
        position_id=current.position_id,
        code=current.code,
        name=cleaned.get("name", current.name),
        unit=cleaned.get("unit", current.unit),
        quality_requirement=cleaned.get("quality_requirement", current.quality_requirement),
        version_from=latest + 1,
    )
    _validate(new_row, cleaned.get("factor", current.factor))
    old, new = changed_fields(item_values(current), item_values(new_row))
    if not new:
        return current
    version = _new_version(current.position_id, latest + 1, actor=actor, note=reason)
    CatalogueItem.objects.filter(pk=current.pk).update(version_to=version.number)
    new_row.save()
    audit_record(
        actor=actor,
        event=events.ITEM_UPDATED,
        subject=new_row,
        old={**old, "row": current.pk},
        new={**new, "version": version.number},
        reason=clean_text(reason),
    )
    return new_row


@transaction.atomic
def catalogue_item_retire(*, actor, item: CatalogueItem, reason: str = "") -> CatalogueItem:
    """Take a product out of its position's catalogue from a new version on; its row stays, ended
    at that version, for the periods that used it. Refused if someone changed it meanwhile."""
    require_catalogue_manager(actor)
    latest = lock_catalogue(item.position_id)
    current = _current_or_refuse(item)
    version = _new_version(current.position_id, latest + 1, actor=actor, note=reason)
    CatalogueItem.objects.filter(pk=current.pk).update(version_to=version.number)
    current.version_to = version.number
    audit_record(
        actor=actor,
        event=events.ITEM_RETIRED,
        subject=current,
        old=item_values(current),
        new={"version": version.number},
        reason=clean_text(reason),
    )
    return current


# --- workbooks ---------------------------------------------------------------------------------
def catalogue_import(
    *,
    actor,
    file,
    agency=None,
    retire_missing: bool = False,
    reason: str = "",
    actor_label: str | None = None,
) -> CatalogueImportReport:
    """Import the sheet “Danh mục sản phẩm”: all or nothing, one new version per changed position
    (see :mod:`congtam.catalogue.importer`)."""
    from congtam.catalogue.importer import import_workbook  # the importer builds on this module

    return import_workbook(
        file, actor=actor, agency=agency, retire_missing=retire_missing, reason=reason, actor_label=actor_label
    )


def catalogue_export(fileobj, *, agency=None, position: Position | None = None) -> int:
    """Write the current catalogues (of every position, or of one) as the sheet the import reads;
    returns the number of products written."""
    from congtam.catalogue.exporter import export_workbook

    return export_workbook(fileobj, agency=agency, position=position)
