"""The official year-end documents built from the classification: who may download each (everyone
else refused), the texts read back with Vietnamese diacritics, the summary read back with
python-calamine in a flat number of queries, and the archive job with its audited download."""

import io
import zipfile

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from congtam.accounts.models import Role
from congtam.audit.models import AuditEntry
from congtam.jobs.models import Job
from congtam.jobs.services import job_execute, job_start
from congtam.yearend import approval, proposals, services
from congtam.yearend.assessments.services import criteria_record
from congtam.yearend.exports import build
from congtam.yearend.jobs import FORMS_ARCHIVE, archive_path
from tests.documents.reading import docx_text, pdf_text
from tests.yearend.conftest import approve_scores
from tests.yearend.test_pages import _add_people

pytestmark = pytest.mark.django_db

FORM_READERS = {Role.STAFF, Role.MANAGER, Role.UNIT_HEAD, Role.HR, Role.ADMIN, Role.INSPECTOR}
SUMMARY_READERS = {Role.HR, Role.ADMIN, Role.LEADERSHIP, Role.INSPECTOR}


def _approved(year_end, chairman):
    """An 92/88/91/89 (90,00) and Bình 80: proposed, then approved by Lan and the chairman."""
    approve_scores(year_end.cycle, year_end.person("an"), [92, 88, 91, 89])
    approve_scores(year_end.cycle, year_end.person("binh"), [80, 80, 80, 80])
    hr = year_end.user(Role.HR)
    proposals.proposals_compute(actor=hr, year=year_end.year)
    approval.year_submit_for_approval(actor=hr, year=year_end.year)
    for approver in (year_end.user(Role.UNIT_HEAD), chairman):
        for code in ("VPL-P1", "VPL"):
            approval.approve_unit(actor=approver, year=year_end.year, unit=year_end.world.units[code])
    return year_end.classification("an")


def _form_url(classification, extension):
    return reverse("yearend:form_download", kwargs={"pk": classification.pk, "extension": extension})


@pytest.mark.parametrize("role", sorted(Role.values))
def test_the_form_goes_to_the_person_the_evaluator_the_approver_hr_admin_and_the_inspector(
    year_end, chairman, client_as, role
):
    an = _approved(year_end, chairman)
    before = AuditEntry.objects.filter(event="yearend.form.downloaded").count()
    response = client_as(role).get(_form_url(an, "docx"))
    if role in FORM_READERS:
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        entry = AuditEntry.objects.order_by("-seq").first()
        assert entry.event == "yearend.form.downloaded" and entry.actor_label == year_end.user(role).username
        assert entry.subject_id == str(an.pk)
    else:
        assert response.status_code == 403
        assert AuditEntry.objects.filter(event="yearend.form.downloaded").count() == before


def test_the_form_is_refused_to_another_staff_member(year_end, chairman, client):
    from tests.factories import make_user

    an = _approved(year_end, chairman)
    client.force_login(make_user("binh", role=Role.STAFF, person=year_end.person("binh")))
    assert client.get(_form_url(an, "pdf")).status_code == 403
    assert client.get(_form_url(year_end.classification("binh"), "pdf")).status_code == 200
    assert client.get(_form_url(an, "odt")).status_code == 404


def test_the_word_and_pdf_forms_carry_the_name_level_score_reasons_and_signatures(year_end, chairman, client_as):
    an = _approved(year_end, chairman)
    client = client_as(Role.STAFF)
    word = docx_text(client.get(_form_url(an, "docx")).content)
    pdf = pdf_text(client.get(_form_url(an, "pdf")).content)
    level = "Hoàn thành tốt nhiệm vụ"
    for text in (word, pdf):
        assert "Nguyễn Văn An" in text
        assert "Mẫu số 02" in text and "CÔNG CHỨC" in text
        assert "90,00" in text
        assert level in text
        assert "Hoàng Thị Lan" in text  # the approver's signature place
        assert "Trịnh Văn Sơn" in text  # the direct manager's
    assert an.explanation["reasons"]["vi"][0] in word
    assert build.form_data(an).result_level.value == an.approved_level


