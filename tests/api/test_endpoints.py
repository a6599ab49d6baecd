"""One item (read, put, completion, document), the lists of items and of period scores: scoped,
paginated, audited, and in a number of queries that does not grow with the data."""

from decimal import Decimal

import pytest
from django.utils import timezone

from congtam.accounts.models import Role
from congtam.audit.models import AuditEntry
from congtam.monitoring import cycles, items
from congtam.monitoring.models import Evidence, ItemState, Review, ReviewState, WorkItem
from congtam.org import services as org_services
from congtam.org.models import Category
from tests.api.conftest import item

pytestmark = pytest.mark.django_db

BATCH = "/api/v1/work-items/batch"


def _acknowledge(year, key="an"):
    review = year.review(key)
    return items.plan_acknowledge(actor=year.user(Role.STAFF), review=review, expected_version=review.version)


def test_put_creates_then_updates_one_item_and_get_reads_it(api, year):
    body = item("CV/2026/15")
    del body["source_id"]
    created = api.put("/api/v1/work-items/CV/2026/15", body)
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["source_id"], data["staff_code"], data["period"], data["catalogue_code"], data["factor"]) == (
        "CV/2026/15",
        "NV021",
        "2026-11",
        "BC",
        "4.0000",
    )
    assert (data["state"], data["origin"], data["review_state"]) == ("assigned", "system", "planning")
    again = api.put("/api/v1/work-items/CV/2026/15", {**body, "due_on": "2026-11-26"})
    assert again.status_code == 200 and again.json()["due_on"] == "2026-11-26"
    read = api.get("/api/v1/work-items/CV/2026/15")
    assert read.status_code == 200 and read.json()["due_on"] == "2026-11-26"
    assert AuditEntry.objects.order_by("-seq").first().new["ids"] == [WorkItem.objects.get().pk]
    mismatch = api.put("/api/v1/work-items/CV/2026/15", {**body, "source_id": "other"})
    assert mismatch.status_code == 400
    assert mismatch.json()["errors"] == [
        {"field": "source_id", "message": "Mã nguồn trong nội dung khác với mã trong địa chỉ."}
    ]


def test_completion_reports_the_item(api, year):
    api.post(BATCH, {"items": [item("GV-1")]})
    refused = api.post("/api/v1/work-items/GV-1/completion", {"completed_on": "2026-11-18"})
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "completed_on"
    assert WorkItem.objects.get().state == ItemState.ASSIGNED
    _acknowledge(year)
    bad = api.post("/api/v1/work-items/GV-1/completion", {"note": "x"})
    assert bad.json()["errors"] == [{"field": "completed_on", "message": "Không được để trống."}]
    done = api.post("/api/v1/work-items/GV-1/completion", {"completed_on": "2026-11-18", "note": "Đã gửi Vụ trưởng"})
    assert done.status_code == 200, done.content
    assert (done.json()["state"], done.json()["completed_on"], done.json()["note"]) == (
        "reported",
        "2026-11-18",
        "Đã gửi Vụ trưởng",
    )
    assert api.post("/api/v1/work-items/GV-9/completion", {"completed_on": "2026-11-18"}).status_code == 404


def test_documents_are_links_kept_once(api, year):
    api.post(BATCH, {"items": [item("GV-1")]})
    link = {"link": "https://vanban.quochoi.vn/van-ban/123", "description": "Báo cáo thẩm tra số 123"}
    added = api.post("/api/v1/work-items/GV-1/documents", link)
    assert added.status_code == 201
    assert added.json()["documents"] == [{"link": link["link"], "description": "Báo cáo thẩm tra số 123"}]
    api.post("/api/v1/work-items/GV-1/documents", link)
    assert Evidence.objects.count() == 1 and Evidence.objects.get().added_by is None
    bad = api.post("/api/v1/work-items/GV-1/documents", {"link": "không phải đường dẫn"})
    assert bad.json()["errors"] == [
        {"field": "link", "message": "Hãy ghi đường dẫn hợp lệ (http hoặc https) tới văn bản."}
    ]
    Review.objects.filter(pk=year.review("an").pk).update(state=ReviewState.SUBMITTED)
    closed = api.post("/api/v1/work-items/GV-1/documents", {"link": "https://vanban.quochoi.vn/van-ban/124"})
    assert closed.json()["errors"] == [
        {"field": "document", "message": "Phiếu đã được trình: không thể bổ sung minh chứng nữa."}
    ]


