"""The year-end services by example: RULES.md §4 examples 1–2 through the app, the quota and its
exception, calibration, approval, announcement, acknowledgement, appeal, closing, amendment."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from congtam.accounts.models import Role
from congtam.audit.models import AuditEntry
from congtam.notifications.models import Notification
from congtam.org.services import ConcurrentEditError
from congtam.yearend import appeals, approval, calibration, proposals, services
from congtam.yearend.models import Classification, LevelChange
from tests.yearend.conftest import approve_scores, open_year

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The refusals are matched by their English text."""
    from django.utils import translation

    with translation.override("en"):
        yield


def propose(year_end):
    return proposals.proposals_compute(actor=year_end.user(Role.HR), year=year_end.year)


def test_example_1_bands_through_the_app(year_end):
    approve_scores(year_end.cycle, year_end.person("an"), [92, 88, 91, 89])
    approve_scores(year_end.cycle, year_end.person("binh"), [92, 88, 90, 89])
    run = propose(year_end)
    assert run.classified == 5 and run.missing == []
    an, binh = year_end.classification("an"), year_end.classification("binh")
    assert an.exact_score == Decimal(90) and an.qualified_level == "HTXSNV"
    assert binh.exact_score == Decimal("89.75") and binh.qualified_level == binh.proposed_level == "HTTNV"
    # Two at HTTNV or better in the group: cap floor(0.2 × 2) = 0, said plainly; An is over quota.
    assert an.over_quota and an.proposed_level == "HTTNV" and an.rank_in_group == 1
    assert any("HTXSNV" in reason for reason in an.explanation["reasons"]["vi"])
    assert an.evaluator == year_end.person("truong_phong") and an.approver == year_end.person("vu_truong")
    assert an.group == "CV" and an.state == "proposed"
    year_end.year.refresh_from_db()
    assert year_end.year.state == "calibrating"
    assert AuditEntry.objects.filter(event="yearend.proposals.computed").count() == 1


def test_example_2_discipline_beats_the_score(year_end):
    approve_scores(year_end.cycle, year_end.person("an"), [95, 95, 95, 95])
    approve_scores(year_end.cycle, year_end.person("binh"), [80, 80, 80, 80])
    services.fact_record(
        actor=year_end.user(Role.HR),
        year=year_end.year,
        person=year_end.person("an"),
        kind="discipline",
        discipline_measure="khien_trach",
        decision_number="12/QĐ-VPQH",
        decision_date=date(2026, 6, 3),
        violation="Vi phạm quy chế làm việc",
        document_reference="12/QĐ-VPQH",
    )
    propose(year_end)
    an = year_end.classification("an")
    assert an.exact_score == Decimal(95) and an.proposed_level == "KHTNV"
    assert any("khiển trách" in reason for reason in an.explanation["reasons"]["vi"])


def test_a_discipline_already_counted_does_not_count_again(year_end):
    approve_scores(year_end.cycle, year_end.person("an"), [80, 80, 80, 80])
    services.fact_record(
        actor=year_end.user(Role.HR),
        year=year_end.year,
        person=year_end.person("an"),
        kind="discipline",
        discipline_measure="canh_cao",
        decision_number="3/QĐ",
        decision_date=date(2026, 2, 1),
        violation="Vi phạm năm trước",
        already_counted=True,
        document_reference="3/QĐ",
    )
    propose(year_end)
    assert year_end.classification("an").proposed_level == "HTTNV"


def test_facts_are_recorded_by_hr_only_and_need_their_document(year_end):
    with pytest.raises(PermissionDenied):
        services.fact_record(
            actor=year_end.user(Role.UNIT_HEAD),
            year=year_end.year,
            person=year_end.person("an"),
            kind="degradation",
            document_reference="KL 1",
        )
    with pytest.raises(ValidationError) as refused:
        services.fact_record(
            actor=year_end.user(Role.HR),
            year=year_end.year,
            person=year_end.person("an"),
            kind="discipline",
            document_reference="",
        )
    assert {"document_reference", "discipline_measure", "decision_number", "decision_date", "violation"} <= set(
        refused.value.message_dict
    )
    assert not year_end.year.facts.exists()


