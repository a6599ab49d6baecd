"""Heads and deputies scored with their unit, live (issue 13, RULES.md §2.1): worked examples
through the services, in November 2026 of Vụ Pháp luật.

    Vụ Pháp luật (VPL)              head Hoàng Thị Lan, deputy Đỗ Quang Minh
    └── Phòng Luật Hành chính       head Trịnh Văn Sơn; Nguyễn Văn An, Đặng Thị Bình

Trịnh Văn Sơn's staff are An and Bình; Đỗ Quang Minh's (and Hoàng Thị Lan's) are Sơn, An and
Bình — the unit and the units below it, without the unit's own leaders."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext

import pytest
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from congtam.accounts.models import Role
from congtam.audit.models import AuditEntry
from congtam.monitoring import cycles, leaders, reviews
from congtam.monitoring import items as item_services
from congtam.monitoring.jobs import close_period
from congtam.monitoring.models import Cycle, Review, ReviewState, WorkItem
from congtam.monitoring.scoring import leader_waiting_message
from congtam.scoring.decimals import ENGINE_CONTEXT
from tests.factories import make_user
from tests.monitoring.conftest import EARLY

pytestmark = pytest.mark.django_db

# Level 4, 4, 3, 4 of the four sub-criteria (7.5 points each, 5 levels): 5.625 × 3 + 3.75.
GOOD = {"chinh_tri_dao_duc": 4, "van_hoa_ky_luat": 4, "trach_nhiem_phuc_vu": 3, "doi_moi_sang_tao": 4}
GOOD_POINTS = Decimal("20.625")
# Level 2 everywhere: 1.875 × 4 = 7.5; level 3 everywhere: 3.75 × 4 = 15.
LOW = dict.fromkeys(GOOD, 2)
MIDDLE = dict.fromkeys(GOOD, 3)
SIX = "nd335-sau-thanh-phan"


def _user(person):
    try:
        return person.account
    except ObjectDoesNotExist:  # the canonical agency gives some people no login
        return make_user(f"u{person.staff_code}", role=Role.STAFF, person=person)


def _review(year, key) -> Review:
    return Review.objects.select_related("period__cycle", "person", "unit", "evaluator", "approver").get(
        period=year.november, person=year.world.people[key]
    )


def work(year, key, items, levels):
    """``key``'s November: ad hoc items ``(factor, done)`` due on the 10th, the done ones
    reported on the 9th and passed; self-rated and rated ``levels``."""
    review = _review(year, key)
    person, evaluator = _user(review.person), _user(review.evaluator)
    made = [
        item_services.item_assign(
            actor=evaluator,
            review=review,
            name=f"Việc {number}",
            factor=Decimal(factor),
            ad_hoc_reason="Việc của đơn vị trong tháng",
            due_on=date(2026, 11, 10),
        )
        for number, (factor, _done) in enumerate(items, start=1)
    ]
    review = _review(year, key)
    item_services.plan_acknowledge(actor=person, review=review, expected_version=review.version)
    for item, (_factor, done) in zip(made, items, strict=True):
        if done:
            item.refresh_from_db()
            item_services.item_report(
                actor=person, item=item, expected_version=item.version, completed_on=date(2026, 11, 9)
            )
            item.refresh_from_db()
            item_services.item_check(actor=evaluator, item=item, expected_version=item.version, result="passed")
    reviews.rating_save(actor=person, review=_review(year, key), role="self", levels=levels, submit=True)
    reviews.rating_save(actor=evaluator, review=_review(year, key), role="manager", levels=levels, submit=True)


def submit(year, key) -> Review:
    review = _review(year, key)
    return reviews.review_submit(
        actor=_user(review.evaluator), review=review, expected_version=review.version, early_reason=EARLY
    )


def approve(year, key) -> Review:
    review = _review(year, key)
    return reviews.review_approve(actor=_user(review.approver), review=review, expected_version=review.version)


def use_preset(year, policy_id: str) -> None:
    Cycle.objects.filter(pk=year.cycle.pk).update(policy_id=policy_id)


@dataclass
class Month:
    staff_scores: dict


def phong_month(year, *, an_levels=LOW, an_done=(False, True)) -> Month:
    """An and Bình scored and approved; Sơn's own work done and rated, not yet sent.

    An: a report (factor 4) and an opinion (1); by default only the opinion is done, rated at
    level 2: a = b = c = 20, 7.5 + 70 × 20 / 100 = 21.5 — KHTNV. Bình: both done, rated
    GOOD: 20.625 + 70 = 90.625. Sơn: one item of factor 2, done, rated GOOD."""
    work(year, "an", [("4", an_done[0]), ("1", an_done[1])], an_levels)
    work(year, "binh", [("4", True), ("1", True)], GOOD)
    work(year, "truong_phong", [("2", True)], GOOD)
    scores = {}
    for key in ("an", "binh"):
        scores[key] = submit(year, key).exact_score
        approve(year, key)
    return Month(scores)


# --- a head with one KHTNV staff member ---------------------------------------------------------


def test_a_head_with_one_khtnv_staff_member_counts_the_staff_part_at_50_in_the_default_reading(year):
    month = phong_month(year)
    assert month.staff_scores == {"an": Decimal("21.5"), "binh": Decimal("90.625")}
    head = submit(year, "truong_phong")
    # Own items: a = b = c = 100. Staff: 1 of 2 at HTNV or better (50%) → staff part 50.
    # Plan: An 1 of 5 converted items on time and to quality, Bình 5 of 5 → 6 / 10 = 60%.
    # Unit part (50 + 60) / 2 = 55; combined (100 + 55) / 2 = 77.5; task 70 × 77.5 / 100 = 54.25.
    assert head.exact_score == GOOD_POINTS + Decimal("54.25") == Decimal("74.875")
    unit = head.explanation["leader"]
    assert unit == {
        "staff": 2,
        "complete_or_better": 1,
        "assigned": "10",
        "on_time_to_quality": "6",
        "staff_share": "50",
        "plan_percent": "60",
        "staff_part": "50",
        "unit_percent": "55",
        "further_percent": None,
        "reading": "own_and_unit_mean",
        "further_criterion": "required",
    }
    task = head.explanation["inputs"]["t"]
    assert task["formula"] == "tmax * combined / 100"
    assert task["inputs"]["combined"]["inputs"]["unit"]["inputs"]["staff"]["value"] == "50"


def test_a_head_with_one_khtnv_staff_member_in_the_six_component_reading(year):
    use_preset(year, SIX)
    phong_month(year)
    head = submit(year, "truong_phong")
    # 70 × (a + b + c + d + đ + e) / 6 / 100 with a = b = c = 100, d = 50, đ = 60 and, no
    # further criterion being recorded, e = đ = 60 (the preset's stand-in): 70 × 470 / 600.
    with localcontext(ENGINE_CONTEXT):
        expected = GOOD_POINTS + Decimal(70) * Decimal(470) / 6 / 100
    assert head.exact_score == expected
    assert str(head.exact_score.quantize(Decimal("0.0001"))) == "75.4583"
    task = head.explanation["inputs"]["t"]
    assert task["formula"] == "tmax * (a + b + c + d + p + e) / 6 / 100"
    assert (task["inputs"]["d"]["value"], task["inputs"]["p"]["value"], task["inputs"]["e"]["value"]) == (
        "50",
        "60",
        "60",
    )
    assert task["note"] == "leader_six_components"
    assert task["inputs"]["e"]["note"] == "further_plan_stands_in"
    assert head.explanation["leader"]["reading"] == "six_components"


def test_the_page_says_in_words_what_the_unit_part_was_in_each_reading(year, client_as):
    from django.urls import reverse

    phong_month(year)
    head = submit(year, "truong_phong")
    url = reverse("monitoring:review", kwargs={"pk": head.pk})
    page = client_as(Role.UNIT_HEAD).get(url).content.decode()
    assert 'data-testid="leader-note"' in page
    unit = _leader_block(page)
    # 1 of 2 staff (50%), staff part 50; plan 60%, 6 of 10 converted items; unit part 55%.
    for number in ("1/2", "(50,00%)", "60,00%", "6,00", "10,00", "55,00%"):
        assert number in unit, (number, unit)
    assert "a + b + c + d" not in unit  # the mean reading, not the six components
    use_preset(year, SIX)
    Review.objects.filter(pk=head.pk).update(state=ReviewState.RETURNED)  # the preview, computed now
    unit = _leader_block(client_as(Role.UNIT_HEAD).get(url).content.decode())
    assert "70 × (a + b + c + d + đ + e) / 6 / 100" in unit
    assert unit.count("<p>") == 4  # staff, plan, the reading, and e's stand-in
    staff_page = client_as(Role.MANAGER).get(reverse("monitoring:review", kwargs={"pk": _review(year, "an").pk}))
    assert 'data-testid="leader-unit"' not in staff_page.content.decode()  # not a leader's review


def _leader_block(page: str) -> str:
    start = page.index('data-testid="leader-unit"')
    return page[start : page.index("</div>", start)]


# --- the waiting ---------------------------------------------------------------------------------


def test_the_leaders_submission_is_refused_until_the_staff_are_approved_and_says_how_many(year):
    work(year, "an", [("4", False), ("1", True)], LOW)
    work(year, "binh", [("4", True), ("1", True)], GOOD)
    work(year, "truong_phong", [("2", True)], GOOD)
    preview = reviews.score_preview(_review(year, "truong_phong"))
    assert preview.score is None and preview.problem == leader_waiting_message(2)
    with pytest.raises(ValidationError) as refused:
        submit(year, "truong_phong")
    assert refused.value.messages == [leader_waiting_message(2)]
    assert "2" in leader_waiting_message(2)
    submit(year, "an")
    approve(year, "an")
    submit(year, "binh")  # sent, not yet approved: still waited for
    with pytest.raises(ValidationError) as refused:
        submit(year, "truong_phong")
    assert refused.value.messages == [leader_waiting_message(1)]
    approve(year, "binh")
    assert submit(year, "truong_phong").state == ReviewState.SUBMITTED


def test_a_whole_unit_approved_at_once_approves_the_staff_before_their_leader(year):
    phong_month(year)
    submit(year, "truong_phong")
    work(year, "pho_vu_truong", [("2", True)], GOOD)
    head = _review(year, "truong_phong")
    # The deputy's staff include Sơn: the deputy waits for him.
    with pytest.raises(ValidationError) as refused:
        submit(year, "pho_vu_truong")
    assert refused.value.messages == [leader_waiting_message(1)]
    approver = _user(head.approver)
    assert reviews.reviews_approve(actor=approver, reviews=[head]) == 1
    assert submit(year, "pho_vu_truong").state == ReviewState.SUBMITTED


# --- a deputy whose staff are all HTNV or better ------------------------------------------------


def deputy_month(year) -> Review:
    """An at HTNV this time (the report done, the opinion not, rated level 3: 15 + 56 = 71);
    Sơn's score approved; Đỗ Quang Minh's own item (factor 2) done, rated GOOD, and sent."""
    phong_month(year, an_levels=MIDDLE, an_done=(True, False))
    submit(year, "truong_phong")
    approve(year, "truong_phong")
    work(year, "pho_vu_truong", [("2", True)], GOOD)
    return submit(year, "pho_vu_truong")


def test_a_deputy_whose_staff_are_all_htnv_or_better_counts_the_staff_part_at_100(year):
    deputy = deputy_month(year)
    assert _review(year, "an").exact_score == Decimal(71)
    # Staff Sơn, An, Bình all at HTNV or better → 100. Plan: Sơn 2 of 2, An 4 of 5, Bình 5 of 5 →
    # 11 / 12. Unit (100 + 91.66…) / 2; combined (100 + unit) / 2; task 70 × combined / 100.
    with localcontext(ENGINE_CONTEXT):
        plan = Decimal(100) * Decimal(11) / Decimal(12)
        unit = (1 * Decimal(100) + 1 * plan) / 2
        combined = (1 * Decimal(100) + 1 * unit) / 2
        expected = GOOD_POINTS + Decimal(70) * combined / 100
    assert deputy.exact_score == expected
    assert str(deputy.exact_score.quantize(Decimal("0.0001"))) == "89.1667"
    facts = deputy.explanation["leader"]
    assert (facts["staff"], facts["complete_or_better"], facts["staff_part"]) == (3, 3, "100")
    assert (facts["assigned"], facts["on_time_to_quality"]) == ("12", "11")


def test_a_deputy_whose_staff_are_all_htnv_or_better_in_the_six_component_reading(year):
    use_preset(year, SIX)
    deputy = deputy_month(year)
    with localcontext(ENGINE_CONTEXT):
        plan = Decimal(100) * Decimal(11) / Decimal(12)
        total = Decimal(100) + Decimal(100) + Decimal(100) + Decimal(100) + plan + plan
        expected = GOOD_POINTS + Decimal(70) * total / 6 / 100
    assert deputy.exact_score == expected
    assert str(deputy.exact_score.quantize(Decimal("0.0001"))) == "88.6806"
    assert deputy.explanation["inputs"]["t"]["inputs"]["d"]["value"] == "100"


# --- the month's closing job -------------------------------------------------------------------


class _Job:
    def __init__(self, user):
        self.created_by = user

    def set_message(self, text):
        pass

    def progress(self, done, total):
        pass


@pytest.mark.parametrize("policy_id", ["nd335", SIX])
def test_the_months_closing_job_recomputes_every_leaders_unit_part(year, policy_id):
    use_preset(year, policy_id)
    deputy_month(year)
    approve(year, "pho_vu_truong")
    Review.objects.filter(period=year.november, person=year.world.people["vu_truong"]).delete()
    hr = year.user(Role.HR)
    # A staff item changed behind the services' back: Bình's score and, through the unit's plan,
    # Sơn's and the deputy's are no longer what the engine computes from the rows.
    binh = _review(year, "binh")
    item = WorkItem.objects.filter(review=binh).order_by("pk").first()
    WorkItem.objects.filter(pk=item.pk).update(quality_failures=1)
    result = close_period(_Job(hr), period_id=year.november.pk)
    expected = sorted(_review(year, key).pk for key in ("binh", "truong_phong", "pho_vu_truong"))
    assert (result["closed"], sorted(result["differing"])) == (False, expected)
    WorkItem.objects.filter(pk=item.pk).update(quality_failures=0)
    result = close_period(_Job(hr), period_id=year.november.pk)
    assert (result["closed"], result["checked"], result["differing"]) == (True, 4, [])
    year.november.refresh_from_db()
    assert year.november.state == "closed"


# --- a staff review added after the leader was sent ------------------------------------------


def test_the_last_staff_approval_computes_again_a_leaders_score_already_sent(year):
    from tests.monitoring.test_dashboards import add_people

    phong_month(year)
    head = submit(year, "truong_phong")
    sent = head.exact_score
    (newcomer,) = add_people(year, 1)
    key = "newcomer"
    year.world.people[key] = newcomer
    with pytest.raises(ValidationError) as refused:
        approve(year, "truong_phong")
    assert refused.value.messages == [leader_waiting_message(1)]
    work(year, key, [("1", True)], GOOD)
    submit(year, key)
    approve(year, key)
    head = _review(year, "truong_phong")
    # Now 2 of 3 at HTNV or better (staff part still 50), plan 7 of 11.
    assert head.explanation["leader"]["staff"] == 3
    assert head.explanation["leader"]["on_time_to_quality"] == "7"
    assert head.exact_score != sent
    assert AuditEntry.objects.filter(event="monitoring.review.unit_part_computed").count() == 1
    assert approve(year, "truong_phong").state == ReviewState.APPROVED


# --- query counts ---------------------------------------------------------------------------------


def _staff(year, count, prefix):
    """``count`` more civil servants in Phòng Luật Hành chính with two items each; every staff
    review of the unit's November then approved (written as rows: the queries are what counts)."""
    from tests.monitoring.test_dashboards import add_people

    people = add_people(year, count, code_prefix=prefix)
    WorkItem.objects.bulk_create(
        WorkItem(
            review=review,
            name="Việc",
            factor=Decimal(factor),
            origin="manager",
            state="accepted",
            due_on=date(2026, 11, 10),
            completed_on=date(2026, 11, 9),
        )
        for review in Review.objects.filter(period=year.november, person__in=people)
        for factor in ("1", "2.5")
    )
    Review.objects.filter(period=year.november, unit=year.world.units["VPL-P1"], is_leader=False).update(
        state=ReviewState.APPROVED, score_exact="80", score=Decimal(80)
    )


