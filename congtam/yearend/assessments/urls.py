"""The self-assessments of the criteria model, included in the ``yearend`` namespace."""

from django.urls import path

from congtam.yearend.assessments import views

urlpatterns = [
    path("<int:pk>/self-assessment/", views.self_assessment_view, name="self_assessment"),
    path("<int:pk>/self-assessments/", views.self_assessments_view, name="self_assessments"),
    path(
        "<int:pk>/people/<str:staff_code>/self-assessment/", views.self_assessment_for_view, name="self_assessment_for"
    ),
]
