"""The REST API (version 1) for task-assignment and document systems. Thin: read the request,
call the bulk writer of work items (through :mod:`congtam.api.batch`) or a selector, answer.
Every call that succeeds writes one audit entry (``api.call``) in its transaction; a refused call
writes nothing at all."""

from __future__ import annotations

import io
import re

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from congtam.api import payload, selectors, serializers
from congtam.api.batch import MAX_BATCH, batch_answer, batch_write, call_draft, system_actor_label
from congtam.api.exceptions import BodyTooLarge
from congtam.api.parsers import forbidden_character_message
from congtam.audit.services import audit_record_many
from congtam.monitoring.bulk import BatchIssue, BatchRejected, BatchResult
from congtam.monitoring.period_keys import parse_period_key


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
    """The call's audit entry, in the caller's transaction (a write's is the bulk writer's)."""
    audit_record_many(actor=None, actor_label=system_actor_label(request.auth), drafts=[call_draft(request, **details)])


def rejected(issues: list[BatchIssue], *, with_index: bool) -> Response:
    errors = []
    for issue in issues:
        error = {"field": issue.field, "message": issue.message}
        if with_index and issue.index is not None:
            error = {"index": issue.index, **error}
        errors.append(error)
    return Response({"errors": errors}, status=status.HTTP_400_BAD_REQUEST)


# The batch takes MAX_BATCH items of a few kilobytes each: more than the 10 MB that Django allows
# any other request (DATA_UPLOAD_MAX_MEMORY_SIZE). Documented in the schema and the README.
MAX_BATCH_BYTES = 32 * 1024 * 1024


class ApiView(APIView):
    max_body_bytes: int | None = None  # None: Django's DATA_UPLOAD_MAX_MEMORY_SIZE

    def dispatch(self, request, *args, **kwargs):
        with translation.override(api_language(request)):
            response = super().dispatch(request, *args, **kwargs)
            response["Content-Language"] = translation.get_language()
            return response

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        check_address(kwargs, request.query_params)
        self.read_body(request)

    def read_body(self, request) -> None:
        """Refuse a body over this endpoint's limit as JSON (413) before reading it; read one
        that is over Django's general limit but within this endpoint's own."""
        limit = self.max_body_bytes or settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if limit is None:
            return
        if declared > limit:
            raise BodyTooLarge(limit)
        django_request = request._request
        if limit > (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0) and declared and not django_request._read_started:
            # What HttpRequest.body does, with this endpoint's limit instead of the general one.
            body = django_request.read(limit + 1)
            if len(body) > limit:
                raise BodyTooLarge(limit)
            django_request._body = body
            django_request._stream = io.BytesIO(body)

    def write(self, items, issues, **audit) -> BatchResult:
        """Check and write ``items``; raises BatchRejected (nothing written) on any problem."""
        return batch_write(self.request, items, issues, **audit)

    def owned_item(self, source_id: str):
        item = selectors.system_item(system=self.request.auth, source_id=source_id)
        if item is None:
            raise NotFound(_("No work item with this source id among this system's items."))
        return item


def check_address(path_values: dict, query) -> None:
    """Refuse a NUL character (``%00``) in the path or the query: PostgreSQL cannot compare it."""
    problems = {}
    for name, value in path_values.items():
        message = isinstance(value, str) and forbidden_character_message(value, name)
        if message:
            problems[name] = [message]
    for name, values in query.lists():
        message = forbidden_character_message(name, _("the name of a parameter"))
        if message:
            problems["query"] = [message]
            continue
        for value in values:
            message = forbidden_character_message(value, name)
            if message:
                problems[name] = [message]
    if problems:
        raise ValidationError(problems)


_PAGE_SIZE = re.compile(r"^[1-9][0-9]{0,3}$")