def test_bad_bodies_and_methods_are_answered_in_vietnamese(api):
    not_json = api.post(BATCH, "{")
    assert not_json.status_code == 400 and not_json.json() == {"detail": "Nội dung gửi lên không phải JSON hợp lệ."}
    wrong_method = api.get(BATCH)
    assert wrong_method.status_code == 405 and wrong_method.json() == {
        "detail": "Không được dùng phương thức GET ở đây."
    }
    form = api.client.post(BATCH, {"items": "x"}, HTTP_AUTHORIZATION=f"Bearer {api.token}")
    assert form.status_code == 415
    assert form.json() == {"detail": "Hãy gửi nội dung dạng JSON (Content-Type: application/json)."}


def test_the_item_list_is_the_systems_own_items_in_its_scope(api, issue, year):
    api.post(BATCH, {"items": [item("GV-1"), item("GV-2", staff_code="NV022")]})
    other = issue("Hệ thống Vụ", units=("VPL",))
    other.post(BATCH, {"items": [item("GV-3", staff_code="NV010")]})
    listed = api.get("/api/v1/work-items", {"period": "2026-11"}).json()
    assert [row["source_id"] for row in listed["results"]] == ["GV-1", "GV-2"]
    one_person = api.get("/api/v1/work-items", {"period": "2026-11", "staff_code": "NV022"}).json()["results"]
    assert [row["source_id"] for row in one_person] == ["GV-2"]
    assert api.get("/api/v1/work-items", {"period": "2026-12"}).json()["results"] == []
    for period in ("tháng 11", "2026-q4", " 2026-11", "2026-11\n"):
        bad = api.get("/api/v1/work-items", {"period": period})
        assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "period", period


def test_the_item_list_needs_a_period_like_the_scores(api):
    api.post(BATCH, {"items": [item("GV-1")]})
    for path in ("/api/v1/work-items", "/api/v1/period-scores"):
        missing = api.get(path)
        assert missing.status_code == 400, path
        assert missing.json()["errors"] == [{"field": "period", "message": "Không được để trống."}]


def test_the_item_list_pages_with_a_cursor(api):
    api.post(BATCH, {"items": [item(f"GV-{n:02d}") for n in range(5)]})
    first = api.get("/api/v1/work-items", {"period": "2026-11", "page_size": 2}).json()
    assert [row["source_id"] for row in first["results"]] == ["GV-00", "GV-01"]
    second = api.client.get(first["next"], HTTP_AUTHORIZATION=f"Bearer {api.token}").json()
    assert [row["source_id"] for row in second["results"]] == ["GV-02", "GV-03"]


@pytest.mark.parametrize("page_size", ["0", "-1", "1001", "2.0", "-8.1e-106", "1e3", "abc", " 5", "05", ""])
def test_the_page_size_is_a_whole_number_from_one_to_a_thousand(api, page_size):
    response = api.get("/api/v1/work-items", {"period": "2026-11", "page_size": page_size})
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == [{"field": "page_size", "message": "Hãy nhập một số nguyên từ 1 đến 1000."}]


def test_a_cursor_that_names_no_page_is_not_found(api):
    response = api.get("/api/v1/work-items", {"period": "2026-11", "cursor": "not-a-cursor"})
    assert response.status_code == 404
    assert response.json() == {"detail": "Liên kết trang này không hợp lệ: hãy dùng liên kết “next” của trang trước."}


def _scored(year, keys, state=ReviewState.APPROVED, score="87.123456789012345678"):
    ids = [year.review(key).pk for key in keys]
    Review.objects.filter(pk__in=ids).update(
        state=state,
        score=Decimal(score).quantize(Decimal("0.00000001")),
        score_exact=score,
        scored_at=timezone.now(),
        approved_at=timezone.now() if state == ReviewState.APPROVED else None,
    )


