from django.urls import path

from congtam.yearend.meetings import minutes, views

urlpatterns = [
    path("<int:pk>/units/<str:code>/meeting/", views.meeting_view, name="meeting"),
    path("<int:pk>/units/<str:code>/meeting/minutes.docx", minutes.minutes_download_view, name="meeting_minutes"),
    path("<int:pk>/units/<str:code>/meeting/record/", views.meeting_record_view, name="meeting_record"),
    path("<int:pk>/units/<str:code>/meeting/discussion/", views.meeting_discussion_view, name="meeting_discussion"),
    path("<int:pk>/units/<str:code>/meeting/adopt/", views.meeting_adopt_view, name="meeting_adopt"),
    path("<int:pk>/units/<str:code>/meeting/amend/", views.meeting_amend_view, name="meeting_amend"),
    path("<int:pk>/units/<str:code>/feedback/", views.unit_feedback_view, name="unit_feedback"),
    path("<int:pk>/units/<str:code>/feedback/open/", views.feedback_open_view, name="feedback_open"),
    path("<int:pk>/units/<str:code>/feedback/close/", views.feedback_close_view, name="feedback_close"),
    path("<int:pk>/feedback/", views.my_feedback_view, name="my_feedback"),
    path("<int:pk>/feedback/<str:staff_code>/", views.feedback_answer_view, name="feedback_answer"),
]
