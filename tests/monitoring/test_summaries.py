"""Period summaries: the Excel and PDF summary of a unit or of the agency for a month, each
person's period score sheet, who may download them, queries that do not grow with the people,
the background job of a large scope, and the audit entry of every download."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from congtam.accounts.models import Role
from congtam.audit.models import AuditEntry
from congtam.jobs.models import Job
from congtam.jobs.services import job_execute
from congtam.monitoring import items, reviews
from congtam.monitoring.models import Review
from congtam.monitoring.summaries.services import SUMMARY_JOB
from congtam.org.models import UnitRole
from congtam.scoring.decimals import format_display, round_for_display
from tests.documents.reading import pdf_text
from tests.factories import make_user
from tests.monitoring.conftest import TODAY
from tests.monitoring.test_dashboards import _fresh, _on, _report, _review, add_people
from tests.monitoring.test_todo import LEVELS

pytestmark = pytest.mark.django_db

EXCELLENT, GOOD = "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ"
NOT_SCORED = "Not scored yet"  # the msgid until the lead's translations are compiled; either is accepted
AGENCY_WIDE = (Role.HR, Role.ADMIN, Role.LEADERSHIP, Role.INSPECTOR)


def approved_month(year, monkeypatch, number, *, key="an", late=False, failed=False):
    """One month of ``key`` from plan to approval (as in test_dashboards), the work lived on the
    20th of that month and the score submitted and approved on the 1st of the next, once the
    month has ended: a report of factor 4 and an opinion of factor 1, the opinion ``late`` (done
    on the 15th for the 12th) and the report ``failed`` once."""
    world = year.world
    staff, manager, head = world.people[key].account, year.user(Role.MANAGER), year.user(Role.UNIT_HEAD)
    _on(monkeypatch, date(2026, number, 20))
    review = _review(year, key, number)
    report = items.item_assign(actor=manager, review=review, catalogue_code="BC", due_on=date(2026, number, 10))
    opinion = items.item_assign(actor=manager, review=review, catalogue_code="GY", due_on=date(2026, number, 12))
    review = _review(year, key, number)
    items.plan_acknowledge(actor=staff, review=review, expected_version=review.version)
    report = _report(staff, report, date(2026, number, 9))
    if failed:
        items.item_check(
            actor=manager,
            item=_fresh(report),
            expected_version=report.version,
            result="failed",
            comment="Thiếu số liệu",
        )
        _report(staff, report, date(2026, number, 10))
    items.item_check(actor=manager, item=_fresh(report), expected_version=_fresh(report).version, result="passed")
    _report(staff, opinion, date(2026, number, 15 if late else 11))
    items.item_check(actor=manager, item=_fresh(opinion), expected_version=_fresh(opinion).version, result="passed")
    reviews.rating_save(actor=staff, review=_review(year, key, number), role="self", levels=LEVELS, submit=True)
    reviews.rating_save(actor=manager, review=_review(year, key, number), role="manager", levels=LEVELS, submit=True)
    _on(monkeypatch, date(2026, number + 1, 1))
    review = _review(year, key, number)
    review = reviews.review_submit(actor=manager, review=review, expected_version=review.version)
    reviews.review_approve(actor=head, review=review, expected_version=review.version)
    _on(monkeypatch, TODAY)
    return _review(year, key, number)


@pytest.fixture
def october(year, monkeypatch):
    """October of Vụ Pháp luật: Nguyễn Văn An approved (his report failed a check once, his opinion
    was late once); the four others not scored."""
    review = approved_month(year, monkeypatch, 10, late=True, failed=True)
    return review.period


def _url(period, code=None, extension="xlsx"):
    if code is None:
        return reverse("monitoring:period_summary", kwargs={"period": period.pk, "extension": extension})
    return reverse("monitoring:unit_summary", kwargs={"period": period.pk, "code": code, "extension": extension})


def _sheets(content: bytes) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def _people_rows(rows: list[list]) -> dict[str, list]:
    """The people's rows by full name (a row with a number in the first column)."""
    return {row[2]: row for row in rows if isinstance(row[0], float | int) and row[0] and len(row) > 12}