def test_period_scores_are_exact_and_within_the_systems_units(api, issue, year):
    _scored(year, ["an"])
    _scored(year, ["binh"], state=ReviewState.SUBMITTED, score="70")
    _scored(year, ["vu_truong"])  # Vụ Pháp luật: outside Phòng Luật Hành chính
    response = api.get("/api/v1/period-scores", {"period": "2026-11"})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(row["staff_code"], row["state"], row["score"]) for row in rows] == [
        ("NV021", "approved", "87.123456789012345678"),
        ("NV022", "submitted", "70"),
    ]
    assert rows[0]["unit"] == "VPL-P1" and rows[0]["approved_at"] and rows[1]["approved_at"] is None
    department = issue("Hệ thống Vụ", units=("VPL",))
    everyone = department.get("/api/v1/period-scores", {"period": "2026-11"}).json()["results"]
    assert {row["staff_code"] for row in everyone} == {"NV010", "NV021", "NV022"}
    division = department.get("/api/v1/period-scores", {"period": "2026-11", "unit": "VPL-P1"}).json()["results"]
    assert {row["staff_code"] for row in division} == {"NV021", "NV022"}
    outside = api.get("/api/v1/period-scores", {"period": "2026-11", "unit": "VPL"})
    assert outside.status_code == 400
    assert outside.json()["errors"] == [
        {"field": "unit", "message": "Không có đơn vị nào có mã “VPL” trong các đơn vị của hệ thống này."}
    ]
    missing = api.get("/api/v1/period-scores")
    assert missing.json()["errors"] == [{"field": "period", "message": "Không được để trống."}]
    assert api.get("/api/v1/period-scores", {"period": "2026-10"}).json()["results"] == []


def _more_people(year, count):
    world = year.world
    for number in range(count):
        org_services.person_create(
            actor=None,
            staff_code=f"NX{number:03d}",
            full_name=f"Người Thứ {number}",
            category=Category.CONG_CHUC,
            unit=world.units["VPL-P1"],
            position=world.positions["CV"],
        )
    cycles.reviews_open(year.cycle)


@pytest.mark.parametrize("path", ["/api/v1/period-scores", "/api/v1/work-items"])
def test_list_queries_do_not_grow_with_people(api, year, count_queries, path):
    def measure():
        with count_queries() as counter:
            response = api.get(path, {"period": "2026-11", "page_size": 1000})
        assert response.status_code == 200
        return len(counter.captured_queries), len(response.json()["results"]), counter

    def approve_all():
        Review.objects.filter(period=year.november).update(state=ReviewState.APPROVED, score=Decimal(80))

    api.post(BATCH, {"items": [item("GV-1")]})
    approve_all()
    few_queries, few_rows, _ = measure()
    _more_people(year, 30)
    Review.objects.filter(period=year.november).update(state=ReviewState.PLANNING)
    added = api.post(
        BATCH,
        {
            "items": [item(f"GX-{n}", staff_code=f"NX{n:03d}") for n in range(30)]
            + [item("GV-2", staff_code="NV022", document="https://vanban.quochoi.vn/1")]
        },
    )
    assert added.status_code == 200, added.content
    approve_all()
    many_queries, many_rows, counter = measure()
    assert many_rows > few_rows + 25
    assert many_queries == few_queries, counter.report()


def test_batch_queries_do_not_grow_with_items(api, year, count_queries):
    _more_people(year, 40)
    Review.objects.filter(period=year.november).update(state=ReviewState.PLANNING)

    def measure(prefix, count):
        body = {
            "items": [
                item(f"{prefix}-{n}", staff_code=f"NX{n:03d}", document=f"https://vanban.quochoi.vn/{prefix}{n}")
                for n in range(count)
            ]
        }
        with count_queries() as counter:
            assert api.post(BATCH, body).status_code == 200
        return len(counter.captured_queries), counter

    few, _ = measure("A", 2)
    many, counter = measure("B", 40)
    assert many == few, counter.report()
