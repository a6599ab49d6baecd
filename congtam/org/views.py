"""Pages of the organisation. Thin: parse, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from congtam.core import permissions
from congtam.core.views import attach_errors, import_page, require, workbook_download
from congtam.org import selectors, services
from congtam.org.agencies import agencies_open_to, agency_choose, current_agency
from congtam.org.forms import AuthorityOverrideEndForm, AuthorityOverrideForm, ImportForm


def _page(request, queryset):
    paginator = Paginator(queryset, 50)
    return paginator.get_page(request.GET.get("page"))


@require_GET
def unit_tree_view(request):
    agency = current_agency(request)
    return render(
        request,
        "org/unit_tree.html",
        {
            "agency": agency,
            "agencies": list(agencies_open_to(request.user)),
            "nodes": selectors.unit_tree(viewer=request.user, agency=agency),
        },
    )


@require_POST
def agency_choose_view(request):
    """Work in another of the agencies open to the viewer (the organisation and catalogue pages)."""
    try:
        agency = agency_choose(request, int(request.POST.get("agency", "")))
    except ValueError:
        agency = None
    if agency is None:
        messages.error(request, _("That agency is not one you may open."))
    else:
        messages.success(request, _("You are now working in %(agency)s.") % {"agency": agency.name})
    return redirect("org:unit_tree")


@require_GET
def unit_detail_view(request, code):
    unit = selectors.unit_get(viewer=request.user, agency=current_agency(request), code=code)
    return render(
        request,
        "org/unit_detail.html",
        {
            "unit": unit,
            "ancestors": selectors.unit_ancestors(viewer=request.user, unit=unit),
            "children": selectors.unit_children(viewer=request.user, unit=unit),
            "head": selectors.unit_head(viewer=request.user, unit=unit),
            "page": _page(request, selectors.unit_people(viewer=request.user, unit=unit)),
        },
    )


@require_GET
def person_search_view(request):
    query = request.GET.get("q", "")
    page = (
        _page(request, selectors.person_search(viewer=request.user, agency=current_agency(request), query=query))
        if query.strip()
        else None
    )
    template = "org/_search_results.html" if request.htmx else "org/person_search.html"
    return render(request, template, {"query": query, "page": page, "too_short": selectors.search_too_short(query)})


@require_GET
def person_detail_view(request, staff_code):
    view = selectors.person_detail(viewer=request.user, agency=current_agency(request), staff_code=staff_code)
    return render(
        request,
        "org/person_detail.html",
        {"view": view, "person": view.person, "can_override": permissions.has_perm(request.user, "org.manage")},
    )


@require_GET
def my_people_view(request):
    people = selectors.people_under_authority(viewer=request.user)
    return render(request, "org/my_people.html", {"page": _page(request, people)})


@require_http_methods(["GET", "POST"])
def authority_override_view(request, staff_code):
    require(permissions.has_perm(request.user, "org.manage"))
    person = selectors.person_get(viewer=request.user, agency=current_agency(request), staff_code=staff_code)
    form = AuthorityOverrideForm(request.POST or None, agency=person.agency)
    if request.method == "POST" and form.is_valid():
        try:
            services.authority_override_set(
                actor=request.user,
                person=person,
                kind=form.cleaned_data["kind"],
                authority=form.cleaned_data["authority_code"],
                effective_from=form.cleaned_data["effective_from"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _attach_errors(form, error)
        else:
            messages.success(request, _("The decision was recorded."))
            return redirect("org:person_detail", staff_code=staff_code)
    overrides = selectors.authority_overrides(viewer=request.user, person=person)
    return render(request, "org/authority_override.html", {"person": person, "form": form, "overrides": overrides})


@require_http_methods(["GET", "POST"])
def authority_override_end_view(request, staff_code, override_id):
    require(permissions.has_perm(request.user, "org.manage"))
    person = selectors.person_get(viewer=request.user, agency=current_agency(request), staff_code=staff_code)
    override = selectors.authority_override_get(viewer=request.user, person=person, override_id=override_id)
    form = AuthorityOverrideEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.authority_override_end(
                actor=request.user,
                override=override,
                on=form.cleaned_data["ended_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _attach_errors(form, error)
        else:
            messages.success(request, _("The decision was recorded."))
            return redirect("org:authority_override", staff_code=staff_code)
    return render(request, "org/authority_override_end.html", {"person": person, "override": override, "form": form})


def _attach_errors(form, error: ValidationError) -> None:
    """The authority services name their fields after the model; the forms, after what HR types."""
    on = "ended_on" if "ended_on" in form.fields else "effective_from"
    attach_errors(form, error, {"authority": "authority_code", "on": on})


@require_GET
def authority_problems_view(request):
    require(permissions.has_perm(request.user, "org.view_authority_report"))
    problems = selectors.authority_problems(viewer=request.user, agency=current_agency(request))
    paginator = Paginator(problems, 50)
    return render(
        request,
        "org/authority_problems.html",
        {"page": paginator.get_page(request.GET.get("page")), "total": len(problems)},
    )


@require_http_methods(["GET", "POST"])
def import_view(request):
    require(permissions.has_perm(request.user, "org.manage"))
    from congtam.org.importer import import_workbook

    return import_page(
        request,
        form_class=ImportForm,
        template="org/import.html",
        run=lambda data: import_workbook(data["workbook"], actor=request.user),
    )


@require_GET
def template_download_view(request):
    require(permissions.has_perm(request.user, "org.manage"))
    from congtam.org.exporter import write_template

    return workbook_download(write_template, "congtam-mau-to-chuc")


@require_GET
def export_view(request):
    require(permissions.has_perm(request.user, "org.manage"))
    from congtam.org.exporter import export_workbook

    return workbook_download(
        lambda response: export_workbook(response, actor=request.user), "congtam-to-chuc", stamped=True
    )
