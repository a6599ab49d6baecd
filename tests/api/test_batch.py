"""POST /api/v1/work-items/batch: create or update by source id, all or nothing, every bad item
named by its index and field, within the system's units."""

from decimal import Decimal

import pytest

from congtam.accounts.models import Role
from congtam.audit.models import AuditEntry
from congtam.monitoring import conditions, items
from congtam.monitoring.models import DueDateChange, Evidence, ItemState, Origin, ReviewState, WorkItem
from tests.api.conftest import item, vi

pytestmark = pytest.mark.django_db

BATCH = "/api/v1/work-items/batch"


def _errors(response):
    assert response.status_code == 400, response.content
    return [(error.get("index"), error["field"], error["message"]) for error in response.json()["errors"]]


def _acknowledge(year, key="an"):
    review = year.review(key)
    return items.plan_acknowledge(actor=year.user(Role.STAFF), review=review, expected_version=review.version)


def test_items_are_created_assigned_from_the_system_with_one_audit_entry(api, year):
    before = AuditEntry.objects.count()
    response = api.post(
        BATCH,
        {
            "items": [
                item("GV-1", catalogue_code="bc"),
                item(
                    "GV-2",
                    staff_code="NV022",
                    name="Tổng hợp ý kiến",
                    factor="1,5",
                    reason="Việc đột xuất",
                    document="https://vanban.quochoi.vn/vb/15",
                ),
            ]
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 2 and response.json()["documents_added"] == 1
    first, second = WorkItem.objects.order_by("id")
    assert (first.origin, first.state, first.code, first.factor, first.source_system) == (
        Origin.SYSTEM,
        ItemState.ASSIGNED,
        "BC",
        Decimal(4),
        api.system,
    )
    assert first.review == year.review("an") and first.quality_requirement == "Đúng thể thức, đủ nội dung"
    assert (second.name, second.factor, second.ad_hoc_reason, second.catalogue_item) == (
        "Tổng hợp ý kiến",
        Decimal("1.5"),
        "Việc đột xuất",
        None,
    )
    assert list(second.evidence.values_list("link", flat=True)) == ["https://vanban.quochoi.vn/vb/15"]
    entries = list(AuditEntry.objects.filter(seq__gt=before))
    assert len(entries) == 1
    entry = entries[0]
    assert (entry.event, entry.actor_id, entry.actor_label) == ("api.call", None, "api:Hệ thống giao việc")
    assert (entry.subject_type, entry.subject_id) == ("api.sourcesystem", str(api.system.pk))
    assert entry.new["method"] == "POST" and entry.new["path"] == BATCH
    assert entry.new["created"] == 2 and entry.new["created_ids"] == ["GV-1", "GV-2"]


def test_the_same_item_twice_is_one_item(api):
    body = {"items": [item("GV-1"), item("GV-2", catalogue_code="GY")]}
    assert api.post(BATCH, body).json()["created"] == 2
    again = api.post(BATCH, body)
    assert again.status_code == 200
    assert (again.json()["created"], again.json()["unchanged"]) == (0, 2)
    assert WorkItem.objects.count() == 2
    assert [row["result"] for row in again.json()["items"]] == ["unchanged", "unchanged"]


def test_sending_an_item_again_with_changes_updates_it(api, year):
    api.post(BATCH, {"items": [item("GV-1")]})
    response = api.post(BATCH, {"items": [item("GV-1", catalogue_code="TT", due_on="2026-11-28")]})
    assert response.json()["updated"] == 1
    row = WorkItem.objects.get()
    assert (row.code, row.factor, row.due_on.day, row.version) == ("TT", Decimal(2), 28, 2)
    # The due date moved before it passed: recorded with its reason, not counted as missed.
    change = DueDateChange.objects.get(item=row)
    assert (change.was_missed, change.old_due_on.day) == (False, 25)
    assert "Hệ thống giao việc" in change.reason
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.new["changes"][0]["old"]["code"] == "BC" and entry.new["changes"][0]["new"]["code"] == "TT"


def test_a_due_date_moved_after_it_passed_counts_as_missed(api, year):
    api.post(BATCH, {"items": [item("GV-1", due_on="2026-11-05")]})
    api.post(BATCH, {"items": [{"source_id": "GV-1", "due_on": "2026-11-27"}]})
    row = WorkItem.objects.get()
    assert (row.missed_deadlines, row.late_count) == (1, 1)


def test_a_change_to_an_acknowledged_plan_is_a_new_plan_version(api, year):
    api.post(BATCH, {"items": [item("GV-1")]})
    review = _acknowledge(year)
    assert (review.state, review.plan_version, review.acknowledged_version) == (ReviewState.IN_PROGRESS, 1, 1)
    api.post(BATCH, {"items": [item("GV-2", catalogue_code="GY")]})
    review = year.review("an")
    assert review.plan_version == 2 and review.plan_changed_since_acknowledged
    assert WorkItem.objects.get(source_id="GV-2").in_plan_version == 2


def test_completion_through_the_batch_reports_the_item_for_the_managers_check(api, year):
    api.post(BATCH, {"items": [item("GV-1")]})
    refused = api.post(BATCH, {"items": [{"source_id": "GV-1", "completed_on": "2026-11-18"}]})
    assert _errors(refused) == [(0, "completed_on", vi(conditions.work_open.refusal_message))]
    _acknowledge(year)
    response = api.post(BATCH, {"items": [{"source_id": "GV-1", "completed_on": "2026-11-18", "note": "Đã trình"}]})
    assert response.json()["updated"] == 1
    row = WorkItem.objects.get()
    assert (row.state, row.completed_on.day, row.report_note) == (ItemState.REPORTED, 18, "Đã trình")
    items.item_check(actor=year.user(Role.MANAGER), item=row, expected_version=row.version, result="passed")
    late = api.post(BATCH, {"items": [{"source_id": "GV-1", "completed_on": "2026-11-19"}]})
    assert _errors(late) == [(0, "completed_on", "Công việc đã được kiểm tra; ngày hoàn thành không thể thay đổi nữa.")]


def test_an_item_of_a_review_that_moved_on_is_refused_but_an_unchanged_one_is_fine(api, year):
    api.post(BATCH, {"items": [item("GV-1")]})
    _acknowledge(year)
    assert api.post(BATCH, {"items": [item("GV-1")]}).json()["unchanged"] == 1
    WorkItem.objects.update(state=ItemState.REPORTED)
    errors = _errors(api.post(BATCH, {"items": [item("GV-1", catalogue_code="GY")]}))
    assert errors == [(0, "catalogue_code", "Công việc đã được báo cáo; nội dung của nó không thể thay đổi nữa.")]


def test_a_new_item_for_a_review_past_planning_states_is_refused(api, year):
    from congtam.monitoring.models import Review

    Review.objects.filter(pk=year.review("an").pk).update(state=ReviewState.SUBMITTED)
    errors = _errors(api.post(BATCH, {"items": [item("GV-1")]}))
    assert errors == [(0, "period", vi(conditions.plan_open.refusal_message))]


def test_one_bad_item_and_nothing_is_written(api):
    before = AuditEntry.objects.count()
    response = api.post(BATCH, {"items": [item("GV-1"), item("GV-2", due_on="2026-12-02"), item("GV-3")]})
    assert _errors(response) == [(1, "due_on", "Ngày phải nằm trong kỳ, từ 01/11/2026 đến 30/11/2026.")]
    assert WorkItem.objects.count() == 0 and Evidence.objects.count() == 0
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        "[]",
        {"items": "GV-1"},
        {"items": []},
        {"items": [item()], "extra": 1},
    ],
)
def test_a_malformed_payload_writes_nothing(api, body):
    before = AuditEntry.objects.count()
    response = api.post(BATCH, body)
    assert response.status_code == 400
    assert WorkItem.objects.count() == 0 and AuditEntry.objects.count() == before