def test_people_without_approved_scores_are_listed_not_guessed(year_end):
    approve_scores(year_end.cycle, year_end.person("an"), [80, 80, 80, 80])
    run = propose(year_end)
    assert [person.staff_code for person in run.missing] == ["NV022"]
    assert not Classification.objects.filter(person=year_end.person("binh")).exists()


def test_a_quota_exception_is_the_only_way_past_quota_zero(year_end):
    approve_scores(year_end.cycle, year_end.person("an"), [92, 88, 91, 89])
    approve_scores(year_end.cycle, year_end.person("binh"), [80, 80, 80, 80])
    propose(year_end)
    an = year_end.classification("an")
    with pytest.raises(ValidationError, match="cap of 0"):
        calibration.level_change(
            actor=year_end.user(Role.HR),
            classification=an,
            expected_version=an.version,
            level="HTXSNV",
            reason="Thành tích nổi bật",
        )
    an.refresh_from_db()
    assert an.level == "HTTNV" and an.state == "proposed" and not LevelChange.objects.exists()

    calibration.quota_exception_record(
        actor=year_end.user(Role.HR),
        year=year_end.year,
        group="CV",
        decision_reference="45/QĐ-VPQH",
        reason="Tập thể có thành tích đổi mới",
    )
    propose(year_end)
    an = year_end.classification("an")
    assert an.proposed_level == "HTXSNV" and not an.over_quota
    assert "45/QĐ-VPQH" in str(an.explanation["tree"])


def test_calibration_needs_a_reason_and_says_who_now_fits(world, today):
    year_end = open_year(world, quota_share="0.5")
    approve_scores(year_end.cycle, year_end.person("an"), [92, 92, 92, 92])
    approve_scores(year_end.cycle, year_end.person("binh"), [91, 91, 91, 91])
    propose(year_end)
    an, binh = year_end.classification("an"), year_end.classification("binh")
    assert (an.proposed_level, binh.proposed_level, binh.over_quota) == ("HTXSNV", "HTTNV", True)
    hr = year_end.user(Role.HR)
    with pytest.raises(ValidationError) as refused:
        calibration.level_change(actor=hr, classification=an, expected_version=an.version, level="HTTNV", reason=" ")
    assert "reason" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        calibration.level_change(
            actor=year_end.user(Role.UNIT_HEAD),
            classification=an,
            expected_version=an.version,
            level="HTTNV",
            reason="Không rõ",
        )
    report = calibration.level_change(
        actor=hr,
        classification=an,
        expected_version=an.version,
        level="HTTNV",
        reason="Sản phẩm quý 4 chưa đạt yêu cầu",
    )
    assert [row.name for row in report.now_fit] == ["Đặng Thị Bình"]
    an.refresh_from_db()
    assert (an.level, an.calibrated_level, an.state) == ("HTTNV", "HTTNV", "calibrated")
    change = LevelChange.objects.get()
    assert (change.from_level, change.to_level, change.kind) == ("HTXSNV", "HTTNV", "calibration")
    entry = AuditEntry.objects.filter(event="yearend.level.changed").get()
    assert entry.reason == "Sản phẩm quý 4 chưa đạt yêu cầu"
    # The place is free: Bình may now be raised; a second HTXSNV would exceed the cap of 1.
    binh = year_end.classification("binh")
    calibration.level_change(
        actor=hr,
        classification=binh,
        expected_version=binh.version,
        level="HTXSNV",
        reason="Trong tỷ lệ sau hiệu chỉnh",
    )
    an.refresh_from_db()
    with pytest.raises(ValidationError, match="cap of 1"):
        calibration.level_change(
            actor=hr, classification=an, expected_version=an.version, level="HTXSNV", reason="Khôi phục"
        )


