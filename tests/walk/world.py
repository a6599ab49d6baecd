"""The world the walk visits: the demo agency (``congtam demo --size 100``: a year of monitoring
with closed months and an open one, two finished years, a year at calibration) and, added
through the services, the kinds of objects the demo does not create — evidence files and links,
an observation, an amendment, a year in progress with an adopted meeting and colleague feedback,
a criteria year with a self-assessment, an appeal, facts, a quota exception, an authority
override, source systems and jobs. Objects are taken inside and outside the demo logins' units,
so that every role meets objects it may see and objects it may not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

DEMO_SIZE = 100
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@dataclass
class World:
    """Plain values (ids, codes) of the objects the walk fills routes with: nothing here touches
    the database once built."""

    usernames: dict[str, str]
    password: str
    values: dict[str, list] = field(default_factory=dict)
    api_token: str = ""

    def add(self, kind: str, *items) -> None:
        bucket = self.values.setdefault(kind, [])
        for item in items:
            if item is not None and item not in bucket:
                bucket.append(item)

    def __getitem__(self, kind: str) -> list:
        return self.values.get(kind, [])


def _first(queryset):
    return queryset.order_by("pk").first()


def build_world() -> World:
    from django.core.management import call_command
    from django.utils import timezone

    from congtam.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD

    call_command("demo", size=DEMO_SIZE, stdout=_Quiet(), stderr=_Quiet())
    world = World(usernames={role: username for role, username, _who in DEMO_ACCOUNTS}, password=DEMO_PASSWORD)
    today = timezone.localdate()
    _add_monitoring(world, today)
    _add_yearend(world, today)
    _add_org_and_api(world)
    _add_jobs(world)
    _add_import_errors(world)
    _collect(world)
    return world


class _Quiet:
    def write(self, *args, **kwargs):
        pass

    def flush(self):
        pass


def _users():
    from congtam.accounts.models import Role, User

    return {user.role: user for user in User.objects.filter(role__in=Role.values).select_related("person__unit")}


# --- monitoring --------------------------------------------------------------------------------
def _add_monitoring(world: World, today: date) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from congtam.accounts.models import Role
    from congtam.monitoring import items, reviews
    from congtam.monitoring.models import Evidence, Period, Review, WorkItem

    users = _users()
    staff, manager, hr = users[Role.STAFF], users[Role.MANAGER], users[Role.HR]
    open_period = Period.objects.filter(state="open").order_by("-starts_on").first()
    review = Review.objects.get(period=open_period, person=staff.person)
    due = min(open_period.ends_on, max(open_period.starts_on, today))
    item = items.item_assign(
        actor=manager,
        review=review,
        due_on=due,
        name="Báo cáo thẩm tra (kiểm thử)",
        factor="1",
        ad_hoc_reason="Việc đột xuất",
    )
    items.evidence_add(
        actor=staff, item=item, upload=SimpleUploadedFile("Báo cáo thẩm tra.pdf", PDF), description="Bản trình ký"
    )
    items.evidence_add(actor=staff, item=item, link="https://vanban.quochoi.vn/van-ban/CV-2026-15")
    # Evidence kept from before links were checked: not a web address (the page names it, never
    # redirects to it).
    Evidence.objects.create(item=item, link="ftp://kho.quochoi.vn/CV-2026-15.pdf", description="Lưu trữ cũ")
    observed = max(open_period.starts_on, min(today, open_period.ends_on))
    reviews.observation_write(
        actor=manager,
        review=review,
        observed_on=observed,
        text="Chủ động phối hợp với các đơn vị khi thẩm tra dự án luật.",
    )
    # Evidence in a review of another unit, which the demo logins of Vụ Pháp luật may not open.
    other = (
        WorkItem.objects.filter(review__period=open_period)
        .exclude(review__person__unit=staff.person.unit)
        .exclude(review__person__unit__path__startswith=staff.person.unit.path)
        .order_by("pk")
        .first()
    )
    if other is not None:
        evidence = Evidence(item=other, original_name="bien-ban.pdf", size=len(PDF), content_type="application/pdf")
        evidence.file.save("bien-ban.pdf", SimpleUploadedFile("bien-ban.pdf", PDF), save=True)
    # A signed decision of an outside authority, recorded as approving another person's review.
    decided = Review.objects.exclude(person=staff.person).select_related("period", "person").order_by("pk").first()
    if decided is not None:
        from congtam.monitoring.models import OutsideDecision

        decision = OutsideDecision(
            person=decided.person,
            authority="Ủy ban Thường vụ Quốc hội",
            number="125/QĐ-UBTVQH15",
            signed_on=decided.period.starts_on,
            signer="Chủ tịch Quốc hội",
            original_name="quyet-dinh.pdf",
            size=len(PDF),
            content_type="application/pdf",
            recorded_by=hr,
        )
        decision.file.save("quyet-dinh.pdf", SimpleUploadedFile("quyet-dinh.pdf", PDF), save=True)
        Review.objects.filter(pk=decided.pk).update(outside_decision=decision)
    # HR corrects an approved review of a closed month.
    approved = (
        Review.objects.filter(person=staff.person, state="approved", items__isnull=False)
        .order_by("-period__starts_on")
        .first()
    )
    if approved is not None:
        item = approved.items.order_by("pk").first()
        reviews.review_amend(
            actor=hr,
            review=approved,
            reason="QĐ 12/QĐ-VPQH: sửa số lần không đạt",
            item_corrections={
                item.pk: {"quality_failures": 0, "objective_cause": False, "completed_on": item.completed_on}
            },
        )


# --- year end ----------------------------------------------------------------------------------
def _add_yearend(world: World, today: date) -> None:
    from congtam.accounts.models import Role
    from congtam.org.models import Category, Person, Unit
    from congtam.yearend import calibration, proposals, services
    from congtam.yearend.assessments.services import criteria_record
    from congtam.yearend.meetings import services as meetings
    from congtam.yearend.models import Appeal, Classification, Year

    users = _users()
    staff, manager, hr = users[Role.STAFF], users[Role.MANAGER], users[Role.HR]
    agency = staff.person.unit.agency
    root = list(Unit.objects.filter(agency=agency, parent__isnull=True))
    # This year's civil servants, under way: the engine's proposals, a meeting adopted in the demo
    # logins' division, colleague feedback open there, a fact and a quota exception.
    year = services.year_open(
        actor=hr, agency=agency, year=today.year, staff_group=Category.CONG_CHUC, policy_id="nd335", units=root
    )
    proposals.proposals_compute(actor=hr, year=year)
    division = staff.person.unit
    people = list(Person.objects.filter(unit=division, is_active=True).order_by("pk"))
    meeting = meetings.meeting_record(
        actor=manager,
        year=year,
        unit=division,
        date=today,
        place="Phòng họp 201",
        chair=manager.person,
        secretary=staff.person,
        agenda="Kiểm điểm, đánh giá, xếp loại năm",
        present=[person.pk for person in people],
    )
    for person in [person for person in people if person.pk != manager.person_id][:3]:  # not about oneself
        meeting.refresh_from_db()
        meetings.meeting_discussion_record(
            actor=manager,
            meeting=meeting,
            person=person,
            version=meeting.version,
            presentation="Hoàn thành nhiệm vụ được giao.",
            comments="Đồng ý.",
            proposed_level="HTTNV",
            vote_held=True,
            votes_for=len(people),
            votes_against=0,
            votes_abstain=0,
            party_committee_opinion="Chi bộ nhất trí.",
        )
    meeting.refresh_from_db()
    meetings.meeting_adopt(actor=manager, meeting=meeting, version=meeting.version)
    meetings.feedback_open(actor=hr, year=year, unit=division)
    subject = next(person for person in people if person.pk not in (staff.person_id, hr.person_id))
    services.fact_record(
        actor=hr, year=year, person=subject, kind="absence", document_reference="QĐ 5/QĐ-VPQH", months=Decimal(2)
    )
    group = Classification.objects.filter(year=year).values_list("group", flat=True).first()
    if group:
        calibration.quota_exception_record(
            actor=hr,
            year=year,
            group=group,
            decision_reference="QĐ 7/QĐ-VPQH",
            reason="Đơn vị hoàn thành xuất sắc nhiệm vụ chính trị",
        )
    # The criteria model of an earlier year, with the staff login's self-assessment.
    criteria = services.year_open(
        actor=hr,
        agency=agency,
        year=today.year - 3,
        staff_group=Category.CONG_CHUC,
        policy_id="nd90-cong-chuc",
        units=root,
    )
    criteria_record(
        actor=hr,
        year=criteria,
        person=staff.person,
        shared_criteria_met=True,
        completion_percent=100,
        exceeded_percent=0,
        short_percent=0,
        proposed_level="HTTNV",
        unit_results=None,
        report="Hoàn thành 100% nhiệm vụ được giao.",
    )
    # An appeal of last year's result, to the level above the approver.
    finished = Year.objects.filter(staff_group=Category.CONG_CHUC, year=today.year - 1).first()
    appealed = Classification.objects.filter(year=finished, person=staff.person).first()
    if appealed is not None:
        Appeal.objects.create(
            classification=appealed,
            reason="Xin xem xét lại mức xếp loại",
            deadline=today + timedelta(days=15),
            decider=users[Role.UNIT_HEAD].person,
        )


# --- organisation and API ------------------------------------------------------------------------
def _add_org_and_api(world: World) -> None:
    from congtam.accounts.models import Role
    from congtam.api.services import source_system_issue
    from congtam.org import services
    from congtam.org.models import Person, Unit

    users = _users()
    hr, staff = users[Role.HR], users[Role.STAFF]
    division = staff.person.unit
    colleague = (
        Person.objects.filter(unit=division, is_active=True)
        .exclude(pk__in=[staff.person_id, users[Role.MANAGER].person_id])
        .order_by("pk")
        .first()
    )
    services.authority_override_set(
        actor=hr,
        person=colleague,
        kind="evaluator",
        authority=users[Role.UNIT_HEAD].person,
        effective_from=date(2026, 1, 1),
        reason="QĐ 3/QĐ-VPQH",
    )
    _system, world.api_token = source_system_issue(
        actor=hr, name="Hệ thống giao việc", units=[division.parent or division]
    )
    elsewhere = Unit.objects.exclude(path__startswith=(division.parent or division).path).order_by("pk").first()
    revoked, _token = source_system_issue(actor=hr, name="Hệ thống văn bản (cũ)", units=[elsewhere])
    from congtam.api.services import source_system_revoke

    source_system_revoke(actor=hr, system=revoked, reason="Thay hệ thống")
    source_system_issue(actor=hr, name="Hệ thống một cửa", units=[elsewhere])
    _add_api_items(world, staff.person.staff_code)


def _add_api_items(world: World, staff_code: str) -> None:
    """Two work items sent by the task system, as it would: through the API (source ids the item
    routes are visited with, one with a slash as real document numbers have)."""
    import json

    from django.test import Client
    from django.utils import timezone

    period = timezone.localdate().strftime("%Y-%m")
    items = [
        {
            "source_id": source_id,
            "staff_code": staff_code,
            "period": period,
            "name": name,
            "factor": "1",
            "reason": "Giao theo văn bản của lãnh đạo",
            "due_on": timezone.localdate().isoformat(),
        }
        for source_id, name in (("CV/2026/15", "Soạn báo cáo tháng"), ("GV-WALK-2", "Rà soát hồ sơ"))
    ]
    response = Client().post(
        "/api/v1/work-items/batch",
        json.dumps({"items": items}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {world.api_token}",
    )
    assert response.status_code == 200, response.content.decode()[:2000]


def _add_jobs(world: World) -> None:
    from congtam.accounts.models import Role
    from congtam.jobs.models import Job
    from congtam.jobs.services import job_execute, job_fail, job_start
    from congtam.yearend.models import Year

    users = _users()
    hr = users[Role.HR]
    finished = Year.objects.filter(state="closed").order_by("-year").first()
    division = users[Role.STAFF].person.unit
    job = job_start(actor=hr, kind="yearend.forms_archive", params={"year_id": finished.pk, "unit_code": division.code})
    if Job.objects.get(pk=job.pk).state != "succeeded":
        job_execute(job_id=job.pk)
    # A job that failed, and one still waiting (its worker never came).
    failed = Job.objects.create(
        kind="yearend.forms_archive",
        label="Hồ sơ (lỗi)",
        params={"year_id": finished.pk, "unit_code": "KHONG-CO"},
        created_by=hr,
    )
    job_fail(job_id=failed.pk, error="Không tìm thấy đơn vị")
    Job.objects.create(
        kind="monitoring.close_period",
        label="Đóng kỳ (đang chờ)",
        params={"period_id": 0},
        created_by=users[Role.MANAGER],
    )


def _add_import_errors(world: World) -> None:
    """The kept error lists of two failed imports: HR's and a manager's (each may fetch only theirs)."""
    from congtam.accounts.models import Role
    from congtam.core.import_errors import error_listing
    from congtam.core.spreadsheets import ImportIssue

    users = _users()
    for role in (Role.HR, Role.MANAGER):
        listing = error_listing([ImportIssue("Nhân sự", 3, "Mã nhân sự", "Thiếu mã nhân sự.")], user=users[role])
        world.add("import_errors", listing.download_token)
    world.add("import_errors", "khong-co")


# --- what the walk fills routes with -------------------------------------------------------------
def _collect(world: World) -> None:
    """Ids and codes of each kind, a few inside the demo logins' units and a few outside."""
    from congtam.accounts.models import Role
    from congtam.api.models import SourceSystem
    from congtam.catalogue.models import CatalogueItem
    from congtam.jobs.models import Job
    from congtam.monitoring.models import Cycle, Evidence, Observation, Period, Review, WorkItem
    from congtam.org.models import AuthorityOverride, Person, Unit
    from congtam.yearend.models import Appeal, Classification, UnitMeeting, Year

    users = _users()
    staff = users[Role.STAFF].person
    mine = staff.unit
    department = mine.parent
    logins = [user.person for user in users.values() if user.person is not None]

    world.add(
        "unit",
        mine.code,
        department.code,
        *Unit.objects.filter(parent__isnull=True).values_list("code", flat=True),
        _first(Unit.objects.exclude(path__startswith=department.path)).code,
    )
    world.add(
        "person",
        *[person.staff_code for person in logins],
        _first(Person.objects.filter(unit=mine).exclude(pk__in=[p.pk for p in logins])).staff_code,
        _first(
            Person.objects.exclude(unit__path__startswith=department.path).exclude(pk__in=[p.pk for p in logins])
        ).staff_code,
    )
    for override in AuthorityOverride.objects.select_related("person"):
        world.add("override", {"staff_code": override.person.staff_code, "override_id": override.pk})

    positions = {staff.position.code, _first(Person.objects.exclude(position=staff.position)).position.code}
    world.add("position", *sorted(positions))
    for code in sorted(positions):
        item = _first(CatalogueItem.objects.filter(position__code=code, version_to__isnull=True))
        if item is not None:
            world.add("catalogue_item", {"code": code, "item_id": item.pk})
    retired = _first(CatalogueItem.objects.filter(version_to__isnull=False).select_related("position"))
    if retired is not None:
        world.add("catalogue_item", {"code": retired.position.code, "item_id": retired.pk})

    world.add("cycle", *Cycle.objects.order_by("pk").values_list("pk", flat=True))
    open_period = Period.objects.filter(state="open").order_by("-starts_on").first()
    closed_period = Period.objects.filter(state="closed", cycle=open_period.cycle).order_by("-starts_on").first()
    world.add("period", open_period.pk, closed_period.pk)
    world.add(
        "period_unit",
        *[
            {"period": period, "code": code}
            for period in (open_period.pk, closed_period.pk)
            for code in (mine.code, department.code, world["unit"][-1])
        ],
    )

    reviews = [
        Review.objects.get(period=open_period, person=staff),
        Review.objects.filter(period=open_period, person=users[Role.MANAGER].person).first(),
        _first(Review.objects.filter(period=open_period, person__unit=mine).exclude(person__in=[p.pk for p in logins])),
        _first(Review.objects.filter(person=staff, state="approved").exclude(period=open_period)),
        _first(Review.objects.filter(period=open_period).exclude(person__unit__path__startswith=department.path)),
        _first(Review.objects.filter(amendments__isnull=False)),
    ]
    reviews = [review for review in reviews if review is not None]
    world.add("review", *[review.pk for review in reviews])
    for review in reviews[:4]:
        item = review.items.order_by("-pk").first()
        if item is not None:
            world.add("review_item", {"pk": review.pk, "item_id": item.pk})
    for observation in Observation.objects.all():
        world.add("observation", {"pk": observation.review_id, "observation_id": observation.pk})
    world.add("evidence", *Evidence.objects.order_by("pk").values_list("pk", flat=True))
    from congtam.monitoring.models import OutsideDecision

    world.add("decision", *OutsideDecision.objects.order_by("pk").values_list("pk", flat=True))

    years = list(Year.objects.order_by("pk"))
    world.add("year", *[year.pk for year in years])
    world.add("year_unit", *[{"pk": year.pk, "code": code} for year in years for code in (mine.code, department.code)])
    world.add(
        "year_unit",
        *[{"pk": meeting.year_id, "code": meeting.unit.code} for meeting in UnitMeeting.objects.select_related("unit")],
    )
    world.add(
        "year_person",
        *[{"pk": year.pk, "staff_code": code} for year in years for code in world["person"][:1] + world["person"][-2:]],
    )
    classifications = [
        _first(Classification.objects.filter(person=staff, year__state="closed")),
        _first(Classification.objects.filter(person=staff).exclude(year__state="closed")),
        _first(
            Classification.objects.filter(person__unit=mine)
            .exclude(person__in=[p.pk for p in logins])
            .exclude(year__state="closed")
        ),
        _first(
            Classification.objects.exclude(person__unit__path__startswith=department.path).exclude(year__state="closed")
        ),
        _first(Classification.objects.filter(appeal__isnull=False)),
    ]
    world.add("classification", *[item.pk for item in classifications if item is not None])
    world.add("appeal", *Appeal.objects.order_by("pk").values_list("pk", flat=True))
    world.add("job", *[str(pk) for pk in Job.objects.order_by("created_at").values_list("pk", flat=True)])
    world.add("source_system", *SourceSystem.objects.order_by("pk").values_list("pk", flat=True))
    world.add(
        "source_id",
        *WorkItem.objects.exclude(source_id__isnull=True)
        .exclude(source_id="")
        .order_by("pk")
        .values_list("source_id", flat=True)[:2],
    )
    _collect_admin(world)


