"""Downloads of the year-end documents, included in the ``yearend`` namespace."""

from django.urls import path

from congtam.yearend.exports import views

urlpatterns = [
    path("<int:pk>/documents/", views.exports_view, name="exports"),
    path("<int:pk>/documents/summary.xlsx", views.agency_summary_view, name="agency_summary"),
    path("<int:pk>/documents/units/<str:code>/summary.xlsx", views.unit_summary_view, name="unit_summary"),
    path("<int:pk>/documents/forms-archive/", views.forms_archive_start_view, name="forms_archive_start"),
    path("documents/archives/<uuid:job_id>/", views.forms_archive_download_view, name="forms_archive_download"),
    path("classifications/<int:pk>/form.<str:extension>", views.form_download_view, name="form_download"),
]
