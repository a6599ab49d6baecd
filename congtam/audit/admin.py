from django.contrib import admin

from congtam.accounts import policy
from congtam.audit.models import AuditEntry
from congtam.core.admin_site import RoleAdminMixin


@admin.register(AuditEntry)
class AuditEntryAdmin(RoleAdminMixin, admin.ModelAdmin):
    """Read-only: the trail is append-only."""

    list_display = ("seq", "created_at", "actor_label", "event", "subject_label", "reason")
    list_filter = ("event",)
    search_fields = ("actor_label", "subject_label", "subject_id")

    def has_module_permission(self, request):
        return policy.can_view_audit(request.user)

    def has_view_permission(self, request, obj=None):
        return policy.can_view_audit(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
