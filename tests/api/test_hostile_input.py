"""Input no system should send, answered 400 (or 413) in the API's JSON and in Vietnamese, never
500, never Django's HTML page; and nothing written."""

import json

import pytest

from congtam.api.parsers import MAX_DEPTH
from congtam.api.views import MAX_BATCH_BYTES
from congtam.audit.models import AuditEntry
from congtam.monitoring.models import WorkItem
from tests.api.conftest import item

pytestmark = pytest.mark.django_db

BATCH = "/api/v1/work-items/batch"


def _refused(response, status=400):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json", response["Content-Type"]
    return response.json()


@pytest.fixture
def nothing_written():
    before = AuditEntry.objects.count()
    yield
    assert WorkItem.objects.count() == 0 and AuditEntry.objects.count() == before


def test_deep_nesting_is_refused(api, nothing_written):
    deep = _refused(api.post(BATCH, "[" * 5000 + "]" * 5000))
    assert deep == {"detail": f"JSON lồng nhau quá sâu: tối đa {MAX_DEPTH} tầng."}
    # Within Python's recursion limit, but deeper than any body the API takes.
    nested = {"items": [item()]}
    for _ in range(MAX_DEPTH):
        nested = {"items": [nested]}
    assert _refused(api.post(BATCH, nested)) == deep


@pytest.mark.parametrize(
    "where, body",
    [
        ("items[0].name", '{"items": [{"source_id": "GV-1", "name": "a\\ud800b"}]}'),
        ("items[0].source_id", '{"items": [{"source_id": "\\udfff"}]}'),
        ("items[0]", '{"items": [{"\\ud800": 1}]}'),
    ],
)
def test_a_lone_surrogate_is_refused(api, nothing_written, where, body):
    answer = _refused(api.post(BATCH, body))
    assert answer["detail"].startswith(f"Văn bản tại {where} có một nửa cặp thay thế (surrogate) UTF-16 đứng lẻ (\\u")


@pytest.mark.parametrize("field", ["name", "source_id", "staff_code", "note", "document"])
def test_a_nul_character_in_the_body_is_refused(api, nothing_written, field):
    body = item("GV-1", name="Việc", factor="1", reason="Đột xuất")
    body.pop("catalogue_code", None)
    body[field] = "GV\x00X"
    answer = _refused(api.post(BATCH, {"items": [body]}))
    assert answer == {"detail": f"Văn bản tại items[0].{field} có ký tự NUL (\\u0000), là ký tự không được phép."}
    put = _refused(api.put("/api/v1/work-items/GV-1", {"source_id": "GV-1", "note": "\x00"}))
    assert put == {"detail": "Văn bản tại note có ký tự NUL (\\u0000), là ký tự không được phép."}


@pytest.fixture(params=["the product's middleware", "the API alone"])
def address_guard(request, settings):
    """The site's middleware refuses NUL in any address; the API must not need it and answers
    with its own errors, naming the parameter."""
    alone = request.param == "the API alone"
    if alone:
        settings.MIDDLEWARE = [
            name for name in settings.MIDDLEWARE if not name.endswith("RejectUnreadableInputMiddleware")
        ]
    return alone


def _refused_address(response, alone, name):
    answer = _refused(response)
    if alone:
        assert answer == {
            "errors": [
                {"field": name, "message": f"Văn bản tại {name} có ký tự NUL (\\u0000), là ký tự không được phép."}
            ]
        }
    else:
        assert set(answer) in ({"errors"}, {"detail"}), answer


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/work-items/PG%00X",
        "/api/v1/work-items/PG%00X/completion",
        "/api/v1/work-items/PG%00X/documents",
    ],
)
def test_a_nul_character_in_the_path_is_refused(api, nothing_written, address_guard, path):
    response = api.get(path) if path.endswith("X") else api.post(path, {"completed_on": "2026-11-19"})
    _refused_address(response, address_guard, "source_id")


@pytest.mark.parametrize(
    "path, name",
    [
        ("/api/v1/work-items?period=2026-11&staff_code=%00", "staff_code"),
        ("/api/v1/period-scores?period=2026-11&unit=%00", "unit"),
        ("/api/v1/period-scores?period=%00", "period"),
        ("/api/v1/work-items?period=2026-11&cursor=%00", "cursor"),
        ("/api/v1/work-items?period=2026-11&a%00=1", "query"),
    ],
)
def test_a_nul_character_in_the_query_is_refused(api, nothing_written, address_guard, path, name):
    response = api.get(path)
    if address_guard and name == "query":
        assert _refused(response) == {
            "errors": [
                {
                    "field": "query",
                    "message": ("Văn bản tại tên một tham số có ký tự NUL (\\u0000), là ký tự không được phép."),
                }
            ]
        }
    else:
        _refused_address(response, address_guard, name)


def _big_batch(count, note_length):
    return json.dumps({"items": [item(f"GV-{number}", note="x" * note_length) for number in range(count)]})


def test_a_batch_over_ten_megabytes_within_the_documented_limits_is_taken(api):
    body = _big_batch(4000, 2600)  # 5,000 items or fewer, under 32 MB: over Django's 10 MB
    assert 10 * 1024 * 1024 < len(body) < MAX_BATCH_BYTES
    response = api.post(BATCH, body)
    assert response.status_code == 200, response.content[:500]
    assert response.json()["created"] == 4000


def test_a_body_over_the_limit_is_a_json_413(api, nothing_written):
    too_big = _refused(api.post(BATCH, " " * (MAX_BATCH_BYTES + 1)), status=413)
    assert too_big == {"detail": "Nội dung gửi lên quá lớn: tối đa 32 MB mỗi lần gọi."}
    # The other endpoints keep Django's limit (10 MB), answered the same way.
    single = _refused(api.put("/api/v1/work-items/GV-1", " " * (10 * 1024 * 1024 + 1)), status=413)
    assert single == {"detail": "Nội dung gửi lên quá lớn: tối đa 10 MB mỗi lần gọi."}


@pytest.mark.parametrize("path", ["/api/v1/work-items/a%0Ab/documents", "/api/v1/no-such-route"])
def test_an_address_no_route_matches_is_a_json_404(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