def _queries(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured.captured_queries)


def test_every_leaders_unit_part_of_a_period_takes_the_same_queries_for_3_or_30_staff(year):
    from django.utils import timezone

    from congtam.monitoring.models import GeneralRating

    head = _review(year, "truong_phong")
    WorkItem.objects.create(
        review=head,
        name="Việc",
        factor=Decimal(2),
        origin="manager",
        state="accepted",
        due_on=date(2026, 11, 10),
        completed_on=date(2026, 11, 9),
    )
    GeneralRating.objects.create(review=head, rater_role="manager", levels=GOOD, submitted_at=timezone.now())
    Review.objects.filter(pk=head.pk).update(state=ReviewState.APPROVED, score_exact="70", score=Decimal(70))
    period, phong = year.november, year.world.units["VPL-P1"].pk
    counts = []
    for added, prefix in ((1, "NA"), (27, "NB")):  # An and Bình, and 1 then 27 more: 3, then 30 staff
        _staff(year, added, prefix)
        part = leaders.unit_parts(period)[phong]
        assert part.ready and part.staff == Review.objects.filter(period=period, unit_id=phong, is_leader=False).count()
        counts.append(
            (
                part.staff,
                _queries(lambda: leaders.unit_parts(period)),
                _queries(lambda: cycles.period_check_scores(period)),
                _queries(lambda: leaders.unit_part_for(_review(year, "truong_phong"))),
            )
        )
    assert [count[0] for count in counts] == [3, 30]
    assert counts[0][1:] == counts[1][1:], counts
    assert counts[0][1] == 2
