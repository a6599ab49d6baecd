from django.contrib import admin

from congtam.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Read-only: jobs change only through their services (and the worker)."""

    list_display = ("label", "kind", "state", "done", "total", "created_by", "created_at", "finished_at")
    list_filter = ("state", "kind")
    search_fields = ("label", "kind", "key")
    list_select_related = ("created_by",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
