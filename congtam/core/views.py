"""Small helpers shared by the apps' views."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header

from congtam.core.import_errors import error_listing
from congtam.core.permissions import Refused

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def require(allowed: bool) -> None:
    """403 unless ``allowed``: for what a page's own data decides (the person is not in the year,
    the round is closed); who may do what is a declared permission (congtam.core.permissions)."""
    if not allowed:
        raise Refused


def attach_errors(form, error: ValidationError, mapping: dict[str, str] | None = None) -> None:
    """Show a service's refusal on the form the user filled in, so that what they typed stays:
    each field's messages under that field (``mapping`` renames a service's field to the form's),
    the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = (mapping or {}).get(field, field)
            for message in messages:
                form.add_error(target if target in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def import_page(request, *, form_class, template: str, run: Callable, context: dict | None = None) -> HttpResponse:
    """The page of a workbook import, shared by every import: the form; on a valid POST,
    ``run(cleaned_data)`` imports all or nothing and returns its report; then a success message, or
    the errors row by row (the first ones on the page, all of them as a workbook)."""
    form = form_class(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = run(form.cleaned_data)
        if report.ok:
            messages.success(request, report.summary())
    errors = error_listing(report.errors, user=request.user) if report is not None and not report.ok else None
    return render(request, template, {"form": form, "report": report, "errors": errors, **(context or {})})


def workbook_download(write: Callable, name: str, *, stamped: bool = False) -> HttpResponse:
    """An Excel download (a template or an export) that ``write(response)`` fills; a ``stamped``
    file name ends with the local date and time, so that successive exports do not overwrite."""
    if stamped:
        name = f"{name}-{timezone.localtime():%Y%m%d-%H%M}"
    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.xlsx")
    write(response)
    return response


def import_errors_download_view(request, token: str):
    """The full list of errors of one of the user's own imports, as a workbook (see
    :mod:`congtam.core.import_errors`)."""
    from django.http import FileResponse, Http404

    from congtam.core.import_errors import errors_workbook_of_someone_else, errors_workbook_path

    if request.method != "GET":
        from django.http import HttpResponseNotAllowed

        return HttpResponseNotAllowed(["GET"])
    path = errors_workbook_path(user=request.user, token=token)
    if path is None:
        require(not errors_workbook_of_someone_else(user=request.user, token=token))
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename="congtam-loi-nhap.xlsx", content_type=XLSX)


def page_not_found(request, exception):
    """404: the API's JSON error under /api/v1/ (an address no route matches, say a source id with
    a line break), Django's page elsewhere."""
    from django.http import JsonResponse
    from django.utils.translation import gettext
    from django.views import defaults

    from congtam.core.middleware import API_PREFIX

    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"detail": gettext("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def permission_denied(request, exception):
    """403: the refusal's own sentence (a :class:`~congtam.core.permissions.Refused` says why), on
    the product's page with a way back; the API's JSON error under /api/v1/."""
    from django.http import JsonResponse
    from django.shortcuts import render
    from django.utils.translation import gettext

    from congtam.core.middleware import API_PREFIX

    message = str(exception) if isinstance(exception, Refused) else gettext("You may not do this.")
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"detail": message}, status=403)
    return render(request, "403.html", {"message": message}, status=403)