def test_the_criteria_model_form_carries_the_self_assessment(world, today):
    from congtam.yearend.models import Classification

    hr = world.users[Role.HR]
    year = services.year_open(
        actor=hr,
        agency=world.agency,
        year=2026,
        staff_group="cong_chuc",
        policy_id="nd90-cong-chuc",
        units=[world.units["VPL"]],
    )
    criteria_record(
        actor=hr,
        year=year,
        person=world.people["an"],
        shared_criteria_met=True,
        completion_percent="100",
        exceeded_percent="20",
        short_percent="0",
        proposed_level="HTTNV",
    )
    classification = Classification.objects.create(
        year=year,
        person=world.people["an"],
        unit=world.units["VPL-P1"],
        group="CV",
        evaluator=world.people["truong_phong"],
        approver=world.people["vu_truong"],
        proposed_level="HTTNV",
        qualified_level="HTTNV",
    )
    data = build.form_data(classification)
    assert "Hoàn thành 100% nhiệm vụ; vượt 20%" in data.self_assessment.task_results
    assert data.score is None and data.proposed_level.value == "HTTNV" and data.result_level is None


def _summary_url(year_end, code=None):
    if code:
        return reverse("yearend:unit_summary", kwargs={"pk": year_end.year.pk, "code": code})
    return reverse("yearend:agency_summary", kwargs={"pk": year_end.year.pk})


def _sheet(content):
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name("Kết quả xếp loại").to_python()


@pytest.mark.parametrize("role", sorted(Role.values))
def test_the_summary_goes_to_hr_leadership_the_inspector_and_the_unit_heads_for_their_unit(
    year_end, chairman, client_as, role
):
    _approved(year_end, chairman)
    client = client_as(role)
    unit = client.get(_summary_url(year_end, "VPL-P1"))
    agency = client.get(_summary_url(year_end))
    assert unit.status_code == (200 if role in SUMMARY_READERS | {Role.UNIT_HEAD, Role.MANAGER} else 403)
    assert agency.status_code == (200 if role in SUMMARY_READERS else 403)


def test_the_manager_may_not_read_the_summary_of_the_unit_above(year_end, chairman, client_as):
    _approved(year_end, chairman)
    assert client_as(Role.MANAGER).get(_summary_url(year_end, "VPL")).status_code == 403


def test_the_summary_reads_back_with_group_score_levels_over_quota_and_reasons(year_end, chairman, client_as):
    an = _approved(year_end, chairman)
    response = client_as(Role.HR).get(_summary_url(year_end, "VPL-P1"))
    rows = _sheet(response.content)
    header = rows.index(next(row for row in rows if row and row[0] == "STT"))
    people = {row[1]: row for row in rows[header + 1 :] if row[1]}
    assert "Nguyễn Văn An" in people and "Hoàng Thị Lan" not in people  # VPL-P1 only
    row = people["Nguyễn Văn An"]
    assert row[2] == "Phòng Luật Hành chính" and row[5] == 90.0
    assert row[7] == "Hoàn thành tốt nhiệm vụ"
    assert f"Nhóm: {an.group}" in row[8] and an.explanation["reasons"]["vi"][0] in row[8]
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.event == "yearend.summary.downloaded" and entry.new["unit"] == "VPL-P1"
    agency = {row[1] for row in _sheet(client_as(Role.HR).get(_summary_url(year_end)).content)}
    assert {"Nguyễn Văn An", "Hoàng Thị Lan"} <= agency


def test_the_summary_makes_the_same_queries_for_few_and_many(year_end, client_as, count_queries):
    client = client_as(Role.HR)
    _add_people(year_end.world, year_end.cycle, 2, 100)
    proposals.proposals_compute(actor=year_end.user(Role.HR), year=year_end.year)
    client.get(_summary_url(year_end))
    with count_queries() as few:
        assert client.get(_summary_url(year_end)).status_code == 200
    _add_people(year_end.world, year_end.cycle, 25, 200)
    proposals.proposals_compute(actor=year_end.user(Role.HR), year=year_end.year)
    with count_queries() as many:
        response = client.get(_summary_url(year_end))
    assert len(_sheet(response.content)) > 27
    assert len(many) == len(few), many.report()


