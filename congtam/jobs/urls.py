from django.urls import path

from congtam.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list_view, name="list"),
    path("<uuid:job_id>/", views.job_detail_view, name="detail"),
    path("<uuid:job_id>/progress/", views.job_progress_view, name="progress"),
]
