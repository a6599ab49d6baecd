"""The REST API (version 1) for task-assignment and document systems. Thin: read the request,
call the batch writer or a selector, answer. Every call that succeeds writes one audit entry
(``api.call``) in its transaction; a refused call writes nothing at all."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from congtam.api import payload, selectors, serializers
from congtam.api.batch import MAX_BATCH, BatchIssue, BatchRejected, BatchResult, BatchSource, items_write
from congtam.api.events import API_CALL
from congtam.api.periods import parse_period_key
from congtam.audit.services import AuditDraft, Subject, audit_record_many
from congtam.monitoring.models import Origin


def api_language(request) -> str:
    """Vietnamese unless the caller asks for another language the product speaks."""
    supported = dict(settings.LANGUAGES)
    for code, _quality in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        try:
            language = translation.get_supported_language_variant(code)
        except LookupError:
            continue
        if language in supported:
            return language
    return settings.LANGUAGE_CODE


def record_call(request, **details) -> None:
    """The call's audit entry, in the caller's transaction."""
    system = request.auth
    audit_record_many(
        actor=None, actor_label=f"api:{system.name}"[:200],
        drafts=[AuditDraft(event=API_CALL, subject=Subject.of(system),
                           new={"method": request.method, "path": request.path, **details})],
    )


def rejected(issues: list[BatchIssue], *, with_index: bool) -> Response:
    errors = []
    for issue in issues:
        error = {"field": issue.field, "message": issue.message}
        if with_index and issue.index is not None:
            error = {"index": issue.index, **error}
        errors.append(error)
    return Response({"errors": errors}, status=status.HTTP_400_BAD_REQUEST)


class ApiView(APIView):
    def dispatch(self, request, *args, **kwargs):
        with translation.override(api_language(request)):
            response = super().dispatch(request, *args, **kwargs)
            response["Content-Language"] = translation.get_language()
            return response

    def source(self) -> BatchSource:
        system = self.request.auth
        return BatchSource(origin=Origin.SYSTEM, scope=selectors.system_scope(system), system=system,
                           label=_("the system %(name)s") % {"name": system.name})

    def write(self, items, issues, **audit) -> BatchResult:
        """Check and write ``items``; raises BatchRejected (nothing written) on any problem."""
        if issues and not items:
            raise BatchRejected(issues)
        with transaction.atomic():
            result = items_write(items, source=self.source(), issues=issues)
            record_call(self.request, **audit, **result.audit_summary())
        return result

    def owned_item(self, source_id: str):
        item = selectors.system_item(system=self.request.auth, source_id=source_id)
        if item is None:
            raise NotFound(_("No work item with this source id among this system's items."))
        return item


class Pagination(CursorPagination):
    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


ERRORS = OpenApiResponse(serializers.ErrorsSerializer, description="Nothing was written; every problem is listed.")
DENIED = OpenApiResponse(serializers.DetailSerializer, description="No valid token.")
NOT_FOUND = OpenApiResponse(serializers.DetailSerializer, description="Not one of this system's items.")
SOURCE_ID = OpenApiParameter("source_id", str, OpenApiParameter.PATH, description="The item's id in the source system.")


class WorkItemBatchView(ApiView):
    @extend_schema(
        operation_id="work_items_batch", request=serializers.BatchRequestSerializer,
        responses={200: serializers.BatchResultSerializer, 400: ERRORS, 401: DENIED},
        description=f"Create or update up to {MAX_BATCH} work items, all or nothing. An item is keyed by its "
                    "source_id: sent again, it is updated (or left unchanged). For an existing item the fields "
                    "left out stay as they are, so completion can be reported with source_id and completed_on.",
    )
    def post(self, request):
        issues: list[BatchIssue] = []
        items = payload.read_batch(request.data, issues, limit=MAX_BATCH)
        try:
            result = self.write(items, issues, count=len(items))
        except BatchRejected as rejection:
            return rejected(rejection.issues, with_index=True)
        outcome = [(index, source_id, "created") for index, source_id, _id in result.created]
        outcome += [(change["index"], change["source_id"], "updated") for change in result.updated]
        outcome += [(index, source_id, "unchanged") for index, source_id, _id in result.unchanged]
        return Response({
            "created": len(result.created), "updated": len(result.updated), "unchanged": len(result.unchanged),
            "documents_added": result.documents_added,
            "items": [{"index": index, "source_id": source_id, "result": what} for index, source_id, what in sorted(outcome)],
        })


class WorkItemDetailView(ApiView):
    @extend_schema(operation_id="work_item_get", parameters=[SOURCE_ID],
                   responses={200: serializers.WorkItemSerializer, 401: DENIED, 404: NOT_FOUND})
    def get(self, request, source_id: str):
        item = self.owned_item(source_id)
        with transaction.atomic():
            record_call(request, ids=[item.pk])
        return Response(serializers.WorkItemSerializer(item).data)

    @extend_schema(operation_id="work_item_put", parameters=[SOURCE_ID], request=serializers.WorkItemPutSerializer,
                   responses={200: serializers.WorkItemSerializer, 201: serializers.WorkItemSerializer, 400: ERRORS,
                              401: DENIED},
                   description="Create or update one work item (the same rules as one item of the batch).")
    def put(self, request, source_id: str):
        issues: list[BatchIssue] = []
        item = payload.read_item(0, request.data, issues, source_id=source_id)
        try:
            result = self.write([item] if item else [], issues)
        except BatchRejected as rejection:
            return rejected(rejection.issues, with_index=False)
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(serializers.WorkItemSerializer(self.owned_item(source_id)).data, status=code)


class WorkItemCompletionView(ApiView):
    @extend_schema(operation_id="work_item_complete", parameters=[SOURCE_ID], request=serializers.CompletionSerializer,
                   responses={200: serializers.WorkItemSerializer, 400: ERRORS, 401: DENIED, 404: NOT_FOUND},
                   description="Report the item done on a date; the manager then checks its quality in Công Tâm.")
    def post(self, request, source_id: str):
        self.owned_item(source_id)
        issues: list[BatchIssue] = []
        item = payload.read_completion(request.data, issues, source_id=source_id)
        try:
            self.write([item] if item else [], issues)
        except BatchRejected as rejection:
            return rejected(rejection.issues, with_index=False)
        return Response(serializers.WorkItemSerializer(self.owned_item(source_id)).data)


class WorkItemDocumentsView(ApiView):
    @extend_schema(operation_id="work_item_document_add", parameters=[SOURCE_ID], request=serializers.DocumentSerializer,
                   responses={201: serializers.WorkItemSerializer, 400: ERRORS, 401: DENIED, 404: NOT_FOUND},
                   description="Attach a link to the document system's record as evidence of the item.")
    def post(self, request, source_id: str):
        self.owned_item(source_id)
        issues: list[BatchIssue] = []
        item = payload.read_document(request.data, issues, source_id=source_id)
        try:
            self.write([item] if item else [], issues)
        except BatchRejected as rejection:
            return rejected(rejection.issues, with_index=False)
        return Response(serializers.WorkItemSerializer(self.owned_item(source_id)).data, status=status.HTTP_201_CREATED)


def _period_parameter(issues: list[BatchIssue], value: str | None, *, required: bool):
    if not value:
        if required:
            issues.append(BatchIssue(None, "period", _("This field is required.")))
        return None
    key = parse_period_key(value)
    if key is None:
        issues.append(BatchIssue(None, "period", _("Write the period as YYYY-MM for a month or YYYY-Qn for a quarter "
                                                   "(e.g. 2026-11, 2026-Q4).")))
    return key


PERIOD_QUERY = OpenApiParameter("period", str, description="2026-11 for a month, 2026-Q4 for a quarter.")


class WorkItemListView(ApiView):
    @extend_schema(operation_id="work_items_list",
                   parameters=[PERIOD_QUERY, OpenApiParameter("staff_code", str),
                               OpenApiParameter("page_size", int, description="At most 1000.")],
                   responses={200: serializers.WorkItemSerializer(many=True), 400: ERRORS, 401: DENIED},
                   description="This system's work items (as they now stand in Công Tâm), oldest first.")
    def get(self, request):
        issues: list[BatchIssue] = []
        period = _period_parameter(issues, request.query_params.get("period"), required=False)
        if issues:
            return rejected(issues, with_index=False)
        items = selectors.system_items(system=request.auth, period=period,
                                       staff_code=request.query_params.get("staff_code", "").strip())
        paginator = Pagination()
        page = paginator.paginate_queryset(items, request, view=self)
        with transaction.atomic():
            record_call(request, query=dict(request.query_params.items()), ids=[item.pk for item in page])
        return paginator.get_paginated_response(serializers.WorkItemSerializer(page, many=True).data)


class PeriodScoreListView(ApiView):
    @extend_schema(operation_id="period_scores_list",
                   parameters=[OpenApiParameter("period", str, required=True, description="2026-11 or 2026-Q4."),
                               OpenApiParameter("unit", str, description="A unit's code: its people and those of the units below."),
                               OpenApiParameter("page_size", int, description="At most 1000.")],
                   responses={200: serializers.PeriodScoreSerializer(many=True), 400: ERRORS, 401: DENIED},
                   description="Period scores submitted for approval or approved, of the people in this system's units.")
    def get(self, request):
        issues: list[BatchIssue] = []
        period = _period_parameter(issues, request.query_params.get("period"), required=True)
        unit = None
        unit_code = request.query_params.get("unit", "").strip()
        if unit_code:
            unit = selectors.unit_in_scope(system=request.auth, code=unit_code)
            if unit is None:
                issues.append(BatchIssue(None, "unit", _("No unit with code “%(code)s” among this system's units.")
                                         % {"code": unit_code}))
        if issues:
            return rejected(issues, with_index=False)
        reviews = selectors.period_scores(system=request.auth, period=period, unit=unit)
        paginator = Pagination()
        page = paginator.paginate_queryset(reviews, request, view=self)
        with transaction.atomic():
            record_call(request, query=dict(request.query_params.items()), ids=[review.pk for review in page])
        return paginator.get_paginated_response(serializers.PeriodScoreSerializer(page, many=True).data)