def test_more_than_five_thousand_items_are_refused(api):
    response = api.post(BATCH, {"items": [item(f"GV-{n}") for n in range(5001)]})
    assert _errors(response) == [(None, "items", "Tối đa 5000 công việc mỗi lần gọi (lần này có 5001).")]


FIELD_ERRORS = [
    ({"surprise": 1}, "surprise", "Trường không được hỗ trợ."),
    ({"source_id": None}, "source_id", "Không được để trống."),
    ({"source_id": ["x"]}, "source_id", "Phải là văn bản."),
    ({"source_id": "x" * 201}, "source_id", "Tối đa 200 ký tự (giá trị này có 201)."),
    ({"staff_code": None}, "staff_code", "Không được để trống."),
    ({"staff_code": 21}, "staff_code", "Phải là văn bản."),
    (
        {"staff_code": "NV999"},
        "staff_code",
        "Không có người nào có mã nhân sự “NV999” trong các đơn vị mà hệ thống này được phép dùng.",
    ),
    (
        {"staff_code": "NV010"},
        "staff_code",
        "Không có người nào có mã nhân sự “NV010” trong các đơn vị mà hệ thống này được phép dùng.",
    ),
    ({"period": None}, "period", "Không được để trống."),
    (
        {"period": "11/2026"},
        "period",
        "Ghi kỳ theo dạng YYYY-MM cho tháng hoặc YYYY-Qn cho quý (ví dụ 2026-11, 2026-Q4).",
    ),
    (
        {"period": "2026-Q4"},
        "period",
        "NV021 không có phiếu đánh giá cho kỳ 2026-Q4: kỳ này chưa được mở cho người đó.",
    ),
    ({"due_on": None}, "due_on", "Không được để trống."),
    ({"due_on": "25/11/2026"}, "due_on", "Ghi ngày theo dạng YYYY-MM-DD (ví dụ 2026-11-30)."),
    ({"due_on": "2026-02-30"}, "due_on", "Ghi ngày theo dạng YYYY-MM-DD (ví dụ 2026-11-30)."),
    ({"due_on": "2026-10-31"}, "due_on", "Ngày phải nằm trong kỳ, từ 01/11/2026 đến 30/11/2026."),
    (
        {"catalogue_code": None},
        "catalogue_code",
        "Hãy ghi mã sản phẩm trong danh mục, hoặc tên, hệ số quy đổi và lý do cho công việc ngoài danh mục.",
    ),
    (
        {"catalogue_code": "XX"},
        "catalogue_code",
        "“XX” không có trong danh mục sản phẩm của vị trí việc làm của người này.",
    ),
    (
        {"catalogue_code": "BC", "name": "Việc khác"},
        "catalogue_code",
        "Hãy ghi hoặc mã sản phẩm trong danh mục, hoặc tên, hệ số quy đổi và lý do cho công việc ngoài danh mục, không ghi cả hai.",
    ),
    ({"catalogue_code": None, "factor": "2", "reason": "Đột xuất"}, "name", "Không được để trống."),
    ({"catalogue_code": None, "name": "Việc", "reason": "Đột xuất"}, "factor", "Không được để trống."),
    ({"catalogue_code": None, "name": "Việc", "factor": "2"}, "reason", "Không được để trống."),
    (
        {"catalogue_code": None, "name": "Việc", "factor": "hai", "reason": "x"},
        "factor",
        "“hai” không phải là số: hãy ghi hệ số quy đổi dạng 1,5 hoặc 1.5.",
    ),
    (
        {"catalogue_code": None, "name": "Việc", "factor": True, "reason": "x"},
        "factor",
        "Hệ số quy đổi phải là một số.",
    ),
    (
        {"catalogue_code": None, "name": "Việc", "factor": 0, "reason": "x"},
        "factor",
        "Hệ số quy đổi phải lớn hơn 0 (ở đây là 0).",
    ),
    (
        {"catalogue_code": None, "name": "Việc", "factor": "1.23456", "reason": "x"},
        "factor",
        "Hệ số quy đổi có tối đa 4 chữ số thập phân (ở đây là 1.23456).",
    ),
    (
        {"catalogue_code": None, "name": "Việc", "factor": "100 000", "reason": "x"},
        "factor",
        "Hệ số quy đổi phải nhỏ hơn 100000.",
    ),
    (
        {"catalogue_code": None, "name": "Việc", "factor": "1.00.0", "reason": "x"},
        "factor",
        "“1.00.0” không phải là số: hãy ghi hệ số quy đổi dạng 1,5 hoặc 1.5.",
    ),
    (
        {"name": "x" * 501, "catalogue_code": None, "factor": 1, "reason": "x"},
        "name",
        "Tối đa 500 ký tự (giá trị này có 501).",
    ),
    ({"completed_on": "2026-11-19"}, "completed_on", conditions.work_open.refusal_message),
    ({"document": "ftp://vanban/15"}, "document", "Hãy ghi đường dẫn hợp lệ (http hoặc https) tới văn bản."),
]