def test_a_stale_version_is_refused(year_end):
    approve_scores(year_end.cycle, year_end.person("an"), [80, 80, 80, 80])
    approve_scores(year_end.cycle, year_end.person("binh"), [80, 80, 80, 80])
    propose(year_end)
    an = year_end.classification("an")
    with pytest.raises(ConcurrentEditError):
        calibration.level_change(
            actor=year_end.user(Role.HR), classification=an, expected_version=an.version - 1, level="HTNV", reason="x"
        )


def _to_approval(year_end):
    for key in ("an", "binh"):
        approve_scores(year_end.cycle, year_end.person(key), [80, 80, 80, 80])
    propose(year_end)
    approval.year_submit_for_approval(actor=year_end.user(Role.HR), year=year_end.year)


def test_the_competent_authority_approves_and_nobody_approves_their_own(year_end, chairman):
    _to_approval(year_end)
    an, lan = year_end.classification("an"), year_end.classification("vu_truong")
    with pytest.raises(PermissionDenied):
        approval.approve(actor=year_end.user(Role.STAFF), classification=an, expected_version=an.version)
    with pytest.raises(PermissionDenied):
        approval.approve(actor=year_end.user(Role.MANAGER), classification=an, expected_version=an.version)
    with pytest.raises(PermissionDenied):
        approval.approve(actor=year_end.user(Role.UNIT_HEAD), classification=lan, expected_version=lan.version)
    approval.approve(actor=year_end.user(Role.UNIT_HEAD), classification=an, expected_version=an.version)
    an.refresh_from_db()
    assert (an.state, an.approved_level, an.approved_by) == ("approved", "HTTNV", year_end.user(Role.UNIT_HEAD))
    # The unit at once: only what awaits the approver's own approval (Sơn, Bình; not Lan herself).
    assert (
        approval.approve_unit(
            actor=year_end.user(Role.UNIT_HEAD), year=year_end.year, unit=year_end.world.units["VPL-P1"]
        )
        == 2
    )
    assert (
        approval.approve_unit(actor=year_end.user(Role.UNIT_HEAD), year=year_end.year, unit=year_end.world.units["VPL"])
        == 1
    )  # Minh; Lan's own is the chairman's
    lan.refresh_from_db()
    assert lan.state == "proposed"
    approval.approve(actor=chairman, classification=lan, expected_version=lan.version)


def _announced(year_end, chairman, *, submitted=False):
    if not submitted:
        _to_approval(year_end)
    head = year_end.user(Role.UNIT_HEAD)
    for code in ("VPL-P1", "VPL"):
        approval.approve_unit(actor=head, year=year_end.year, unit=year_end.world.units[code])
    approval.approve_unit(actor=chairman, year=year_end.year, unit=year_end.world.units["VPL"])
    approval.announce(actor=year_end.user(Role.HR), year=year_end.year)
    year_end.year.refresh_from_db()


def test_announcement_waits_for_every_approval_then_tells_each_person(year_end, chairman):
    _to_approval(year_end)
    with pytest.raises(ValidationError, match="not approved"):
        approval.announce(actor=year_end.user(Role.HR), year=year_end.year)
    year_end.year.refresh_from_db()
    assert year_end.year.state == "approving"
    Notification.objects.all().delete()
    _announced(year_end, chairman, submitted=True)
    assert year_end.year.state == "announced"
    told = set(Notification.objects.filter(kind="yearend.announced").values_list("user__username", flat=True))
    assert told == {"an", "son", "lan"}  # every classified person with a login
    assert set(year_end.year.classifications.values_list("state", flat=True)) == {"announced"}


