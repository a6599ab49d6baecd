"""Pages of the product catalogues. Thin: parse, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from congtam.catalogue import selectors, services
from congtam.catalogue.forms import CatalogueImportForm, CatalogueItemForm, CatalogueItemRetireForm
from congtam.catalogue.rules import factor_display
from congtam.core import permissions
from congtam.core.views import attach_errors, import_page, require, workbook_download
from congtam.org.agencies import current_agency


@require_GET
def position_list_view(request):
    positions = selectors.catalogue_positions(viewer=request.user, agency=current_agency(request))
    page = Paginator(positions, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "catalogue/position_list.html",
        {"page": page, "can_change": permissions.has_perm(request.user, "org.manage")},
    )


def _version_number(request, latest: int | None) -> int | None:
    """The version asked for in ``?version=``; the latest when absent; 404 when it does not exist."""
    asked = request.GET.get("version")
    if not asked:
        return latest
    try:
        number = int(asked)
    except ValueError:
        raise Http404(asked) from None
    if latest is None or not 1 <= number <= latest:
        raise Http404(asked)
    return number


@require_GET
def position_catalogue_view(request, code):
    position = selectors.catalogue_position_get(viewer=request.user, agency=current_agency(request), code=code)
    versions = list(selectors.catalogue_versions(position, viewer=request.user))
    latest = versions[0].number if versions else None
    number = _version_number(request, latest)
    is_current = number == latest
    if is_current:
        items = selectors.catalogue_current(position, viewer=request.user)
    else:
        items = selectors.catalogue_at_version(position, number, viewer=request.user)
    return render(
        request,
        "catalogue/position_catalogue.html",
        {
            "position": position,
            "versions": versions,
            "version": next((version for version in versions if version.number == number), None),
            "is_current": is_current,
            "items": list(items),
            "changes": selectors.catalogue_changes(position, number, viewer=request.user) if number else [],
            "can_change": is_current and permissions.has_perm(request.user, "org.manage"),
        },
    )


@require_http_methods(["GET", "POST"])
def item_create_view(request, code):
    require(permissions.has_perm(request.user, "org.manage"))
    position = selectors.catalogue_position_get(viewer=request.user, agency=current_agency(request), code=code)
    form = CatalogueItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.catalogue_item_create(actor=request.user, position=position, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("%(code)s was added to the catalogue.") % {"code": item.code})
            return redirect("catalogue:position", code=position.code)
    return render(request, "catalogue/item_form.html", {"position": position, "form": form, "item": None})


@require_http_methods(["GET", "POST"])
def item_update_view(request, code, item_id):
    require(permissions.has_perm(request.user, "org.manage"))
    position = selectors.catalogue_position_get(viewer=request.user, agency=current_agency(request), code=code)
    item = selectors.catalogue_item_get(position, item_id, viewer=request.user)
    initial = {
        "name": item.name,
        "unit": item.unit,
        "factor": factor_display(item.factor),
        "quality_requirement": item.quality_requirement,
    }
    form = CatalogueItemForm(request.POST or None, initial=initial, code_editable=False)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        reason = values.pop("reason")
        try:
            new_row = services.catalogue_item_update(actor=request.user, item=item, reason=reason, **values)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            if new_row.pk == item.pk:
                messages.info(request, _("Nothing was changed."))
            else:
                messages.success(request, _("%(code)s was changed.") % {"code": item.code})
            return redirect("catalogue:position", code=position.code)
    return render(request, "catalogue/item_form.html", _item_context(position, item, form))


@require_http_methods(["GET", "POST"])
def item_retire_view(request, code, item_id):
    require(permissions.has_perm(request.user, "org.manage"))
    position = selectors.catalogue_position_get(viewer=request.user, agency=current_agency(request), code=code)
    item = selectors.catalogue_item_get(position, item_id, viewer=request.user)
    form = CatalogueItemRetireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.catalogue_item_retire(actor=request.user, item=item, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("%(code)s was retired from the catalogue.") % {"code": item.code})
            return redirect("catalogue:position", code=position.code)
    return render(request, "catalogue/item_retire.html", _item_context(position, item, form))


def _item_context(position, item, form) -> dict:
    """The page of one product; when the row shown is no longer current, the one that is (if any)."""
    current = None if item.is_current else selectors.catalogue_item_current(position, item.code)
    return {"position": position, "item": item, "form": form, "current": current}


@require_http_methods(["GET", "POST"])
def import_view(request):
    require(permissions.has_perm(request.user, "org.manage"))
    return import_page(
        request,
        form_class=CatalogueImportForm,
        template="catalogue/import.html",
        run=lambda data: services.catalogue_import(
            actor=request.user,
            file=data["workbook"],
            agency=current_agency(request),
            retire_missing=data["retire_missing"],
            reason=data["reason"],
        ),
    )


@require_GET
def template_download_view(request):
    require(permissions.has_perm(request.user, "org.manage"))
    from congtam.catalogue.exporter import write_template

    return workbook_download(write_template, "congtam-mau-danh-muc-san-pham")


@require_GET
def export_view(request):
    require(permissions.has_perm(request.user, "org.manage"))
    position = None
    if request.GET.get("position"):
        position = selectors.catalogue_position_get(
            viewer=request.user, agency=current_agency(request), code=request.GET["position"]
        )
    which = f"-{position.code}" if position is not None else ""
    return workbook_download(
        lambda response: services.catalogue_export(response, agency=current_agency(request), position=position),
        f"congtam-danh-muc-san-pham{which}",
        stamped=True,
    )
