from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from congtam.core import permissions


class CongTamAdminSite(admin.AdminSite):
    """The admin, for HR and the administrator, for what has no page of its own yet."""

    site_header = _("Công Tâm administration")
    site_title = _("Công Tâm")
    index_title = _("Configuration")

    def has_permission(self, request):
        return request.user.is_active and permissions.has_perm(request.user, "accounts.use_admin")


class RoleAdminMixin:
    """HR and the administrator may view, add and change; only the administrator deletes.
    Django's per-model permissions are not used: declared permissions decide (congtam.core.permissions)."""

    def has_module_permission(self, request):
        return permissions.has_perm(request.user, "accounts.use_admin")

    def has_view_permission(self, request, obj=None):
        return permissions.has_perm(request.user, "accounts.use_admin")

    def has_add_permission(self, request, obj=None):
        return permissions.has_perm(request.user, "accounts.use_admin")

    def has_change_permission(self, request, obj=None):
        return permissions.has_perm(request.user, "accounts.use_admin")

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
