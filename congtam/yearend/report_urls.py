"""The year-end reports, included in the ``yearend`` namespace."""

from django.urls import path

from congtam.yearend import report_views

urlpatterns = [
    path("reports/", report_views.reports_view, name="reports"),
    path("reports/report.xlsx", report_views.reports_xlsx_view, name="reports_xlsx"),
    path("reports/talent/", report_views.talent_view, name="talent"),
]
