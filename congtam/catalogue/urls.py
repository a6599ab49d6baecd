from django.urls import path

from congtam.catalogue import views

app_name = "catalogue"

urlpatterns = [
    path("", views.position_list_view, name="positions"),
    path("positions/<str:code>/", views.position_catalogue_view, name="position"),
    path("positions/<str:code>/items/new/", views.item_create_view, name="item_create"),
    path("positions/<str:code>/items/<int:item_id>/edit/", views.item_update_view, name="item_update"),
    path("positions/<str:code>/items/<int:item_id>/retire/", views.item_retire_view, name="item_retire"),
    path("import/", views.import_view, name="import"),
    path("import/template.xlsx", views.template_download_view, name="import_template"),
    path("export.xlsx", views.export_view, name="export"),
]
