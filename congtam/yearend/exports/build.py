"""The official year-end documents built from the classification (issue 6, part 8).

This module turns the year-end models into the plain dataclasses of :mod:`congtam.documents`, in a
fixed number of queries per batch of people, and decides who may download what. The documents are
filed with the decree's Vietnamese wording, so the texts written here are Vietnamese whatever the
language of the page (as in :mod:`congtam.documents.wording`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import transaction

from congtam.audit.services import audit_record
from congtam.core.bulk import batched
from congtam.documents import Category, EvaluationFormData, SelfAssessment, Signature, UnitSummaryRow
from congtam.org.models import Category as StaffCategory
from congtam.org.models import Unit, UnitRole
from congtam.scoring.levels import Level
from congtam.yearend.exports import events as export_events
from congtam.yearend.models import Classification, CriteriaSelfAssessment, LevelChange, Model, Year

BATCH = 200
FORM_FORMATS = ("docx", "pdf")
# A contract worker files the form of a public employee (the form of a working contract).
FORM_CATEGORY = {
    StaffCategory.CAN_BO: Category.CAN_BO,
    StaffCategory.CONG_CHUC: Category.CONG_CHUC,
    StaffCategory.VIEN_CHUC: Category.VIEN_CHUC,
    StaffCategory.HOP_DONG: Category.VIEN_CHUC,
}
CHANGE_WORDS = {
    "calibration": "Điều chỉnh khi cân đối",
    "appeal": "Quyết định giải quyết kiến nghị",
    "amendment": "Điều chỉnh sau khi khóa sổ",
}


# --- what is in scope ------------------------------------------------------------------------------
def scope(year: Year, unit: Unit | None = None):
    """The year's classifications of the unit and the units below it (of the whole year without one),
    in the order of the unit tree, then by name."""
    rows = Classification.objects.filter(year=year)
    if unit is not None:
        rows = rows.filter(unit__path__startswith=unit.path)
    return rows.order_by("unit__path", "group", "person__sort_key", "pk")


def _with_relations(rows):
    return rows.select_related("year__agency", "person__position", "unit", "evaluator", "approver")


def _level(code: str) -> Level | None:
    return Level(code) if code else None


def _reasons(classification: Classification) -> list[str]:
    return list((classification.explanation or {}).get("reasons", {}).get("vi", []))


# --- the evaluation form -------------------------------------------------------------------------
def _percent(value) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def _criteria_text(assessment: CriteriaSelfAssessment | None) -> str:
    if assessment is None:
        return ""
    shared = "Đạt" if assessment.shared_criteria_met else "Chưa đạt"
    return (
        f"{shared} các tiêu chí chung. Hoàn thành {_percent(assessment.completion_percent)}% nhiệm vụ; "
        f"vượt {_percent(assessment.exceeded_percent)}%; "
        f"{_percent(assessment.short_percent)}% chưa bảo đảm chất lượng, tiến độ, hiệu quả."
    )


def _points_text(classification: Classification) -> str:
    lines = []
    if classification.exact_score is not None:
        lines.append(f"Điểm bình quân năm: {classification.exact_score:.2f}".replace(".", ","))
    lines.extend(f"- {reason}" for reason in _reasons(classification))
    return "\n".join(lines)


def _comments(changes: Iterable[LevelChange]) -> str:
    return "\n".join(f"{CHANGE_WORDS.get(change.kind, change.kind)}: {change.reason}" for change in changes)


def _proposed(classification: Classification, assessment: CriteriaSelfAssessment | None) -> Level | None:
    if assessment is not None and assessment.proposed_level:
        return _level(assessment.proposed_level)
    return _level(classification.proposed_level)


def _result(classification: Classification) -> Level | None:
    return _level(classification.amended_level or classification.approved_level)


def _form(
    classification: Classification, assessment: CriteriaSelfAssessment | None, changes: list[LevelChange]
) -> EvaluationFormData:
    year, person = classification.year, classification.person
    criteria = year.model == Model.CRITERIA
    position = person.position
    evaluator, approver = classification.evaluator, classification.approver
    return EvaluationFormData(
        agency=year.agency.name,
        unit=classification.unit.name,
        person_name=person.full_name,
        position=position.title if position else person.get_unit_role_display(),
        category=FORM_CATEGORY.get(person.category, Category.CONG_CHUC),
        year=year.year,
        self_assessment=SelfAssessment(
            task_results=_criteria_text(assessment) if criteria else _points_text(classification)
        ),
        rank=position.rank if position else "",
        is_leader=person.unit_role in (UnitRole.HEAD, UnitRole.DEPUTY),
        proposed_level=_proposed(classification, assessment),
        authority_comments=_comments(changes),
        result_level=_result(classification),
        score=None if criteria else classification.exact_score,
        person_signature=Signature(title="NGƯỜI TỰ NHẬN XÉT", name=person.full_name),
        manager_signature=(
            Signature(title="NGƯỜI QUẢN LÝ TRỰC TIẾP", name=evaluator.full_name)
            if evaluator and evaluator.pk != (approver.pk if approver else None)
            else None
        ),
        authority_signature=Signature(
            title="NGƯỜI CÓ THẨM QUYỀN ĐÁNH GIÁ", name=approver.full_name if approver else ""
        ),
    )


def _forms_of(classifications: list[Classification]) -> list[EvaluationFormData]:
    """The forms of one batch: three queries whatever its size."""
    if not classifications:
        return []
    year_id = classifications[0].year_id
    people = [row.person_id for row in classifications]
    assessments = {
        row.person_id: row for row in CriteriaSelfAssessment.objects.filter(year_id=year_id, person_id__in=people)
    }
    changes: dict[int, list[LevelChange]] = defaultdict(list)
    for change in LevelChange.objects.filter(classification__in=classifications).order_by("changed_at", "pk"):
        changes[change.classification_id].append(change)
    return [_form(row, assessments.get(row.person_id), changes[row.pk]) for row in classifications]


def form_data(classification: Classification) -> EvaluationFormData:
    """One person's form (a fixed number of queries)."""
    row = _with_relations(Classification.objects.filter(pk=classification.pk)).get()
    return _forms_of([row])[0]


