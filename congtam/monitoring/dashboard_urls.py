"""Routes of “Việc cần làm” and the dashboards, included by :mod:`congtam.monitoring.urls` inside
the ``monitoring`` namespace (``monitoring:todo`` …)."""

from django.urls import path

from congtam.monitoring import dashboard_views as views

urlpatterns = [
    path("todo/", views.todo_view, name="todo"),
    path("my-scores/", views.my_scores_view, name="my_scores"),
    path("periods/<int:period>/units/<str:code>/", views.unit_period_view, name="unit_period"),
    path("completion/", views.completion_view, name="completion"),
]
