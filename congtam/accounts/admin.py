from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import transaction

from congtam.accounts import services
from congtam.accounts.models import User

# What nobody changes on their own account: who they are, what they may do.
OWN_ACCOUNT_READONLY = ("role", "person", "is_active", "is_staff", "is_superuser", "groups", "user_permissions")


@admin.register(User)
class CongTamUserAdmin(UserAdmin):
    """Accounts in the administration, every creation, change, password change and deletion
    written to the audit trail (who, what, old and new), and none of one's own powers editable."""

    fieldsets = (*UserAdmin.fieldsets, ("Công Tâm", {"fields": ("role", "person")}))
    list_display = ("username", "role", "person", "is_active", "last_login")
    list_filter = ("role", "is_active")
    raw_id_fields = ("person",)
    search_fields = ("username", "person__full_name", "person__staff_code")

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None and obj.pk == request.user.pk:
            return (*readonly, *OWN_ACCOUNT_READONLY)
        return readonly

    def save_model(self, request, obj, form, change):
        # The state before, read from the database: the form has already changed ``obj``.
        request._congtam_account_before = (
            services.account_state(User.objects.get(pk=obj.pk)) if change and obj.pk else {}
        )
        request._congtam_password_before = User.objects.filter(pk=obj.pk).values_list("password", flat=True).first()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the groups and permissions are saved, in the admin's transaction.
        services.account_change_record(
            actor=request.user,
            user=form.instance,
            before=getattr(request, "_congtam_account_before", {}),
            password_before=getattr(request, "_congtam_password_before", None),
        )

    def delete_model(self, request, obj):
        with transaction.atomic():
            services.account_delete_record(actor=request.user, user=obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for user in queryset:
                services.account_delete_record(actor=request.user, user=user)
            super().delete_queryset(request, queryset)

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():
            user = User.objects.filter(pk=id).first()
            before = user.password if user is not None else None
            response = super().user_change_password(request, id, form_url)
            if user is not None:
                user.refresh_from_db()
                if user.password != before:
                    services.account_change_record(
                        actor=request.user,
                        user=user,
                        before=services.account_state(user),
                        password_before=before,
                    )
        return response
