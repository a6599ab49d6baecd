"""Reading the product catalogues. A catalogue is public within the agency: everyone signed in
reads every position's catalogue, current or as it stood at any version; changing one is for HR
and the administrator (see :mod:`congtam.catalogue.services`).

The ``viewer`` is optional for the functions other apps call from their own services (assigning
a work item reads the catalogue on behalf of someone already allowed); when given it must be a
signed-in, active user.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from congtam.catalogue.models import CatalogueItem, CatalogueVersion
from congtam.core import permissions
from congtam.org.models import Agency, Position


def _require_viewer(viewer) -> None:
    permissions.require(viewer, "catalogue.view")


def _check(viewer) -> None:
    if viewer is not None:
        _require_viewer(viewer)


def catalogue_positions(*, viewer, agency: Agency | None) -> QuerySet[Position]:
    """Every job position of the agency with the size (``item_count``) and the latest version number
    (``latest_version``, None before the first) of its catalogue: one query."""
    _require_viewer(viewer)
    item_count = (
        CatalogueItem.objects.filter(position=OuterRef("pk"), version_to__isnull=True)
        .order_by()
        .values("position")
        .annotate(count=Count("pk"))
        .values("count")
    )
    latest = CatalogueVersion.objects.filter(position=OuterRef("pk")).order_by("-number").values("number")[:1]
    return (
        Position.objects.filter(agency=agency)
        .only("id", "code", "title", "rank", "is_leadership")
        .annotate(
            item_count=Coalesce(Subquery(item_count, output_field=IntegerField()), Value(0)),
            latest_version=Subquery(latest, output_field=IntegerField()),
        )
        .order_by("code")
    )


def catalogue_position_get(*, viewer, agency: Agency | None, code: str) -> Position:
    _require_viewer(viewer)
    try:
        return Position.objects.only("id", "code", "title", "rank", "is_leadership").get(agency=agency, code=code)
    except Position.DoesNotExist:
        raise Http404(code) from None


def catalogue_current(position: Position, *, viewer=None) -> QuerySet[CatalogueItem]:
    """The position's current products, by code."""
    _check(viewer)
    return CatalogueItem.objects.filter(position=position, version_to__isnull=True).order_by("code")


def catalogue_item_current(position: Position, code: str, *, viewer=None) -> CatalogueItem | None:
    """The current product with this code (whatever its letter case), or None."""
    _check(viewer)
    items = CatalogueItem.objects.filter(position=position, version_to__isnull=True)
    exact = items.filter(code=code).first()
    if exact is not None:
        return exact
    folded = code.strip().casefold()
    return next((item for item in items if item.code.casefold() == folded), None)


def catalogue_item_get(position: Position, item_id: int, *, viewer=None) -> CatalogueItem:
    """One row of the position's catalogue, current or not (404 if it is another position's)."""
    _check(viewer)
    try:
        return CatalogueItem.objects.get(position=position, pk=item_id)
    except CatalogueItem.DoesNotExist:
        raise Http404(item_id) from None


def catalogue_at_version(position: Position, number: int, *, viewer=None) -> QuerySet[CatalogueItem]:
    """The products of the position's catalogue as it stood at version ``number``, by code."""
    _check(viewer)
    return (
        CatalogueItem.objects.filter(position=position, version_from__lte=number)
        .filter(Q(version_to__isnull=True) | Q(version_to__gt=number))
        .order_by("code")
    )


def catalogue_versions(position: Position, *, viewer=None) -> QuerySet[CatalogueVersion]:
    """The versions of the position's catalogue, latest first, with who made them."""
    _check(viewer)
    return CatalogueVersion.objects.filter(position=position).select_related("created_by").order_by("-number")


@dataclass(frozen=True, slots=True)
class ItemChange:
    """One product's change in a version: ``before`` is None when added, ``after`` when retired."""

    code: str
    before: CatalogueItem | None
    after: CatalogueItem | None

    @property
    def kind(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "retired"
        return "changed"

    @property
    def changed_fields(self) -> list[str]:
        if self.before is None or self.after is None:
            return []
        return [
            field
            for field in ("name", "unit", "factor", "quality_requirement")
            if getattr(self.before, field) != getattr(self.after, field)
        ]


def catalogue_changes(position: Position, number: int, *, viewer=None) -> list[ItemChange]:
    """What version ``number`` changed from the one before: products added, changed, retired
    (one query)."""
    _check(viewer)
    rows = CatalogueItem.objects.filter(position=position).filter(Q(version_from=number) | Q(version_to=number))
    before: dict[str, CatalogueItem] = {}
    after: dict[str, CatalogueItem] = {}
    for row in rows:
        if row.version_to == number:
            before[row.code] = row
        if row.version_from == number:
            after[row.code] = row
    return [
        ItemChange(code=code, before=before.get(code), after=after.get(code))
        for code in sorted(before.keys() | after.keys())
    ]
