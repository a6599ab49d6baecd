from django.contrib.admin.apps import AdminConfig


class CongTamAdminConfig(AdminConfig):
    default_site = "congtam.core.admin_site.CongTamAdminSite"