def test_building_the_forms_makes_the_same_queries_per_batch(year_end, django_assert_max_num_queries):
    _add_people(year_end.world, year_end.cycle, 12, 100)
    proposals.proposals_compute(actor=year_end.user(Role.HR), year=year_end.year)
    total = build.scope(year_end.year).count()
    assert total > 12
    with django_assert_max_num_queries(1 + 3 * 2):  # the ids, then three queries for each of two batches
        built = list(build.forms(year_end.year, batch=(total + 1) // 2))
    assert len(built) == total


def _run_archive(year_end, code="VPL-P1"):
    job = job_start(
        actor=year_end.user(Role.HR),
        kind=FORMS_ARCHIVE,
        params={"year_id": year_end.year.pk, "unit_code": code},
        key=f"test:{code}",
    )
    return job_execute(job_id=job.pk)


def test_the_archive_job_holds_one_form_per_person_per_format_and_its_download_is_audited(
    year_end, chairman, client_as, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    _approved(year_end, chairman)
    job = _run_archive(year_end)
    assert job.state == "succeeded", job.error
    people = build.scope(year_end.year, year_end.world.units["VPL-P1"]).count()
    assert job.result["people"] == people and job.result["files"] == 2 * people
    assert archive_path(job.pk).parent == tmp_path / "exports"
    response = client_as(Role.HR).get(job.result["url"])
    assert response.status_code == 200
    bundle = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = bundle.namelist()
    assert len(names) == 2 * people
    assert "Mẫu số 02 - Nguyễn Văn An - 2026.docx" in names and "Mẫu số 02 - Nguyễn Văn An - 2026.pdf" in names
    assert "Nguyễn Văn An" in pdf_text(bundle.read("Mẫu số 02 - Nguyễn Văn An - 2026.pdf"))
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.event == "yearend.forms_archive.downloaded" and entry.subject_id == str(job.pk)


@pytest.mark.parametrize("role", sorted(set(Role.values) - {Role.HR, Role.ADMIN}))
def test_only_the_creator_hr_and_admin_download_the_archive(year_end, chairman, client_as, settings, tmp_path, role):
    settings.DATA_DIR = tmp_path
    _approved(year_end, chairman)
    job = _run_archive(year_end)
    before = AuditEntry.objects.count()
    assert client_as(role).get(job.result["url"]).status_code == 403
    assert client_as(Role.ADMIN).get(job.result["url"]).status_code == 200
    assert AuditEntry.objects.count() == before + 1


def test_hr_starts_the_archive_from_the_documents_page_and_others_may_not(year_end, chairman, client_as):
    _approved(year_end, chairman)
    page = client_as(Role.HR).get(reverse("yearend:exports", kwargs={"pk": year_end.year.pk}))
    assert 'data-testid="forms-archive-form"' in page.content.decode()
    inspector_page = client_as(Role.INSPECTOR).get(reverse("yearend:exports", kwargs={"pk": year_end.year.pk}))
    assert inspector_page.status_code == 200 and "forms-archive-form" not in inspector_page.content.decode()
    url = reverse("yearend:forms_archive_start", kwargs={"pk": year_end.year.pk})
    for role in (Role.INSPECTOR, Role.LEADERSHIP, Role.UNIT_HEAD, Role.STAFF):
        assert client_as(role).post(url, {"unit": "VPL"}).status_code == 403
    assert not Job.objects.filter(kind=FORMS_ARCHIVE).exists()
    response = client_as(Role.HR).post(url, {"unit": "VPL"})
    job = Job.objects.get(kind=FORMS_ARCHIVE)
    assert response.status_code == 302 and response.url == reverse("jobs:detail", kwargs={"job_id": job.pk})
    assert job.params == {"year_id": year_end.year.pk, "unit_code": "VPL"}
    again = client_as(Role.HR).post(url, {"unit": "VPL"})
    assert again.url == response.url and Job.objects.filter(kind=FORMS_ARCHIVE).count() == 1
