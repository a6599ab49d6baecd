"""The year-end reports, included in the ``yearend`` namespace."""

from django.urls import path

from congtam.yearend.reports import views

urlpatterns = [
    path("reports/", views.reports_view, name="reports"),
    path("reports/report.xlsx", views.reports_xlsx_view, name="reports_xlsx"),
    path("reports/talent/", views.talent_view, name="talent"),
]