@pytest.mark.parametrize(
    ("fields", "field", "message"), FIELD_ERRORS, ids=[f"{case[1]}-{n}" for n, case in enumerate(FIELD_ERRORS)]
)
def test_every_field_error_names_the_field_in_vietnamese(api, fields, field, message):
    body = item("GV-1")
    body.update(fields)
    body = {key: value for key, value in body.items() if value is not None}
    errors = _errors(api.post(BATCH, {"items": [item("GV-0"), body]}))
    assert (1, field, vi(message)) in errors, errors
    assert WorkItem.objects.count() == 0


def test_a_factor_reads_the_same_however_it_is_written(api):
    # The one number reader of the application: a decimal comma or dot, thousands separated by
    # dots or spaces (a JSON number too).
    spellings = ["1.000,5", "1 000,5", "1000,5", "1000.5", "1,000.5", 1000.5]
    body = {
        "items": [
            item(f"GV-{index}", catalogue_code=None, name="Việc đột xuất", factor=factor, reason="Đột xuất")
            for index, factor in enumerate(spellings)
        ]
    }
    response = api.post(BATCH, body)
    assert response.status_code == 200, response.content
    assert [row.factor for row in WorkItem.objects.order_by("source_id")] == [Decimal("1000.5")] * len(spellings)


