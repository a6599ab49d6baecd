from django.urls import include, path

from congtam.yearend import views

app_name = "yearend"

urlpatterns = [
    path("", views.years_view, name="years"),
    path("open/", views.year_open_view, name="year_open"),
    path("appeals/", views.appeals_view, name="appeals"),
    path("appeals/<int:pk>/decide/", views.appeal_decide_view, name="appeal_decide"),
    path("<int:pk>/", views.year_view, name="year"),
    path("<int:pk>/step/<str:action>/", views.year_action_view, name="year_action"),
    path("<int:pk>/units/<str:code>/", views.calibration_view, name="calibration"),
    path("<int:pk>/units/<str:code>/approve/", views.approve_unit_view, name="approve_unit"),
    path("<int:pk>/quota-exception/", views.quota_exception_view, name="quota_exception"),
    path("<int:pk>/people/<str:staff_code>/facts/", views.facts_view, name="facts"),
    path("<int:pk>/approval/", views.approval_view, name="approval"),
    path("<int:pk>/my-result/", views.my_result_view, name="my_result"),
    path("<int:pk>/results/", views.public_list_view, name="public_list"),
    path("classifications/<int:pk>/level/", views.level_change_view, name="level_change"),
    path("classifications/<int:pk>/group/", views.group_set_view, name="group_set"),
    path("classifications/<int:pk>/approve/", views.approve_view, name="approve"),
    path("classifications/<int:pk>/decision/", views.approve_by_decision_view, name="approve_by_decision"),
    path("classifications/<int:pk>/acknowledge/", views.acknowledge_view, name="acknowledge"),
    path("classifications/<int:pk>/appeal/", views.appeal_view, name="appeal"),
    path("classifications/<int:pk>/amend/", views.amend_view, name="amend"),
    path("", include("congtam.yearend.exports.urls")),
    path("", include("congtam.yearend.meetings.urls")),
    path("", include("congtam.yearend.reports.urls")),
    path("", include("congtam.yearend.assessments.urls")),
]
