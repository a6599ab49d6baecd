"""Nobody decides on their own record (issue 11, failure 13: HR changed its own year-end level).

One table over every service that decides on a person — levels, groups, facts, approvals, appeals,
amendments, the meeting's minutes, authority overrides, the staff record — each called by someone
holding the authority for it, on their own record, and refused. The law lets a person act on
their own record only to assess themselves, acknowledge their result and appeal it: those are
checked below to stay open."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from congtam.accounts.models import Role
from congtam.monitoring import items, reviews
from congtam.monitoring.models import Review
from congtam.org import services as org
from congtam.org.models import AuthorityKind, UnitRole
from congtam.yearend import appeals, approval, calibration, proposals, services
from congtam.yearend.meetings import services as meetings
from congtam.yearend.models import Appeal, Fact
from tests.factories import make_user
from tests.yearend.conftest import approve_scores
from tests.yearend.test_meetings import discussion, record

pytestmark = pytest.mark.django_db

REFUSAL = "Nobody decides on their own record"


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def hr_self(year_end):
    """An officer of the personnel department whose own record (Đặng Thị Bình's) is in the year."""
    approve_scores(year_end.cycle, year_end.person("binh"), [92, 88, 90, 89])
    proposals.proposals_compute(actor=year_end.user(Role.HR), year=year_end.year)
    return make_user("binh_hr", role=Role.HR, person=year_end.person("binh"))


def _fact(year_end, person):
    return services.fact_record(
        actor=year_end.user(Role.HR),
        year=year_end.year,
        person=person,
        kind="discipline",
        document_reference="QĐ 12/QĐ-VPQH",
        discipline_measure="khien_trach",
        decision_number="12/QĐ-VPQH",
        decision_date=date(2026, 6, 1),
        violation="Vi phạm quy chế",
        already_counted=False,
    )


def _override(year_end, person):
    return org.authority_override_set(
        actor=year_end.user(Role.HR),
        person=person,
        kind=AuthorityKind.EVALUATOR,
        authority=year_end.person("vu_truong"),
        effective_from=date(2026, 7, 1),
        reason="Quyết định 5/QĐ",
    )


def _meeting(year_end):
    return record(year_end, present=("truong_phong", "an", "binh"))


def _review(year_end, person):
    return Review.objects.filter(period__cycle=year_end.cycle, person=person).first()


# Each case: (what, call(year_end, actor, person)).
DECISIONS = [
    (
        "a year-end level (calibration)",
        lambda y, actor, person: calibration.level_change(
            actor=actor,
            classification=y.classification("binh"),
            expected_version=y.classification("binh").version,
            level="HTXSNV",
            reason="Tự nâng mức",
        ),
    ),
    (
        "a year-end group",
        lambda y, actor, person: calibration.group_set(
            actor=actor,
            classification=y.classification("binh"),
            expected_version=y.classification("binh").version,
            group="LD",
            reason="Tự chuyển nhóm",
        ),
    ),
    (
        "a year-end approval",
        lambda y, actor, person: approval.approve(
            actor=actor, classification=y.classification("binh"), expected_version=y.classification("binh").version
        ),
    ),
    (
        "an appeal's decision",
        lambda y, actor, person: appeals.appeal_decide(
            actor=actor,
            appeal=Appeal(classification=y.classification("binh")),
            expected_version=y.classification("binh").version,
            decision="upheld",
            reason="Giữ nguyên",
        ),
    ),
    (
        "an amendment after closing",
        lambda y, actor, person: calibration.amend_after_close(
            actor=actor,
            classification=y.classification("binh"),
            expected_version=y.classification("binh").version,
            level="HTXSNV",
            reason="Sửa",
        ),
    ),
    (
        "a fact recorded",
        lambda y, actor, person: services.fact_record(
            actor=actor, year=y.year, person=person, kind="absence", document_reference="Đơn", months=Decimal(1)
        ),
    ),
    (
        "a fact withdrawn",
        lambda y, actor, person: services.fact_remove(actor=actor, fact=_fact(y, person), reason="Nhầm"),
    ),
    (
        "the minutes about oneself",
        lambda y, actor, person: meetings.meeting_discussion_record(
            actor=actor, meeting=_meeting(y), person=person, **discussion()
        ),
    ),
    (
        "an amendment of the minutes about oneself",
        lambda y, actor, person: meetings.meeting_amend(
            actor=actor, meeting=_meeting(y), person=person, reason="Sửa", **discussion()
        ),
    ),
    (
        "a locked review's amendment",
        lambda y, actor, person: reviews.review_amend(actor=actor, review=_review(y, person), reason="Sửa điểm"),
    ),
    (
        "one's own evaluator",
        lambda y, actor, person: org.authority_override_set(
            actor=actor,
            person=person,
            kind=AuthorityKind.APPROVER,
            authority=y.person("vu_truong"),
            effective_from=date(2026, 7, 1),
            reason="Tự chọn",
        ),
    ),
    (
        "the end of an authority decision",
        lambda y, actor, person: org.authority_override_end(
            actor=actor, override=_override(y, person), on=date(2026, 8, 1), reason="Kết thúc"
        ),
    ),
    (
        "one's own staff record",
        lambda y, actor, person: org.person_update(
            actor=actor, person=person, expected_version=person.version, full_name="Đặng Thị Bình An"
        ),
    ),
    (
        "one's own transfer",
        lambda y, actor, person: org.person_transfer(
            actor=actor,
            person=person,
            expected_version=person.version,
            unit=y.world.units["VPL"],
            on=date(2026, 12, 1),
            reason="QĐ 9",
            unit_role=UnitRole.MEMBER,
        ),
    ),
]


@pytest.mark.parametrize("what, decide", DECISIONS, ids=[what for what, _decide in DECISIONS])
def test_nobody_decides_on_their_own_record(year_end, hr_self, what, decide):
    person = year_end.person("binh")
    with pytest.raises(PermissionDenied, match=REFUSAL):
        decide(year_end, hr_self, person)


def test_the_refusal_is_said_in_vietnamese(year_end, hr_self):
    from django.utils import translation

    with translation.override("vi"), pytest.raises(PermissionDenied) as refused:
        org.person_update(actor=hr_self, person=year_end.person("binh"), expected_version=1, full_name="Bình")
    assert "hồ sơ của chính mình" in str(refused.value)


def test_the_same_decisions_on_a_colleague_are_not_refused_as_ones_own(year_end, hr_self):
    """The guard refuses one's own record only: the same officer records a colleague's fact."""
    fact = services.fact_record(
        actor=hr_self,
        year=year_end.year,
        person=year_end.person("an"),
        kind="absence",
        document_reference="Đơn",
        months=Decimal(1),
    )
    assert Fact.objects.filter(pk=fact.pk, person=year_end.person("an")).exists()


def test_the_person_still_acts_where_the_law_lets_them(year_end):
    """Acknowledging one's own plan and reporting one's own work are the person's acts, not refused."""
    an, review = year_end.user(Role.STAFF), _review(year_end, year_end.person("an"))
    items.item_assign(
        actor=year_end.user(Role.MANAGER),
        review=review,
        due_on=review.period.ends_on,
        name="Báo cáo chuyên đề",
        factor="1",
        ad_hoc_reason="Việc phát sinh",
    )
    review.refresh_from_db()
    items.plan_acknowledge(actor=an, review=review, expected_version=review.version)
    review.refresh_from_db()
    assert review.state == "in_progress"


def test_the_calibration_page_offers_no_change_of_ones_own_level(year_end, hr_self, client):
    from django.urls import reverse

    from congtam.yearend.models import Year

    approve_scores(year_end.cycle, year_end.person("an"), [85, 85, 85, 85])
    proposals.proposals_compute(actor=year_end.user(Role.HR), year=year_end.year)
    Year.objects.filter(pk=year_end.year.pk).update(state="calibrating")
    client.force_login(hr_self)
    page = client.get(
        reverse("yearend:calibration", kwargs={"pk": year_end.year.pk, "code": "VPL-P1"})
    ).content.decode()
    assert 'data-testid="level-form-NV021"' in page  # a colleague's level: the form is there
    assert 'data-testid="level-form-NV022"' not in page and 'data-testid="group-form-NV022"' not in page
