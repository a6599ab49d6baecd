from congtam.accounts import policy
from congtam.monitoring.dashboards import sees_everything


def navigation(request):
    user = getattr(request, "user", None)
    return {
        "can_manage_org": policy.can_manage_org(user),
        "can_view_audit": policy.can_view_audit(user),
        "can_view_authority_report": policy.can_view_authority_report(user),
        "can_use_admin": policy.can_use_admin(user),
        "can_see_all_reviews": sees_everything(user),
    }