def test_acknowledge_or_appeal_to_the_level_above_the_approver(year_end, chairman):
    _announced(year_end, chairman)
    an = year_end.classification("an")
    with pytest.raises(PermissionDenied):
        appeals.acknowledge(actor=year_end.user(Role.MANAGER), classification=an, expected_version=an.version)
    appeal = appeals.appeal_submit(
        actor=year_end.user(Role.STAFF),
        classification=an,
        expected_version=an.version,
        reason="Chưa tính sản phẩm vượt kế hoạch quý 4",
        documents="Báo cáo 15/BC",
    )
    assert appeal.decider == year_end.person("chu_nhiem")
    an.refresh_from_db()
    for wrong in (year_end.user(Role.UNIT_HEAD), year_end.user(Role.STAFF), year_end.user(Role.HR)):
        with pytest.raises(PermissionDenied):
            appeals.appeal_decide(
                actor=wrong, appeal=appeal, expected_version=an.version, decision="upheld", reason="x"
            )
    with pytest.raises(ValidationError, match="cap of 0"):  # the group CV has quota 0
        appeals.appeal_decide(
            actor=chairman,
            appeal=appeal,
            expected_version=an.version,
            decision="changed",
            new_level="HTXSNV",
            reason="Có sản phẩm vượt",
        )
    appeals.appeal_decide(
        actor=chairman,
        appeal=appeal,
        expected_version=an.version,
        decision="changed",
        new_level="HTNV",
        reason="Xem lại: chất lượng quý 4 chưa đạt",
    )
    an.refresh_from_db()
    assert (an.state, an.level) == ("final", "HTNV")
    assert LevelChange.objects.filter(classification=an, kind="appeal", to_level="HTNV").exists()


def test_an_appeal_after_the_deadline_is_refused(year_end, chairman, monkeypatch):
    from django.utils import timezone

    _announced(year_end, chairman)
    monkeypatch.setattr(
        timezone, "localdate", lambda *a, **k: appeals.appeal_deadline(year_end.year) + timedelta(days=1)
    )
    an = year_end.classification("an")
    with pytest.raises(ValidationError, match="deadline"):
        appeals.appeal_submit(
            actor=year_end.user(Role.STAFF), classification=an, expected_version=an.version, reason="Muộn"
        )


def test_a_closed_year_changes_only_by_an_amendment(year_end, chairman):
    _announced(year_end, chairman)
    an = year_end.classification("an")
    appeals.appeal_submit(
        actor=year_end.user(Role.STAFF), classification=an, expected_version=an.version, reason="Xin xem lại"
    )
    with pytest.raises(ValidationError, match="not decided"):
        services.year_close(actor=year_end.user(Role.HR), year=year_end.year)
    an.refresh_from_db()
    appeals.appeal_decide(
        actor=chairman, appeal=an.appeal, expected_version=an.version, decision="upheld", reason="Đúng quy định"
    )
    appeals.acknowledge(
        actor=year_end.user(Role.MANAGER),
        classification=year_end.classification("truong_phong"),
        expected_version=year_end.classification("truong_phong").version,
    )
    services.year_close(actor=year_end.user(Role.HR), year=year_end.year)
    assert set(year_end.year.classifications.values_list("state", flat=True)) == {"final"}
    binh = year_end.classification("binh")
    with pytest.raises(ValidationError):
        calibration.level_change(
            actor=year_end.user(Role.HR), classification=binh, expected_version=binh.version, level="HTNV", reason="x"
        )
    with pytest.raises(PermissionDenied):
        calibration.amend_after_close(
            actor=year_end.user(Role.UNIT_HEAD),
            classification=binh,
            expected_version=binh.version,
            level="HTNV",
            reason="x",
        )
    calibration.amend_after_close(
        actor=year_end.user(Role.HR),
        classification=binh,
        expected_version=binh.version,
        level="HTNV",
        reason="Quyết định kỷ luật đến muộn, 9/QĐ",
    )
    binh.refresh_from_db()
    assert (binh.level, binh.approved_level, binh.amended_level) == ("HTNV", "HTTNV", "HTNV")
    entry = AuditEntry.objects.filter(event="yearend.level.amended").get()
    assert entry.old == {"level": "HTTNV"} and entry.new["approved_level"] == "HTTNV"
