from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from congtam.accounts import views as account_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("login/", account_views.CongTamLoginView.as_view(), name="login"),
    path("logout/", account_views.CongTamLogoutView.as_view(), name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("org/", include("congtam.org.urls")),
    path("catalogue/", include("congtam.catalogue.urls")),
    path("monitoring/", include("congtam.monitoring.urls")),
    path("year-end/", include("congtam.yearend.urls")),
    path("audit/", include("congtam.audit.urls")),
    path("jobs/", include("congtam.jobs.urls")),
    path("notifications/", include("congtam.notifications.urls")),
    path("api/", include("congtam.api.urls")),
    path("", include("congtam.core.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "congtam.core.views.permission_denied"
handler404 = "congtam.core.views.page_not_found"
