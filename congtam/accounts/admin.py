from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from congtam.accounts.models import User


@admin.register(User)
class CongTamUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Công Tâm", {"fields": ("role", "person")}))
    list_display = ("username", "role", "person", "is_active", "last_login")
    list_filter = ("role", "is_active")
    raw_id_fields = ("person",)
    search_fields = ("username", "person__full_name", "person__staff_code")
