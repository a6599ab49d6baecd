"""The catalogue pages: everyone reads, HR changes; forms keep what was typed; an edit that
someone else overtook is refused; the pages cost the same queries with few and many products."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from congtam.accounts.models import Role
from congtam.catalogue import selectors, services
from tests.catalogue.helpers import current_rows, snapshot, write_sheet

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOT_MANAGERS = sorted(set(Role.values) - {Role.HR, Role.ADMIN})


@pytest.fixture
def browse(client_as, settings):
    """``browse(role)``: the client signed in as that role, its pages in English (the msgids)."""

    def sign_in(role: str, language: str = "en"):
        client = client_as(role)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return sign_in


def _url(name, **kwargs):
    return reverse(f"catalogue:{name}", kwargs=kwargs)


def _upload(tmp_path, rows, name="danh-muc.xlsx"):
    path = write_sheet(tmp_path / name, rows)
    with open(path, "rb") as handle:
        return SimpleUploadedFile(name, handle.read(), content_type=XLSX)


# --- reading -------------------------------------------------------------------------------------
def test_the_list_shows_each_positions_catalogue_size_and_version(browse, world, catalogues):
    services.catalogue_item_retire(actor=None, item=catalogues["CV"]["TT01"])
    response = browse(Role.STAFF).get(_url("positions"))
    rows = {position.code: (position.item_count, position.latest_version) for position in response.context["page"]}
    assert rows == {"CV": (2, 4), "LD": (1, 1), "TC": (0, None)}
    assert "Import / export the catalogues" not in response.content.decode()


def test_a_position_page_shows_the_current_catalogue_and_older_versions_read_only(browse, world, catalogues):
    services.catalogue_item_update(actor=None, item=catalogues["CV"]["BC01"], factor="4,5")
    client = browse(Role.HR)

    current = client.get(_url("position", code="CV"))
    assert [item.factor for item in current.context["items"] if item.code == "BC01"] == [Decimal("4.5")]
    content = current.content.decode()
    assert current.context["can_change"] and _url("item_create", code="CV") in content
    assert [(change.code, change.kind) for change in current.context["changes"]] == [("BC01", "changed")]

    older = client.get(_url("position", code="CV") + "?version=3")
    assert [item.factor for item in older.context["items"] if item.code == "BC01"] == [Decimal(4)]
    assert not older.context["can_change"]
    content = older.content.decode()
    assert 'data-testid="old-version"' in content and "/edit/" not in content
    assert [change.kind for change in older.context["changes"]] == ["added"]  # version 3 added TT01


@pytest.mark.parametrize("version", ["0", "9", "abc"])
def test_a_version_that_does_not_exist_is_not_found(browse, world, catalogues, version):
    assert browse(Role.STAFF).get(_url("position", code="CV") + f"?version={version}").status_code == 404


def test_an_empty_catalogue_and_an_unknown_position(browse, world):
    response = browse(Role.STAFF).get(_url("position", code="TC"))
    assert response.status_code == 200 and response.context["items"] == []
    assert "This position's catalogue has no products yet." in response.content.decode()
    assert browse(Role.STAFF).get(_url("position", code="NOPE")).status_code == 404


def test_factors_are_shown_with_the_agencys_decimal_comma(browse, world, catalogues):
    # The product's formats write decimals the Vietnamese way in both languages.
    for language in ("vi", "en"):
        assert "<td>1,5</td>" in browse(Role.STAFF, language).get(_url("position", code="LD")).content.decode()


# --- changing ------------------------------------------------------------------------------------
def test_hr_adds_a_product(browse, world, catalogues):
    response = browse(Role.HR).post(
        _url("item_create", code="CV"),
        {
            "code": "DC01",
            "name": "Đề cương khảo sát",
            "unit": "đề cương",
            "factor": "1,5",
            "quality_requirement": "",
            "reason": "QĐ 7",
        },
    )
    assert response.status_code == 302 and response.url == _url("position", code="CV")
    item = selectors.catalogue_item_current(world.positions["CV"], "DC01")
    assert item.factor == Decimal("1.5") and item.version_from == 4


def test_a_bad_product_is_refused_with_the_reason_and_what_was_typed_is_kept(browse, world, catalogues):
    before = snapshot()
    response = browse(Role.HR).post(
        _url("item_create", code="CV"),
        {
            "code": "bc01",
            "name": "Báo cáo giám sát chuyên đề",
            "unit": "báo cáo",
            "factor": "0",
            "quality_requirement": "Đủ số liệu",
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "The conversion factor must be greater than 0 (here 0)." in content
    assert "The product code BC01 is already in this position" not in content  # the factor is checked first
    assert 'value="Báo cáo giám sát chuyên đề"' in content and "Đủ số liệu" in content and 'value="0"' in content
    assert snapshot() == before

    response = browse(Role.HR).post(_url("item_create", code="CV"), {"code": "bc01", "name": "Báo cáo", "factor": "2"})
    assert "The product code BC01 is already in this position&#x27;s catalogue" in response.content.decode()
    assert snapshot() == before


def test_hr_changes_a_product_and_the_form_starts_from_its_values(browse, world, catalogues):
    item = catalogues["LD"]["LD01"]
    client = browse(Role.HR)
    form = client.get(_url("item_update", code="LD", item_id=item.pk)).context["form"]
    assert form["factor"].value() == "1,5" and "code" not in form.fields
    response = client.post(
        _url("item_update", code="LD", item_id=item.pk),
        {
            "name": item.name,
            "unit": "cuộc họp",
            "factor": "1.5",
            "quality_requirement": item.quality_requirement,
            "reason": "",
        },
    )
    assert response.status_code == 302
    assert selectors.catalogue_item_current(world.positions["LD"], "LD01").unit == "cuộc họp"


def test_an_edit_overtaken_by_someone_else_is_refused_and_keeps_what_was_typed(browse, world, catalogues):
    item = catalogues["CV"]["BC01"]
    services.catalogue_item_update(actor=None, item=item, factor="5")  # another HR officer saved first
    before = snapshot()
    client = browse(Role.HR)
    page = client.get(_url("item_update", code="CV", item_id=item.pk))
    assert 'data-testid="stale"' in page.content.decode()
    response = client.post(
        _url("item_update", code="CV", item_id=item.pk),
        {"name": "Báo cáo thẩm tra (sửa)", "unit": "báo cáo", "factor": "6", "quality_requirement": ""},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Someone else changed or retired the product BC01" in content
    assert 'value="Báo cáo thẩm tra (sửa)"' in content and 'value="6"' in content
    assert snapshot() == before


def test_hr_retires_a_product_and_a_second_retirement_is_refused(browse, world, catalogues):
    item = catalogues["CV"]["TT01"]
    client = browse(Role.HR)
    response = client.post(_url("item_retire", code="CV", item_id=item.pk), {"reason": "Gộp vào BC01"})
    assert response.status_code == 302
    assert selectors.catalogue_item_current(world.positions["CV"], "TT01") is None
    again = client.post(_url("item_retire", code="CV", item_id=item.pk), {"reason": "lần hai"})
    assert again.status_code == 200 and "Someone else changed or retired the product TT01" in again.content.decode()


def test_a_row_of_another_position_is_not_found(browse, world, catalogues):
    item = catalogues["CV"]["BC01"]
    assert browse(Role.HR).get(_url("item_update", code="LD", item_id=item.pk)).status_code == 404


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_only_hr_and_the_administrator_may_post_changes(browse, world, catalogues, tmp_path, role):
    item = catalogues["CV"]["BC01"]
    client = browse(role)
    before = snapshot()
    posts = [
        (_url("item_create", code="CV"), {"code": "N1", "name": "Mới", "factor": "1"}),
        (_url("item_update", code="CV", item_id=item.pk), {"name": "Đổi", "factor": "9"}),
        (_url("item_retire", code="CV", item_id=item.pk), {"reason": "x"}),
        (_url("import"), {"workbook": _upload(tmp_path, current_rows() + [["CV", "N1", "Mới", "", 1, ""]])}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert snapshot() == before
    assert "/edit/" not in client.get(_url("position", code="CV")).content.decode()


# --- import and export ---------------------------------------------------------------------------
def test_the_import_page_lists_every_bad_row_and_writes_nothing(browse, world, catalogues, tmp_path):
    rows = current_rows() + [["XX", "A1", "Tên", "", 1, ""], ["CV", "A2", "Tên", "", "không", ""]]
    before = snapshot()
    response = browse(Role.HR).post(_url("import"), {"workbook": _upload(tmp_path, rows), "retire_missing": "on"})
    content = response.content.decode()
    assert "Nothing was imported: 2 errors" in content
    assert "There is no job position with the code XX in the system." in content
    assert "“không” is not a number" in content
    assert response.context["form"]["retire_missing"].value() is True  # the choice is kept
    assert snapshot() == before


def test_the_import_page_reports_changes_and_missing_products(browse, world, catalogues, tmp_path):
    rows = [row for row in current_rows() if row[1] != "TT01"]
    rows[0][4] = 5
    response = browse(Role.HR).post(_url("import"), {"workbook": _upload(tmp_path, rows), "reason": "QĐ 9"})
    assert response.status_code == 200
    report = response.context["report"]
    assert report.ok and [(outcome.code, outcome.version) for outcome in report.changed_positions] == [("CV", 4)]
    content = response.content.decode()
    assert 'data-testid="import-missing"' in content and "TT01" in content
    assert "Products in the system but not in the file (kept)" in content
    assert selectors.catalogue_item_current(world.positions["CV"], "TT01") is not None
    assert selectors.catalogue_versions(world.positions["CV"]).first().note == "QĐ 9"


def test_the_import_form_refuses_what_is_not_a_workbook(browse, world):
    upload = SimpleUploadedFile("danh-muc.csv", b"a;b", content_type="text/csv")
    response = browse(Role.HR).post(_url("import"), {"workbook": upload})
    assert "Upload an Excel workbook (.xlsx)." in response.content.decode()


def test_export_and_template_downloads(browse, world, catalogues):
    client = browse(Role.HR)
    export = client.get(_url("export"))
    assert export["Content-Type"] == XLSX and "congtam-danh-muc-san-pham-" in export["Content-Disposition"]
    assert export.content[:2] == b"PK"
    one = client.get(_url("export") + "?position=LD")
    assert "congtam-danh-muc-san-pham-LD-" in one["Content-Disposition"]
    assert client.get(_url("export") + "?position=NOPE").status_code == 404
    template = client.get(_url("import_template"))
    assert template["Content-Type"] == XLSX and template.content[:2] == b"PK"


# --- queries -------------------------------------------------------------------------------------
def _grow(world, count):
    for index in range(count):
        services.catalogue_item_create(
            actor=None, position=world.positions["CV"], code=f"G{index:03d}", name=f"Sản phẩm {index}", factor="1"
        )
        services.catalogue_item_create(
            actor=None,
            position=world.positions[["LD", "TC"][index % 2]],
            code=f"G{index:03d}",
            name=f"Sản phẩm {index}",
            factor="2",
        )


@pytest.mark.parametrize(
    ("role", "url_name", "kwargs", "params"),
    [
        (Role.STAFF, "positions", {}, ""),
        (Role.STAFF, "position", {"code": "CV"}, ""),
        (Role.HR, "position", {"code": "CV"}, ""),
        (Role.STAFF, "position", {"code": "CV"}, "?version=2"),
    ],
)
def test_page_queries_do_not_grow_with_the_products(
    browse, world, catalogues, count_queries, role, url_name, kwargs, params
):
    client = browse(role)
    url = _url(url_name, **kwargs) + params
    with count_queries() as few:
        assert client.get(url).status_code == 200
    _grow(world, 60)
    with count_queries() as many:
        response = client.get(url)
        assert response.status_code == 200
    if url_name == "position" and not params:
        assert len(response.context["items"]) == 63 and len(response.context["versions"]) == 63
    assert len(few.captured_queries) == len(many.captured_queries), many.report()


def test_the_administration_shows_catalogues_read_only(browse, world, catalogues):
    client = browse(Role.ADMIN)
    item = catalogues["CV"]["BC01"]
    for model in ("catalogueitem", "catalogueversion"):
        assert client.get(reverse(f"admin:catalogue_{model}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:catalogue_{model}_add")).status_code == 403
    assert (
        client.post(reverse("admin:catalogue_catalogueitem_delete", args=[item.pk]), {"post": "yes"}).status_code == 403
    )
    detail = client.get(reverse("admin:catalogue_catalogueitem_change", args=[item.pk]))
    assert detail.status_code == 200 and 'name="factor"' not in detail.content.decode()
    assert selectors.catalogue_item_current(world.positions["CV"], "BC01").pk == item.pk
