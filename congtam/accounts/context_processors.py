"""The navigation's links, each shown to those who hold the declared permission behind its page."""

from congtam.core import permissions


def navigation(request):
    user = getattr(request, "user", None)
    return {
        "can_manage_org": permissions.has_perm(user, "org.manage"),
        "can_view_audit": permissions.has_perm(user, "audit.view"),
        "can_view_authority_report": permissions.has_perm(user, "org.view_authority_report"),
        "can_use_admin": permissions.has_perm(user, "accounts.use_admin"),
        "can_see_all_reviews": permissions.has_perm(user, "monitoring.see_all_reviews"),
        "can_import_work_items": permissions.has_perm(user, "api.import_work_items"),
        "can_manage_source_systems": permissions.has_perm(user, "api.manage_source_systems"),
    }
