"""The competent authority always acts (issue 13, part 3): the head of the agency at the top of
the installation is approved by the Standing Committee of the National Assembly, which has no
account here. HR records its signed decision, the record approves the score with its audit
entry, and the month closes. ("Today" is 20/11/2026.)

The Office's head is rated by the deputy the Committee designated (an HR authority override),
so that the score reaches the approver; the override is the existing decision of HR."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from congtam.accounts.models import Role
from congtam.audit.models import AuditEntry
from congtam.catalogue.models import CatalogueItem, CatalogueVersion
from congtam.core.permissions import Refused
from congtam.monitoring import cycles, events, items, reviews
from congtam.monitoring.models import Review, ReviewState
from congtam.org import services as org_services
from congtam.org.models import Category
from tests.factories import make_user
from tests.monitoring.conftest import EARLY
from tests.monitoring.test_todo import LEVELS

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
COMMITTEE = "Ủy ban Thường vụ Quốc hội"


def signed(name="qd-125.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def head_month(world, today):
    """November of the Office's head (a cán bộ), rated by the deputy, submitted for approval."""
    hr = world.users[Role.HR]
    chief, deputy = world.people["chu_nhiem"], world.people["pho_chu_nhiem"]
    org_services.authority_override_set(
        actor=hr,
        person=chief,
        kind="evaluator",
        authority=deputy,
        effective_from=date(2026, 1, 1),
        reason="Văn bản 12/UBTVQH15 giao Phó Chủ nhiệm theo dõi, đánh giá",
    )
    position = world.positions["LD"]
    CatalogueVersion.objects.create(position=position, number=1, note="test")
    CatalogueItem.objects.create(
        position=position, code="CD", name="Chỉ đạo điều hành", unit="việc", factor="2", version_from=1
    )
    cycle = cycles.cycle_open(
        actor=hr,
        agency=world.agency,
        year=2026,
        frequency="monthly",
        staff_group=Category.CAN_BO,
        policy_id="nd335",
        units=[world.units["VPQH"]],
    )
    cycles.reviews_open(cycle, actor=hr)
    november = cycle.periods.get(number=11)
    review = Review.objects.get(period=november, person=chief)
    assert (review.evaluator, review.approver, review.external_approver) == (deputy, None, COMMITTEE)

    deputy_user = world.users[Role.LEADERSHIP]
    chief_user = make_user("hai", role=Role.LEADERSHIP, person=chief)
    item = items.item_assign(actor=deputy_user, review=review, catalogue_code="CD", due_on=date(2026, 11, 10))
    review.refresh_from_db()
    items.plan_acknowledge(actor=chief_user, review=review, expected_version=review.version)
    item.refresh_from_db()
    items.item_report(actor=chief_user, item=item, expected_version=item.version, completed_on=date(2026, 11, 9))
    item.refresh_from_db()
    items.item_check(actor=deputy_user, item=item, expected_version=item.version, result="passed")
    reviews.rating_save(
        actor=chief_user, review=Review.objects.get(pk=review.pk), role="self", levels=LEVELS, submit=True
    )
    reviews.rating_save(
        actor=deputy_user, review=Review.objects.get(pk=review.pk), role="manager", levels=LEVELS, submit=True
    )
    review = Review.objects.get(pk=review.pk)
    review = reviews.review_submit(
        actor=deputy_user, review=review, expected_version=review.version, early_reason=EARLY
    )
    assert review.state == ReviewState.SUBMITTED and review.score is not None
    return review


def _record(world, review, **changes):
    values = {
        "number": "125/QĐ-UBTVQH15",
        "signed_on": date(2026, 11, 19),
        "signer": "Chủ tịch Quốc hội Trần Thanh Mẫn",
        "upload": signed(),
        **changes,
    }
    return reviews.review_approve_by_decision(
        actor=world.users[Role.HR], review=review, expected_version=review.version, **values
    )


