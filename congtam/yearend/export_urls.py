"""Downloads of the year-end documents, included in the ``yearend`` namespace."""

from django.urls import path

from congtam.yearend import export_views

urlpatterns = [
    path("<int:pk>/documents/", export_views.exports_view, name="exports"),
    path("<int:pk>/documents/summary.xlsx", export_views.agency_summary_view, name="agency_summary"),
    path("<int:pk>/documents/units/<str:code>/summary.xlsx", export_views.unit_summary_view, name="unit_summary"),
    path("<int:pk>/documents/forms-archive/", export_views.forms_archive_start_view, name="forms_archive_start"),
    path("documents/archives/<uuid:job_id>/", export_views.forms_archive_download_view, name="forms_archive_download"),
    path("classifications/<int:pk>/form.<str:extension>", export_views.form_download_view, name="form_download"),
]
