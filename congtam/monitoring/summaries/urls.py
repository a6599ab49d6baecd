"""Routes of the period summaries, included by :mod:`congtam.monitoring.urls` inside the
``monitoring`` namespace."""

from django.urls import path

from congtam.monitoring.summaries import views

urlpatterns = [
    path("periods/<int:period>/summary.<str:extension>", views.period_summary_view, name="period_summary"),
    path(
        "periods/<int:period>/units/<str:code>/summary.<str:extension>",
        views.unit_summary_view,
        name="unit_summary",
    ),
    path("periods/<int:period>/summary/background/", views.summary_start_view, name="summary_start"),
    path("summaries/<uuid:job_id>/", views.summary_download_view, name="summary_download"),
    path("reviews/<int:pk>/sheet.pdf", views.score_sheet_view, name="score_sheet"),
]
