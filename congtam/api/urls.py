from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from congtam.api import pages, views

app_name = "api"

# Source ids may contain slashes ("CV/2026/15"): the item routes take the rest of the path, so
# the routes that end in a fixed word come first.
urlpatterns = [
    path("v1/schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
    path("v1/work-items/batch", views.WorkItemBatchView.as_view(), name="work_items_batch"),
    path("v1/work-items", views.WorkItemListView.as_view(), name="work_items"),
    path(
        "v1/work-items/<path:source_id>/completion", views.WorkItemCompletionView.as_view(), name="work_item_completion"
    ),
    path("v1/work-items/<path:source_id>/documents", views.WorkItemDocumentsView.as_view(), name="work_item_documents"),
    path("v1/work-items/<path:source_id>", views.WorkItemDetailView.as_view(), name="work_item"),
    path("v1/period-scores", views.PeriodScoreListView.as_view(), name="period_scores"),
    # Pages for people (HR, evaluators): tokens and the Excel import of work items.
    path("systems/", pages.system_list_view, name="system_list"),
    path("systems/new/", pages.system_issue_view, name="system_issue"),
    path("systems/<int:system_id>/revoke/", pages.system_revoke_view, name="system_revoke"),
    path("work-items/import/", pages.item_import_view, name="item_import"),
    path("work-items/import/template.xlsx", pages.item_import_template_view, name="item_import_template"),
]
