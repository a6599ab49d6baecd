from django.urls import path

from congtam.core import views

app_name = "core"

urlpatterns = [
    path("imports/errors/<str:token>.xlsx", views.import_errors_download_view, name="import_errors"),
]