def _user_of(world, key, username):
    return make_user(username, role=Role.STAFF, person=world.people[key])


# --- the workbook ------------------------------------------------------------------------------
def test_the_unit_summary_as_excel_lists_each_person_with_a_b_c_points_score_band_and_counts(year, october, client_as):
    response = client_as(Role.HR).get(_url(october, "VPL"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheets = _sheets(response.content)
    people_sheet, counts_sheet = list(sheets.values())
    text = " ".join(str(cell) for row in people_sheet[:6] for cell in row)
    assert "Văn phòng Quốc hội" in text and "Vụ Pháp luật" in text and "10/2026" in text
    rows = _people_rows(people_sheet)
    assert set(rows) == {"Hoàng Thị Lan", "Đỗ Quang Minh", "Trịnh Văn Sơn", "Nguyễn Văn An", "Đặng Thị Bình"}
    an = rows["Nguyễn Văn An"]
    review = Review.objects.get(period=october, person=year.world.people["an"])
    general = Decimal(review.explanation["inputs"]["g"]["value"])
    # a 100%, b (4 × 0.75 + 1) / 5 = 80%, c (4 + 0.75) / 5 = 95%; task 70 × 275 / 300; deductions 70 × 25 / 300.
    assert an[1] == "Phòng Luật Hành chính" and an[3] == "Chuyên viên pháp luật"
    assert an[5:11] == [100.0, 80.0, 95.0, 64.17, float(round_for_display(general)), 5.83]
    assert an[11] == float(round_for_display(review.exact_score))
    assert abs(Decimal("64.1666666667") + general - review.exact_score) < Decimal("1e-8")
    assert an[12] in (EXCELLENT, GOOD, "Hoàn thành nhiệm vụ")
    assert all(cell == "" for cell in rows["Đặng Thị Bình"][5:13])  # not scored: nothing shown
    # Grouped by unit, in the tree's order: the head of the department first, under her unit.
    names = [row[0] for row in people_sheet if row and row[0] in ("Vụ Pháp luật", "Phòng Luật Hành chính")]
    assert names == ["Vụ Pháp luật", "Phòng Luật Hành chính"]
    counts = {row[0]: row[1:] for row in counts_sheet if row and row[0] in ("Vụ Pháp luật", "Phòng Luật Hành chính")}
    header = next(row for row in counts_sheet if EXCELLENT in row)
    band_column = header.index(an[12]) - 1
    assert counts["Vụ Pháp luật"][0] == 2 and counts["Vụ Pháp luật"][-1] == 2
    assert counts["Phòng Luật Hành chính"][0] == 3 and counts["Phòng Luật Hành chính"][band_column] == 1
    total = next(row for row in counts_sheet if row and row[0] in ("Total", "Tổng số", "Tổng cộng"))
    assert total[1] == 5 and total[1 + band_column] == 1 and total[-1] == 4
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.event == "monitoring.summary.downloaded" and entry.actor_label == "hoa"
    assert entry.new["unit"] == "VPL" and entry.new["people"] == 5


def test_the_agency_summary_covers_every_unit_of_the_period(year, october, client_as):
    response = client_as(Role.LEADERSHIP).get(_url(october))
    assert response.status_code == 200
    rows = _people_rows(next(iter(_sheets(response.content).values())))
    assert len(rows) == Review.objects.filter(period=october).count() == 5


def test_the_summary_as_pdf_names_the_people_with_their_band(year, october, client_as):
    response = client_as(Role.MANAGER).get(_url(october, "VPL-P1", "pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Nguyễn Văn An" in text and "Đặng Thị Bình" in text and "Phòng Luật Hành chính" in text
    assert "Hoàng Thị Lan" not in text  # the department's head is not in the division's summary
    review = Review.objects.get(period=october, person=year.world.people["an"])
    assert format_display(review.exact_score, ",") in text  # Vietnamese decimal mark
    assert "64,17" in text and "5,83" in text


def test_an_unknown_format_or_scope_is_not_found(year, october, client_as):
    client = client_as(Role.HR)
    assert client.get(_url(october, "VPL", "exe")).status_code == 404
    assert client.get(_url(october, "KHONG-CO")).status_code == 404


# --- who may download --------------------------------------------------------------------------
def test_a_staff_member_may_not_download_a_summary(year, october, client_as):
    client = client_as(Role.STAFF)
    for url in (_url(october, "VPL-P1"), _url(october, "VPL"), _url(october), _url(october, "VPL-P1", "pdf")):
        assert client.get(url).status_code == 403
    assert not AuditEntry.objects.filter(event="monitoring.summary.downloaded").exists()


def test_a_head_downloads_only_their_unit_and_the_units_below_it(year, october, client_as, client):
    division_head = client_as(Role.MANAGER)  # head of VPL-P1
    assert division_head.get(_url(october, "VPL-P1")).status_code == 200
    assert division_head.get(_url(october, "VPL")).status_code == 403  # the unit above
    assert division_head.get(_url(october, "TCCB")).status_code == 403
    assert division_head.get(_url(october)).status_code == 403  # the agency
    department_head = client_as(Role.UNIT_HEAD)  # head of VPL
    assert department_head.get(_url(october, "VPL")).status_code == 200
    assert department_head.get(_url(october, "VPL-P1")).status_code == 200
    assert department_head.get(_url(october, "TCCB")).status_code == 403  # a sibling unit
    assert department_head.get(_url(october)).status_code == 403


def test_a_deputy_downloads_their_unit_and_a_sibling_units_head_is_refused(year, october, client):
    world = year.world
    assert world.people["pho_vu_truong"].unit_role == UnitRole.DEPUTY
    client.force_login(_user_of(world, "pho_vu_truong", "minh"))
    assert client.get(_url(october, "VPL")).status_code == 200
    client.force_login(_user_of(world, "vu_truong_tccb", "cuong_tccb"))
    assert client.get(_url(october, "VPL")).status_code == 403
    assert client.get(_url(october, "VPL-P1")).status_code == 403


@pytest.mark.parametrize("role", AGENCY_WIDE)
def test_hr_the_leadership_and_the_inspector_download_any_unit_and_the_agency(year, october, client_as, role):
    client = client_as(role)
    assert client.get(_url(october)).status_code == 200
    assert client.get(_url(october, "TCCB", "pdf")).status_code == 200


# --- query counts ------------------------------------------------------------------------------
def _score_everyone_like(review):
    """Give every review of the period the approved score of ``review`` (the rows read are the same)."""
    Review.objects.filter(period=review.period).exclude(pk=review.pk).update(
        state=review.state, score=review.score, score_exact=review.score_exact, explanation=review.explanation
    )


@pytest.mark.parametrize("extension", ["xlsx", "pdf"])
def test_the_summary_reads_the_same_number_of_queries_for_3_and_30_people(
    year, october, client_as, count_queries, extension
):
    review = Review.objects.get(period=october, person=year.world.people["an"])
    client = client_as(Role.MANAGER)
    url = _url(october, "VPL-P1", extension)
    _score_everyone_like(review)
    client.get(url)
    with count_queries() as few:
        response = client.get(url)
    assert response.status_code == 200
    add_people(year, 27)
    _score_everyone_like(review)
    with count_queries() as many:
        response = client.get(url)
    assert response.status_code == 200
    if extension == "xlsx":
        assert len(_people_rows(next(iter(_sheets(response.content).values())))) == 30
    else:
        assert "Lê Văn Mai A" in pdf_text(response.content)
    assert len(few) == len(many), many.report()


# --- a person's score sheet --------------------------------------------------------------------
def _sheet_url(review):
    return reverse("monitoring:score_sheet", kwargs={"pk": review.pk})


def test_a_persons_score_sheet_lists_the_items_and_the_explanation(year, october, client_as):
    review = Review.objects.get(period=october, person=year.world.people["an"])
    response = client_as(Role.STAFF).get(_sheet_url(review))  # the person himself
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Nguyễn Văn An" in text and "Trịnh Văn Sơn" in text and "Hoàng Thị Lan" in text
    assert "Báo cáo thẩm tra" in text and "Văn bản góp ý" in text
    assert "trừ 25% cho mỗi lần không đạt chất lượng" in text  # the engine's explanation, in Vietnamese
    assert format_display(review.exact_score, ",") in text
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.event == "monitoring.score_sheet.downloaded" and entry.subject_id == str(review.pk)


def test_a_sheet_before_the_score_lists_the_items_only(year, october, client_as):
    review = Review.objects.get(period=october, person=year.world.people["binh"])
    response = client_as(Role.MANAGER).get(_sheet_url(review))
    assert response.status_code == 200
    assert "Đặng Thị Bình" in pdf_text(response.content)


@pytest.mark.parametrize(
    "role, allowed",
    [
        (Role.STAFF, False),  # An: not Bình's review
        (Role.MANAGER, True),  # her evaluator
        (Role.UNIT_HEAD, True),  # her approver
        (Role.HR, True),
        (Role.ADMIN, True),
        (Role.INSPECTOR, True),
        (Role.LEADERSHIP, False),
    ],
)
def test_the_score_sheet_is_for_the_person_the_evaluator_the_approver_hr_and_the_inspector(
    year, october, client_as, role, allowed
):
    review = Review.objects.get(period=october, person=year.world.people["binh"])
    assert client_as(role).get(_sheet_url(review)).status_code == (200 if allowed else 403)


def test_the_sheet_link_and_the_summary_links_are_shown_to_those_who_may(year, october, client_as):
    review = Review.objects.get(period=october, person=year.world.people["an"])
    page = client_as(Role.STAFF).get(reverse("monitoring:review", kwargs={"pk": review.pk})).content.decode()
    assert _sheet_url(review) in page
    unit_page = reverse("monitoring:unit_period", kwargs={"period": october.pk, "code": "VPL-P1"})
    assert _url(october, "VPL-P1") in client_as(Role.MANAGER).get(unit_page).content.decode()
    cycle_page = reverse("monitoring:cycle", kwargs={"pk": october.cycle_id})
    assert _url(october) in client_as(Role.HR).get(cycle_page).content.decode()
    assert _url(october) not in client_as(Role.STAFF).get(cycle_page).content.decode()


# --- a large scope: the background job -----------------------------------------------------------
def test_a_large_scope_is_built_by_a_job_with_one_download(year, october, client_as, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.CONGTAM_SUMMARY_JOB_THRESHOLD = 3
    client = client_as(Role.UNIT_HEAD)
    page = client.get(_url(october, "VPL"))
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert 'data-testid="summary-background"' in page.content.decode()
    assert (
        client_as(Role.MANAGER)
        .post(reverse("monitoring:summary_start", kwargs={"period": october.pk}), {"unit": "VPL", "format": "xlsx"})
        .status_code
        == 403
    )  # the division's head may not export the department
    client = client_as(Role.UNIT_HEAD)
    start = reverse("monitoring:summary_start", kwargs={"period": october.pk})
    response = client.post(start, {"unit": "VPL", "format": "xlsx"})
    job = Job.objects.get(kind=SUMMARY_JOB)
    assert response.status_code == 302 and response.url == reverse("jobs:detail", kwargs={"job_id": job.pk})
    assert client.post(start, {"unit": "VPL", "format": "xlsx"}).url == response.url  # the same job again
    job = job_execute(job_id=job.pk)
    assert job.state == "succeeded", job.error
    assert job.result["people"] == 5
    download = client.get(job.result["url"])
    assert download.status_code == 200
    rows = _people_rows(next(iter(_sheets(b"".join(download.streaming_content)).values())))
    assert len(rows) == 5 and "Nguyễn Văn An" in rows
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.event == "monitoring.summary.downloaded" and entry.new["job"] == str(job.pk)
    assert client_as(Role.STAFF).get(job.result["url"]).status_code == 403


def test_the_job_builds_a_pdf_too(year, october, client_as, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.CONGTAM_SUMMARY_JOB_THRESHOLD = 1
    client = client_as(Role.HR)
    client.post(reverse("monitoring:summary_start", kwargs={"period": october.pk}), {"format": "pdf"})
    job = job_execute(job_id=Job.objects.get(kind=SUMMARY_JOB).pk)
    assert job.state == "succeeded", job.error
    content = b"".join(client.get(job.result["url"]).streaming_content)
    assert content.startswith(b"%PDF") and "Nguyễn Văn An" in pdf_text(content)


def test_a_scope_too_large_for_a_pdf_is_offered_as_excel_only(year, october, client_as, settings):
    settings.CONGTAM_SUMMARY_PDF_LIMIT = 4
    client = client_as(Role.HR)
    page = client.get(_url(october, "VPL", "pdf"))
    assert page.status_code == 200 and 'data-testid="summary-too-large"' in page.content.decode()
    assert _url(october, "VPL") in page.content.decode()
    start = reverse("monitoring:summary_start", kwargs={"period": october.pk})
    assert client.post(start, {"unit": "VPL", "format": "pdf"}).status_code == 404
    assert not Job.objects.filter(kind=SUMMARY_JOB).exists()
    assert client.get(_url(october, "VPL-P1", "pdf")).content.startswith(b"%PDF")  # 3 people: a PDF


def test_a_leaders_own_a_b_c_are_read_under_the_leader_formula_without_deductions(year, october):
    from congtam.monitoring.summaries.rows import SummaryScope, summary_rows

    def own(a, b, c):
        return {"inputs": {"a": {"value": a}, "b": {"value": b}, "c": {"value": c}}}

    tree = {
        "key": "period_score",
        "value": "85",
        "inputs": {
            "g": {"value": "25"},
            "t": {"value": "60", "inputs": {"combined": {"value": "85.7", "inputs": {"own": own("100", "90", "80")}}}},
        },
    }
    approved = Review.objects.get(period=october, person=year.world.people["an"])
    Review.objects.filter(period=october, person=year.world.people["truong_phong"]).update(
        state=approved.state, score=Decimal(85), score_exact="85", explanation=tree
    )
    scope = SummaryScope(period=october, unit=year.world.units["VPL-P1"])
    leader = next(row for row in summary_rows(scope) if row.full_name == "Trịnh Văn Sơn")
    assert (leader.quantity, leader.quality, leader.timeliness) == (100, 90, 80)
    assert (leader.task_points, leader.general_points, leader.score) == (60, 25, 85)
    assert leader.deductions is None and leader.band is not None


def test_under_the_six_component_reading_each_of_a_b_c_weighs_a_sixth(year, october):
    from congtam.monitoring.summaries.rows import SIX_COMPONENTS, SummaryScope, summary_rows

    tree = {
        "key": "period_score",
        "value": "80",
        "inputs": {
            "g": {"value": "25"},
            "t": {
                "value": "55",
                "note": SIX_COMPONENTS,
                "inputs": {"a": {"value": "100"}, "b": {"value": "70"}, "c": {"value": "100"}},
            },
        },
    }
    approved = Review.objects.get(period=october, person=year.world.people["an"])
    Review.objects.filter(period=october, person=year.world.people["truong_phong"]).update(
        state=approved.state, score=Decimal(80), score_exact="80", explanation=tree
    )
    scope = SummaryScope(period=october, unit=year.world.units["VPL-P1"])
    rows = {row.full_name: row for row in summary_rows(scope)}
    assert rows["Trịnh Văn Sơn"].deductions == Decimal(70) * 30 / 600  # 3,5 points
    assert rows["Nguyễn Văn An"].deductions == Decimal(70) * 25 / 300  # the staff member: a third each