def test_hr_records_the_committees_decision_which_approves_the_score_and_the_month_closes(
    world, head_month, monkeypatch
):
    score = head_month.score_exact
    review = _record(world, head_month)
    assert review.state == ReviewState.APPROVED and review.score_exact == score
    decision = review.outside_decision
    assert (decision.authority, decision.number, decision.signer) == (
        COMMITTEE,
        "125/QĐ-UBTVQH15",
        "Chủ tịch Quốc hội Trần Thanh Mẫn",
    )
    assert decision.file.read() == PDF and decision.recorded_by == world.users[Role.HR]
    entry = AuditEntry.objects.get(event=events.REVIEW_APPROVED_BY_DECISION)
    assert entry.subject_id == str(review.pk)
    assert entry.new["decision"]["number"] == "125/QĐ-UBTVQH15"
    # The month of the Office's head closes like any other, once it has ended.
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2026, 12, 2))
    check = cycles.period_close(actor=world.users[Role.HR], period=review.period)
    assert not check.not_approved and not check.differing
    review.period.refresh_from_db()
    assert review.period.state == "closed"


def test_the_decision_is_refused_without_its_number_date_signer_or_file_and_nothing_changes(world, head_month):
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        _record(world, head_month, number=" ", signed_on=date(2026, 12, 31), signer="", upload=None)
    assert set(refused.value.message_dict) == {"number", "signed_on", "signer", "file"}
    with pytest.raises(ValidationError) as refused:
        _record(world, head_month, upload=SimpleUploadedFile("qd.exe", b"MZ\x90\x00", content_type="x/y"))
    assert set(refused.value.message_dict) == {"file"}
    review = Review.objects.get(pk=head_month.pk)
    assert (review.state, review.outside_decision) == (ReviewState.SUBMITTED, None)
    assert AuditEntry.objects.count() == entries


def test_only_hr_records_it_and_only_for_an_approver_outside_the_installation(world, year, head_month):
    with pytest.raises(Refused):
        reviews.review_approve_by_decision(
            actor=world.users[Role.LEADERSHIP],
            review=head_month,
            expected_version=head_month.version,
            number="1",
            signed_on=date(2026, 11, 1),
            signer="X",
            upload=signed(),
        )
    # A score whose approver has an account here is approved by that approver, never by a record.
    from tests.monitoring.test_period_end import ready_to_submit

    staff = ready_to_submit(year)
    staff = reviews.review_submit(
        actor=year.user(Role.MANAGER), review=staff, expected_version=staff.version, early_reason=EARLY
    )
    with pytest.raises(ValidationError):
        _record(world, staff)
    assert Review.objects.get(pk=staff.pk).state == ReviewState.SUBMITTED


def test_the_page_offers_hr_the_form_and_shows_the_decision_to_those_who_see_the_review(world, head_month, client):
    url = reverse("monitoring:review", kwargs={"pk": head_month.pk})
    client.force_login(world.users[Role.LEADERSHIP])  # the evaluator: no form, a sentence
    page = client.get(url).content.decode()
    assert 'data-testid="outside-decision"' not in page
    client.force_login(world.users[Role.HR])
    page = client.get(url).content.decode()
    assert 'data-testid="outside-decision"' in page and COMMITTEE in page
    bad = client.post(
        reverse("monitoring:decision_record", kwargs={"pk": head_month.pk}),
        {"decision-version": head_month.version, "decision-number": "", "decision-signed_on": "19/11/2026"},
    )
    assert bad.status_code == 400
    response = client.post(
        reverse("monitoring:decision_record", kwargs={"pk": head_month.pk}),
        {
            "decision-version": head_month.version,
            "decision-number": "125/QĐ-UBTVQH15",
            "decision-signed_on": "19/11/2026",
            "decision-signer": "Chủ tịch Quốc hội",
            "decision-file": signed(),
        },
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'data-testid="approved-by-decision"' in page and "125/QĐ-UBTVQH15" in page
    review = Review.objects.get(pk=head_month.pk)
    download = client.get(reverse("monitoring:decision", kwargs={"pk": review.outside_decision_id}))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert AuditEntry.objects.filter(event=events.DECISION_FILE_VIEWED).count() == 1
    client.force_login(world.users[Role.STAFF])  # not in the review
    assert client.get(reverse("monitoring:decision", kwargs={"pk": review.outside_decision_id})).status_code == 403