def test_completion_dates_are_checked(api, year):
    api.post(BATCH, {"items": [item("GV-1")]})
    _acknowledge(year)
    errors = _errors(
        api.post(
            BATCH,
            {
                "items": [
                    {"source_id": "GV-1", "completed_on": "2026-11-21"},
                ]
            },
        )
    )
    assert errors == [(0, "completed_on", "Ngày hoàn thành không thể ở tương lai.")]
    errors = _errors(api.post(BATCH, {"items": [{"source_id": "GV-1", "completed_on": "2026-10-30"}]}))
    assert errors == [(0, "completed_on", "Ngày hoàn thành không thể trước ngày bắt đầu kỳ (01/11/2026).")]


def test_an_item_cannot_move_to_another_person_and_duplicates_are_named(api):
    api.post(BATCH, {"items": [item("GV-1")]})
    errors = _errors(api.post(BATCH, {"items": [item("GV-1", staff_code="NV022"), item("GV-2"), item("GV-2")]}))
    assert errors == [
        (
            0,
            "staff_code",
            "Không thể chuyển công việc sang người hoặc kỳ khác: hãy rút công việc khỏi kế hoạch trong "
            "Công Tâm rồi gửi công việc mới.",
        ),
        (2, "source_id", "Mã nguồn này đã được dùng ở công việc số 1 của lô này."),
    ]


def test_errors_are_in_english_when_asked(api):
    errors = _errors(api.post(BATCH, {"items": [item("GV-1", due_on="soon")]}, language="en-GB,en;q=0.8"))
    assert errors == [(0, "due_on", "Write the date as YYYY-MM-DD (e.g. 2026-11-30).")]
    errors = _errors(api.post(BATCH, {"items": [item("GV-1", due_on="soon")]}, language="fr"))
    assert errors == [(0, "due_on", "Ghi ngày theo dạng YYYY-MM-DD (ví dụ 2026-11-30).")]


def test_a_token_of_one_unit_cannot_touch_the_people_or_items_of_another(api, issue, year):
    assert api.post(BATCH, {"items": [item("GV-1")]}).status_code == 200
    other = issue("Hệ thống văn bản Vụ TCCB", units=("TCCB",))
    errors = _errors(other.post(BATCH, {"items": [item("GV-1"), item("GV-9", staff_code="NV022")]}))
    assert [error[1] for error in errors] == ["staff_code", "staff_code"]
    # Its own source id "GV-1" is another item than the first system's.
    assert WorkItem.objects.count() == 1
    assert other.get("/api/v1/work-items/GV-1").status_code == 404


def test_a_system_for_the_whole_department_reaches_the_units_below(issue):
    department = issue("Hệ thống Vụ Pháp luật", units=("VPL",))
    head = item("GV-1", staff_code="NV010", name="Chủ trì thẩm tra", factor=3, reason="Nhiệm vụ của Vụ trưởng")
    response = department.post(BATCH, {"items": [head, item("GV-2", staff_code="NV021")]})
    assert response.json()["created"] == 2
