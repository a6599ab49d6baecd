from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from congtam.audit.forms import AuditFilterForm
from congtam.audit.selectors import AuditFilter, audit_entry_list
from congtam.core import permissions


@require_GET
def audit_log_view(request):
    permissions.require(request.user, "audit.view")
    form = AuditFilterForm(request.GET or None)
    filters = AuditFilter(**form.cleaned_data) if form.is_valid() else AuditFilter()
    page = Paginator(audit_entry_list(viewer=request.user, filters=filters), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/log.html", {"form": form, "page": page, "query": query.urlencode()})
