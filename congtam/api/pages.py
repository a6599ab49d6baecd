"""Pages for people: HR's list of source systems with their tokens (issue, revoke), and the
Excel import of work items. Thin: parse, call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from congtam.api import importer, services
from congtam.api.forms import SourceSystemIssueForm, SourceSystemRevokeForm
from congtam.api.models import SourceSystem
from congtam.core import permissions
from congtam.core.views import attach_errors, import_page, workbook_download
from congtam.org.agencies import current_agency
from congtam.org.forms import ImportForm


@require_GET
def system_list_view(request):
    permissions.require(request.user, "api.manage_source_systems")
    systems = SourceSystem.objects.select_related("created_by").prefetch_related("units").order_by("revoked_at", "name")
    return render(request, "api/system_list.html", {"systems": systems})


@require_http_methods(["GET", "POST"])
def system_issue_view(request):
    permissions.require(request.user, "api.manage_source_systems")
    form = SourceSystemIssueForm(request.POST or None, agency=current_agency(request))
    if request.method == "POST" and form.is_valid():
        try:
            system, token = services.source_system_issue(
                actor=request.user, name=form.cleaned_data["name"], units=form.cleaned_data["units"]
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            # Rendered, never redirected: the token is shown this once and kept nowhere.
            response = render(request, "api/system_issued.html", {"system": system, "token": token})
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "api/system_issue.html", {"form": form})


@require_http_methods(["GET", "POST"])
def system_revoke_view(request, system_id: int):
    permissions.require(request.user, "api.manage_source_systems")
    system = get_object_or_404(SourceSystem, pk=system_id)
    form = SourceSystemRevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.source_system_revoke(actor=request.user, system=system, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The token of %(name)s is revoked.") % {"name": system.name})
            return redirect("api:system_list")
    return render(request, "api/system_revoke.html", {"system": system, "form": form})


@require_http_methods(["GET", "POST"])
def item_import_view(request):
    permissions.require(request.user, "api.import_work_items")
    return import_page(
        request,
        form_class=ImportForm,
        template="api/item_import.html",
        run=lambda data: importer.import_work_items(
            data["workbook"], actor=request.user, agency=current_agency(request), file_name=data["workbook"].name
        ),
        context={
            "for_everyone": permissions.has_perm(request.user, "api.import_for_everyone"),
            "columns": importer.ITEM_COLUMNS,
            "sheet": importer.SHEET_ITEMS,
        },
    )


@require_GET
def item_import_template_view(request):
    permissions.require(request.user, "api.import_work_items")
    return workbook_download(importer.write_template, "congtam-mau-cong-viec")
