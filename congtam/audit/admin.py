from django.contrib import admin

from congtam.audit.models import AuditEntry
from congtam.core import permissions
from congtam.core.admin_site import RoleAdminMixin


@admin.register(AuditEntry)
class AuditEntryAdmin(RoleAdminMixin, admin.ModelAdmin):
    """Read-only: the trail is append-only."""

    list_display = ("seq", "created_at", "actor_label", "event", "subject_label", "reason")
    list_filter = ("event",)
    search_fields = ("actor_label", "subject_label", "subject_id")

    def has_module_permission(self, request):
        return permissions.has_perm(request.user, "audit.view")

    def has_view_permission(self, request, obj=None):
        return permissions.has_perm(request.user, "audit.view")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
