"""The shapes of the API, for its answers and its OpenAPI schema. (Request bodies are read by
:mod:`congtam.api.payload`; the input serializers here only describe them.)"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from congtam.api.batch import MAX_BATCH
from congtam.monitoring.models import ItemState, Origin, ReviewState
from congtam.monitoring.period_keys import period_key


# --- requests ------------------------------------------------------------------------------
class WorkItemInputSerializer(serializers.Serializer):
    source_id = serializers.CharField(
        max_length=200, help_text="The item's id in the source system (the key: sending it again updates it)."
    )
    staff_code = serializers.CharField(max_length=50, required=False, help_text="Required for a new item.")
    period = serializers.RegexField(
        r"^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$",
        required=False,
        help_text="2026-11 for a month, 2026-Q4 for a quarter. Required for a new item.",
    )
    catalogue_code = serializers.CharField(
        max_length=50,
        required=False,
        help_text="A product of the person's position catalogue; or give name, factor and reason.",
    )
    name = serializers.CharField(max_length=500, required=False, help_text="Name of an item outside the catalogue.")
    factor = serializers.DecimalField(
        max_digits=9,
        decimal_places=4,
        required=False,
        coerce_to_string=True,
        help_text="Conversion factor (> 0) of an item outside the catalogue.",
    )
    reason = serializers.CharField(max_length=2000, required=False, help_text="Why the item is outside the catalogue.")
    due_on = serializers.DateField(required=False, help_text="Within the period. Required for a new item.")
    completed_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Reports the item done (not in the future); the manager then checks it.",
    )
    note = serializers.CharField(max_length=5000, required=False, help_text="Report of the completion.")
    document = serializers.URLField(max_length=1000, required=False, help_text="Link to the document system's record.")
    document_description = serializers.CharField(max_length=500, required=False)


class WorkItemPutSerializer(WorkItemInputSerializer):
    source_id = serializers.CharField(max_length=200, required=False, help_text="If given, the same as in the address.")


class BatchRequestSerializer(serializers.Serializer):
    items = WorkItemInputSerializer(many=True, max_length=MAX_BATCH, min_length=1)


class CompletionSerializer(serializers.Serializer):
    completed_on = serializers.DateField()
    note = serializers.CharField(max_length=5000, required=False)


class DocumentSerializer(serializers.Serializer):
    link = serializers.URLField(max_length=1000)
    description = serializers.CharField(max_length=500, required=False)


# --- answers -------------------------------------------------------------------------------
class ErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField(required=False, help_text="The item's place in the batch (from 0).")
    field = serializers.CharField()
    message = serializers.CharField(help_text="In Vietnamese, or English with Accept-Language: en.")


class ErrorsSerializer(serializers.Serializer):
    errors = ErrorSerializer(many=True)


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class BatchItemResultSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    source_id = serializers.CharField()
    result = serializers.ChoiceField(choices=["created", "updated", "unchanged"])


class BatchResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    documents_added = serializers.IntegerField()
    items = BatchItemResultSerializer(many=True)


class DocumentOutSerializer(serializers.Serializer):
    link = serializers.URLField()
    description = serializers.CharField()


class WorkItemSerializer(serializers.Serializer):
    source_id = serializers.CharField()
    staff_code = serializers.CharField(source="review.person.staff_code")
    period = serializers.SerializerMethodField()
    catalogue_code = serializers.CharField(source="code", help_text="Empty for an item outside the catalogue.")
    name = serializers.CharField()
    factor = serializers.DecimalField(max_digits=9, decimal_places=4, coerce_to_string=True)
    origin = serializers.ChoiceField(choices=Origin.choices)
    state = serializers.ChoiceField(choices=ItemState.choices)
    due_on = serializers.DateField()
    completed_on = serializers.DateField(allow_null=True)
    note = serializers.CharField(source="report_note")
    quality_failures = serializers.IntegerField()
    objective_cause = serializers.BooleanField()
    late_count = serializers.IntegerField()
    review_state = serializers.ChoiceField(source="review.state", choices=ReviewState.choices)
    version = serializers.IntegerField()
    documents = DocumentOutSerializer(source="evidence", many=True)

    @extend_schema_field(serializers.CharField(help_text="2026-11 or 2026-Q4"))
    def get_period(self, item) -> str:
        period = item.review.period
        return period_key(period.cycle.year, period.cycle.frequency, period.number)


class PeriodScoreSerializer(serializers.Serializer):
    staff_code = serializers.CharField(source="person.staff_code")
    full_name = serializers.CharField(source="person.full_name")
    unit = serializers.CharField(source="unit.code")
    period = serializers.SerializerMethodField()
    state = serializers.ChoiceField(choices=[ReviewState.SUBMITTED, ReviewState.APPROVED])
    score = serializers.CharField(
        source="score_exact",
        allow_blank=True,
        help_text="The engine's exact score as a decimal string (round half up to two "
        "decimals for display); empty before submission.",
    )
    scored_at = serializers.DateTimeField(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(serializers.CharField(help_text="2026-11 or 2026-Q4"))
    def get_period(self, review) -> str:
        period = review.period
        return period_key(period.cycle.year, period.cycle.frequency, period.number)
