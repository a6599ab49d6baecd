"""Read-only administration of the catalogues: they change through the pages and the import,
which make a new version and write the audit trail (see congtam/org/admin.py)."""

from django.contrib import admin

from congtam.catalogue.models import CatalogueItem, CatalogueVersion
from congtam.org.admin import ReadOnlyAdmin


@admin.register(CatalogueVersion)
class CatalogueVersionAdmin(ReadOnlyAdmin):
    list_display = ("position", "number", "created_at", "created_by", "note")
    list_select_related = ("position", "created_by")
    search_fields = ("position__code", "position__title", "note")


@admin.register(CatalogueItem)
class CatalogueItemAdmin(ReadOnlyAdmin):
    list_display = ("position", "code", "name", "unit", "factor", "version_from", "version_to")
    list_select_related = ("position",)
    search_fields = ("position__code", "code", "name")
    list_filter = (("version_to", admin.EmptyFieldListFilter),)