class Pagination(CursorPagination):
    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request):
        """Strictly a whole number from 1 to 1000 (DRF's own falls back to 100 on anything else)."""
        given = request.query_params.get(self.page_size_query_param)
        if given is None:
            return self.page_size
        if not _PAGE_SIZE.fullmatch(given) or int(given) > self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Give a whole number from 1 to %(limit)d.") % {"limit": self.max_page_size}
                    ]
                }
            )
        return int(given)

    def decode_cursor(self, request):
        # An opaque token: a page it cannot name is not found (as DRF says), in the caller's language.
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise NotFound(_("This page link is not valid: follow the “next” link of the previous page.")) from None

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "The next page: take the whole link from “next” (or “previous”).",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Items per page (default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]


# A refused request is answered {"errors": [...]} when it was read (every problem listed), and
# {"detail": ...} when it could not be (not JSON, a NUL character, nested too deeply).
REFUSED = PolymorphicProxySerializer(
    component_name="Refused",
    resource_type_field_name=None,
    serializers=[serializers.ErrorsSerializer, serializers.DetailSerializer],
)
ERRORS = OpenApiResponse(
    REFUSED, description="Nothing was written: every problem is listed, or the body could not be read."
)
BAD_ADDRESS = OpenApiResponse(REFUSED, description="A parameter of the address is not valid.")
DENIED = OpenApiResponse(serializers.DetailSerializer, description="No valid token.")
NOT_FOUND = OpenApiResponse(serializers.DetailSerializer, description="Not one of this system's items.")
NO_ROUTE = OpenApiResponse(
    serializers.DetailSerializer, description="No route matches the address (a source id with a line break)."
)
NO_PAGE = OpenApiResponse(serializers.DetailSerializer, description="The cursor names no page.")
TOO_LARGE = OpenApiResponse(serializers.DetailSerializer, description="The body is over the size limit.")
SOURCE_ID = OpenApiParameter("source_id", str, OpenApiParameter.PATH, description="The item's id in the source system.")


class WorkItemBatchView(ApiView):
    max_body_bytes = MAX_BATCH_BYTES

    @extend_schema(
        operation_id="work_items_batch",
        request=serializers.BatchRequestSerializer,
        responses={200: serializers.BatchResultSerializer, 400: ERRORS, 401: DENIED, 413: TOO_LARGE},
        description=f"Create or update up to {MAX_BATCH} work items and {MAX_BATCH_BYTES // (1024 * 1024)} MB, all or "
        "nothing (a larger body is answered 413). An item is keyed by its source_id: sent again, it is "
        "updated (or left unchanged); identical batches sent at the same time are written once. For an "
        "existing item the fields left out stay as they are, so completion can be reported with "
        "source_id and completed_on.",
    )
    def post(self, request):
        issues: list[BatchIssue] = []
        items = payload.read_batch(request.data, issues, limit=MAX_BATCH)
        try:
            result = self.write(items, issues, count=len(items))
        except BatchRejected as rejection:
            return rejected(rejection.issues, with_index=True)
        return Response(batch_answer(result))


class WorkItemDetailView(ApiView):
    @extend_schema(
        operation_id="work_item_get",
        parameters=[SOURCE_ID],
        responses={200: serializers.WorkItemSerializer, 400: BAD_ADDRESS, 401: DENIED, 404: NOT_FOUND},
    )
    def get(self, request, source_id: str):
        item = self.owned_item(source_id)
        with transaction.atomic():
            record_call(request, ids=[item.pk])
        return Response(serializers.WorkItemSerializer(item).data)

    @extend_schema(
        operation_id="work_item_put",
        parameters=[SOURCE_ID],
        request=serializers.WorkItemPutSerializer,
        responses={
            200: serializers.WorkItemSerializer,
            201: serializers.WorkItemSerializer,
            400: ERRORS,
            401: DENIED,
            404: NO_ROUTE,
            413: TOO_LARGE,
        },
        description="Create or update one work item (the same rules as one item of the batch).",
    )
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
    @extend_schema(
        operation_id="work_item_complete",
        parameters=[SOURCE_ID],
        request=serializers.CompletionSerializer,
        responses={200: serializers.WorkItemSerializer, 400: ERRORS, 401: DENIED, 404: NOT_FOUND, 413: TOO_LARGE},
        description="Report the item done on a date; the manager then checks its quality in Công Tâm.",
    )
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
    @extend_schema(
        operation_id="work_item_document_add",
        parameters=[SOURCE_ID],
        request=serializers.DocumentSerializer,
        responses={201: serializers.WorkItemSerializer, 400: ERRORS, 401: DENIED, 404: NOT_FOUND, 413: TOO_LARGE},
        description="Attach a link to the document system's record as evidence of the item.",
    )
    def post(self, request, source_id: str):
        self.owned_item(source_id)
        issues: list[BatchIssue] = []
        item = payload.read_document(request.data, issues, source_id=source_id)
        try:
            self.write([item] if item else [], issues)
        except BatchRejected as rejection:
            return rejected(rejection.issues, with_index=False)
        return Response(serializers.WorkItemSerializer(self.owned_item(source_id)).data, status=status.HTTP_201_CREATED)