def _collect_admin(world: World) -> None:
    """For each model of the admin: its first and last rows (the admin's object pages)."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib import admin
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType

    from congtam.accounts.models import User

    # A row of each admin model the demo leaves empty: a group, a sign-in attempt, its logs.
    Group.objects.get_or_create(name="Tổ công tác")
    sign_in = {"user_agent": "Mozilla/5.0", "ip_address": "10.0.0.7", "username": "khach", "path_info": "/login/"}
    AccessAttempt.objects.create(**sign_in, get_data="", post_data="username=khach", failures_since_start=1)
    AccessLog.objects.create(**sign_in)
    AccessFailureLog.objects.create(**sign_in, locked_out=False)

    for model in admin.site._registry:
        label = f"{model._meta.app_label}_{model._meta.model_name}"
        pks = list(model._default_manager.order_by("pk").values_list("pk", flat=True)[:1])
        pks += list(model._default_manager.order_by("-pk").values_list("pk", flat=True)[:1])
        world.add(f"admin:{label}", *[str(pk) for pk in pks])
        if hasattr(model, "get_absolute_url") and pks:
            content_type = ContentType.objects.get_for_model(model)
            world.add("admin:view_on_site", {"content_type_id": content_type.pk, "object_id": str(pks[0])})
    # The user admin's password page is named after Django's own user model (auth_user).
    world.add("admin:auth_user", *[str(pk) for pk in User.objects.order_by("pk").values_list("pk", flat=True)[:1]])
    if not world["admin:view_on_site"]:  # no model links to a page of its own: the admin's answer to that
        world.add(
            "admin:view_on_site", {"content_type_id": ContentType.objects.get_for_model(User).pk, "object_id": "1"}
        )
