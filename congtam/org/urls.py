from django.urls import path

from congtam.org import views

app_name = "org"

urlpatterns = [
    path("units/", views.unit_tree_view, name="unit_tree"),
    path("agency/", views.agency_choose_view, name="agency_choose"),
    path("units/<str:code>/", views.unit_detail_view, name="unit_detail"),
    path("people/", views.person_search_view, name="person_search"),
    path("my-people/", views.my_people_view, name="my_people"),
    path("people/<str:staff_code>/", views.person_detail_view, name="person_detail"),
    path("people/<str:staff_code>/authority/", views.authority_override_view, name="authority_override"),
    path(
        "people/<str:staff_code>/authority/<int:override_id>/end/",
        views.authority_override_end_view,
        name="authority_override_end",
    ),
    path("authority/problems/", views.authority_problems_view, name="authority_problems"),
    path("import/", views.import_view, name="import"),
    path("import/template.xlsx", views.template_download_view, name="import_template"),
    path("export.xlsx", views.export_view, name="export"),
]