def _period_parameter(issues: list[BatchIssue], value: str | None):
    if not value:
        issues.append(BatchIssue(None, "period", _("This field is required.")))
        return None
    key = parse_period_key(value) if PERIOD_PATTERN.fullmatch(value) else None
    if key is None:
        issues.append(
            BatchIssue(
                None,
                "period",
                _("Write the period as YYYY-MM for a month or YYYY-Qn for a quarter (e.g. 2026-11, 2026-Q4)."),
            )
        )
    return key


# Exactly what the schema says (the import of workbooks is more lenient: spaces, a lower-case q).
PERIOD_PATTERN = re.compile(r"^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$")
PERIOD_QUERY = OpenApiParameter(
    "period",
    str,
    required=True,
    pattern=PERIOD_PATTERN.pattern,
    description="2026-11 for a month, 2026-Q4 for a quarter.",
)


class ListView(ApiView):
    pagination_class = Pagination  # also read by drf-spectacular: the lists are documented as pages

    def page(self, request, rows, serializer_class) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, view=self)
        with transaction.atomic():
            record_call(request, query=dict(request.query_params.items()), ids=[row.pk for row in page])
        return paginator.get_paginated_response(serializer_class(page, many=True).data)


class WorkItemListView(ListView):
    @extend_schema(
        operation_id="work_items_list",
        parameters=[PERIOD_QUERY, OpenApiParameter("staff_code", str, description="One person's items.")],
        responses={200: serializers.WorkItemSerializer(many=True), 400: ERRORS, 401: DENIED, 404: NO_PAGE},
        description="This system's work items of one period (as they now stand in Công Tâm), oldest first.",
    )
    def get(self, request):
        issues: list[BatchIssue] = []
        period = _period_parameter(issues, request.query_params.get("period"))
        if issues:
            return rejected(issues, with_index=False)
        items = selectors.system_items(
            system=request.auth, period=period, staff_code=request.query_params.get("staff_code", "").strip()
        )
        return self.page(request, items, serializers.WorkItemSerializer)


class PeriodScoreListView(ListView):
    @extend_schema(
        operation_id="period_scores_list",
        parameters=[
            PERIOD_QUERY,
            OpenApiParameter("unit", str, description="A unit's code: its people and those of the units below."),
        ],
        responses={200: serializers.PeriodScoreSerializer(many=True), 400: ERRORS, 401: DENIED, 404: NO_PAGE},
        description="Period scores submitted for approval or approved, of the people in this system's units.",
    )
    def get(self, request):
        issues: list[BatchIssue] = []
        period = _period_parameter(issues, request.query_params.get("period"))
        unit = None
        unit_code = request.query_params.get("unit", "").strip()
        if unit_code:
            unit = selectors.unit_in_scope(system=request.auth, code=unit_code)
            if unit is None:
                issues.append(
                    BatchIssue(
                        None, "unit", _("No unit with code “%(code)s” among this system's units.") % {"code": unit_code}
                    )
                )
        if issues:
            return rejected(issues, with_index=False)
        reviews = selectors.period_scores(system=request.auth, period=period, unit=unit)
        return self.page(request, reviews, serializers.PeriodScoreSerializer)
