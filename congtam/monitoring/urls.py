from django.urls import include, path

from congtam.monitoring import dashboard_urls, views

app_name = "monitoring"

urlpatterns = [
    path("cycles/", views.cycle_list_view, name="cycles"),
    path("cycles/open/", views.cycle_open_view, name="cycle_open"),
    path("cycles/<int:pk>/", views.cycle_view, name="cycle"),
    path("periods/<int:period>/units/<str:code>/approve/", views.approve_unit_view, name="approve_unit"),
    path("periods/<int:pk>/close/", views.period_close_view, name="period_close"),
    path("my-reviews/", views.my_reviews_view, name="my_reviews"),
    path("reviews/<int:pk>/", views.review_view, name="review"),
    path("reviews/<int:pk>/items/<str:kind>/", views.plan_item_view, name="plan_item"),
    path("reviews/<int:pk>/items/<int:item_id>/evidence/", views.evidence_add_view, name="evidence_add"),
    path("reviews/<int:pk>/items/<int:item_id>/<str:action>/", views.item_action_view, name="item_action"),
    path("reviews/<int:pk>/acknowledge/", views.acknowledge_view, name="acknowledge"),
    path("reviews/<int:pk>/ratings/<str:role>/", views.rating_view, name="rating"),
    path("reviews/<int:pk>/observations/", views.observation_view, name="observation"),
    path(
        "reviews/<int:pk>/observations/<int:observation_id>/answer/",
        views.observation_answer_view,
        name="observation_answer",
    ),
    path("reviews/<int:pk>/amend/", views.amend_view, name="amend"),
    path("reviews/<int:pk>/score-preview/", views.score_preview_view, name="score_preview"),
    path("reviews/<int:pk>/decision/", views.decision_record_view, name="decision_record"),
    path("reviews/<int:pk>/<str:action>/", views.review_action_view, name="review_action"),
    path("evidence/<int:pk>/", views.evidence_download_view, name="evidence"),
    path("decisions/<int:pk>/", views.decision_download_view, name="decision"),
    path("", include("congtam.monitoring.summaries.urls")),
    path("", include(dashboard_urls)),
]
