"""Django admin for what has no page yet. Changes made here bypass the services' audit trail, so
the admin is read-only for the organisation's core records (units, people): those change through
the import and the pages, which write the audit trail."""

from django.contrib import admin

from congtam.core.admin_site import RoleAdminMixin
from congtam.org.models import Agency, AuthorityOverride, Person, Position, Posting, Unit
from congtam.org.services import agency_create, agency_update


class ReadOnlyAdmin(RoleAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Agency)
class AgencyAdmin(RoleAdminMixin, admin.ModelAdmin):
    """The agencies of the installation, in their tree: the administrator adds one under another
    here (or with the organisation workbook's sheet “Cơ quan”), and edits their settings, through
    the services, so each change is audited. An agency is never deleted, nor moved in the tree."""

    list_display = ("code", "name", "parent", "external_authority", "approval_depth")
    list_select_related = ("parent",)
    search_fields = ("code", "name")
    fields = ("code", "name", "parent", "external_authority", "approval_depth")

    def get_readonly_fields(self, request, obj=None):
        return ("code", "parent") if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        values = {key: form.cleaned_data[key] for key in ("name", "external_authority", "approval_depth")}
        if not change:
            created = agency_create(
                actor=request.user, code=form.cleaned_data["code"], parent=form.cleaned_data["parent"], **values
            )
            obj.pk = created.pk
            return
        agency_update(actor=request.user, agency=Agency.objects.get(pk=obj.pk), **values)


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "agency", "parent", "depth")
    search_fields = ("code", "name")
    list_select_related = ("agency", "parent")


@admin.register(Position)
class PositionAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "rank", "is_leadership")
    search_fields = ("code", "title", "rank")
    list_filter = ("is_leadership",)


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ("staff_code", "full_name", "unit", "position", "unit_role", "category", "is_active")
    search_fields = ("staff_code", "search_name")
    list_filter = ("category", "unit_role", "is_active")
    list_select_related = ("unit", "position")
    exclude = ("gender", "birth_date", "ethnicity")


@admin.register(Posting)
class PostingAdmin(ReadOnlyAdmin):
    list_display = ("person", "unit", "position", "unit_role", "start_date", "end_date")
    list_select_related = ("person", "unit", "position")


@admin.register(AuthorityOverride)
class AuthorityOverrideAdmin(ReadOnlyAdmin):
    list_display = ("person", "kind", "authority", "effective_from", "ended_on", "reason")
    list_select_related = ("person", "authority")