def forms(year: Year, unit: Unit | None = None, *, batch: int = BATCH) -> Iterator[EvaluationFormData]:
    """Every form of the scope, a batch at a time, so a scope of thousands never sits in memory."""
    ids = list(scope(year, unit).values_list("pk", flat=True))
    for chunk in batched(ids, batch):
        rows = {row.pk: row for row in _with_relations(Classification.objects.filter(pk__in=chunk))}
        yield from _forms_of([rows[pk] for pk in chunk if pk in rows])


# --- the summary -----------------------------------------------------------------------------------
FACTS_WITHHELD = (
    "Mức xếp loại theo sự kiện đã ghi nhận (thông tin nhạy cảm: chỉ bộ phận tổ chức cán bộ, "
    "cấp có thẩm quyền và người được đánh giá được xem)"
)


def facts_fired(row: Classification) -> bool:
    """Did an overriding fact (discipline, absence, short service…) decide the level?"""
    return bool(((row.explanation or {}).get("tree") or {}).get("rules"))


@dataclass
class SummaryFacts:
    """How many rows of a summary named an overriding fact: the export is logged with it."""

    shown: int = 0
    withheld: int = 0


def _note(row: Classification, facts_visible: bool, tally: SummaryFacts) -> str:
    parts = [f"Nhóm: {row.group}"]
    if row.over_quota:
        parts.append("Vượt tỷ lệ")
    if not facts_fired(row):
        parts.extend(_reasons(row))
    elif facts_visible:
        tally.shown += 1
        parts.extend(_reasons(row))
    else:
        tally.withheld += 1
        parts.append(FACTS_WITHHELD)
    return "; ".join(parts)


def summary_rows(
    year: Year, unit: Unit | None = None, *, facts_visible: bool = True, tally: SummaryFacts | None = None
) -> Iterator[UnitSummaryRow]:
    """One row per person of the scope in one query: name, unit, group, score, proposed and approved
    level, over quota, reasons (the group, over quota and the reasons go in the note column). Where a
    fact decided the level, its reasons are written only if ``facts_visible``; ``tally`` counts
    those rows for the audit entry of the export."""
    tally = tally if tally is not None else SummaryFacts()
    rows = (
        scope(year, unit)
        .select_related("person__position", "unit")
        .only(
            "pk",
            "group",
            "score_exact",
            "proposed_level",
            "approved_level",
            "amended_level",
            "over_quota",
            "explanation",
            "person__full_name",
            "person__category",
            "person__unit_role",
            "person__position__title",
            "unit__name",
            "unit__path",
        )
    )
    for row in rows.iterator(chunk_size=BATCH):
        person = row.person
        yield UnitSummaryRow(
            person_name=person.full_name,
            unit=row.unit.name,
            position=person.position.title if person.position else person.get_unit_role_display(),
            category=FORM_CATEGORY.get(person.category),
            score=row.exact_score,
            proposed_level=_level(row.proposed_level),
            result_level=_result(row),
            note=_note(row, facts_visible, tally),
        )


def summary_title(year: Year, unit: Unit | None) -> str:
    scope_name = unit.name if unit is not None else year.agency.name
    return f"Tổng hợp kết quả đánh giá, xếp loại chất lượng năm {year.year} — {scope_name}"


def archive_title(year: Year, unit: Unit | None) -> str:
    scope_name = unit.name if unit is not None else year.agency.name
    return f"Phiếu đánh giá, xếp loại chất lượng năm {year.year} — {scope_name}"


# --- each download in the audit trail --------------------------------------------------------------
@transaction.atomic
def form_downloaded(*, actor, classification: Classification, extension: str) -> None:
    audit_record(
        actor=actor,
        event=export_events.FORM_DOWNLOADED,
        subject=classification,
        new={"year": classification.year.year, "person": classification.person.staff_code, "format": extension},
    )


@transaction.atomic
def summary_downloaded(*, actor, year: Year, unit: Unit | None, facts: SummaryFacts | None = None) -> None:
    facts = facts or SummaryFacts()
    audit_record(
        actor=actor,
        event=export_events.SUMMARY_DOWNLOADED,
        subject=year,
        new={
            "year": year.year,
            "unit": unit.code if unit is not None else "",
            "facts_shown": facts.shown,
            "facts_withheld": facts.withheld,
        },
    )


@transaction.atomic
def minutes_downloaded(*, actor, meeting, year: Year, unit: Unit) -> None:
    audit_record(
        actor=actor, event=export_events.MINUTES_DOWNLOADED, subject=meeting, new={"year": year.year, "unit": unit.code}
    )


@transaction.atomic
def archive_downloaded(*, actor, job) -> None:
    audit_record(actor=actor, event=export_events.ARCHIVE_DOWNLOADED, subject=job, new={"params": job.params})
