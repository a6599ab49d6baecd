"""Who may open what. Every named route must have a row in ROUTES: a test walks the URL
configuration and fails on a route nobody decided about."""

from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from congtam.accounts.models import Role
from congtam.audit.models import AuditEntry
from congtam.audit.selectors import AuditFilter, audit_entry_list
from congtam.core.permissions import Refused
from congtam.org import selectors
from congtam.org.models import AuthorityOverride

pytestmark = pytest.mark.django_db

EVERYONE = set(Role.values)
ORG_MANAGERS = {Role.HR, Role.ADMIN}


def _an_override(world):
    override = AuthorityOverride.objects.create(
        person=world.people["anh"],
        kind="evaluator",
        authority=world.people["pho_chu_nhiem"],
        effective_from=date(2026, 1, 1),
        reason="QĐ 3",
    )
    return {"staff_code": "NV040", "override_id": override.pk}


def _a_job_of_the_staff_member(world):
    from congtam.jobs.models import Job

    job = Job.objects.create(kind="tests.count_to", label="Đếm", created_by=world.users[Role.STAFF])
    return {"job_id": job.pk}


def _an_error_list_of_the_manager(world):
    from congtam.core.import_errors import error_listing
    from congtam.core.spreadsheets import ImportIssue

    listing = error_listing([ImportIssue("Công việc", 3, "Tên", "Thiếu tên.")], user=world.users[Role.MANAGER])
    return {"token": listing.download_token}


JOB_VIEWERS = {Role.STAFF, Role.HR, Role.ADMIN}  # the job's creator (the staff login), HR, the administrator


def _a_catalogue_item(world):
    from congtam.catalogue.services import catalogue_item_create

    item = catalogue_item_create(
        actor=None, position=world.positions["CV"], code="BC01", name="Báo cáo thẩm tra", factor="4"
    )
    return {"code": "CV", "item_id": item.pk}


def _binh_review(world):
    """A review of Đặng Thị Bình (no login): evaluated by the manager (son), approved by the unit
    head (lan); the staff login (an) is not part of it."""
    from congtam.monitoring import cycles
    from congtam.monitoring.models import Review

    cycle = cycles.cycle_open(
        actor=world.users[Role.HR],
        agency=world.agency,
        year=2026,
        frequency="monthly",
        staff_group="cong_chuc",
        policy_id="nd335",
        units=[world.units["VPL-P1"]],
    )
    cycles.reviews_open(cycle)
    return Review.objects.get(period__cycle=cycle, period__number=1, person=world.people["binh"])


def _a_review(world):
    return {"pk": _binh_review(world).pk}


def _an_evidence(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from congtam.monitoring.models import Evidence, WorkItem

    review = _binh_review(world)
    item = WorkItem.objects.create(
        review=review, name="Báo cáo", factor=1, origin="manager", due_on=review.period.ends_on
    )
    evidence = Evidence(item=item, original_name="bao-cao.pdf", size=9, content_type="application/pdf")
    evidence.file.save("bao-cao.pdf", SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4\n"), save=True)
    return {"pk": evidence.pk}


def _a_decision(world):
    """A signed decision recorded as approving Bình's review."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from congtam.monitoring.models import OutsideDecision, Review

    review = _binh_review(world)
    decision = OutsideDecision(
        person=review.person,
        authority="Ủy ban Thường vụ Quốc hội",
        number="1/QĐ",
        signed_on=review.period.starts_on,
        signer="Chủ tịch",
        original_name="qd.pdf",
        size=9,
        content_type="application/pdf",
        recorded_by=world.users[Role.HR],
    )
    decision.file.save("qd.pdf", SimpleUploadedFile("qd.pdf", b"%PDF-1.4\n"), save=True)
    Review.objects.filter(pk=review.pk).update(outside_decision=decision)
    return {"pk": decision.pk}


def _a_period_summary_job(world):
    """The summary of Bình's period, built in the background for HR."""
    from congtam.jobs.services import job_execute
    from congtam.monitoring.summaries.rows import SummaryScope
    from congtam.monitoring.summaries.services import summary_job_start

    review = _binh_review(world)
    scope = SummaryScope(period=review.period, unit=None)
    job = summary_job_start(actor=world.users[Role.HR], scope=scope, extension="xlsx")
    return {"job_id": job_execute(job_id=job.pk).pk}


def _a_source_system(world):
    from congtam.api.services import source_system_issue

    system, _token = source_system_issue(
        actor=world.users[Role.HR], name="Hệ thống giao việc", units=[world.units["VPL"]]
    )
    return {"system_id": system.pk}


def _a_year(world):
    from congtam.yearend.services import year_open

    return year_open(
        actor=world.users[Role.HR],
        agency=world.agency,
        year=2026,
        staff_group="cong_chuc",
        policy_id="nd335",
        units=[world.units["VPL"]],
    )


def _a_criteria_year(world):
    """The criteria model for the civil servants of VPL, as before 2026: the staff login writes a self-assessment."""
    from congtam.yearend.services import year_open

    return year_open(
        actor=world.users[Role.HR],
        agency=world.agency,
        year=2025,
        staff_group="cong_chuc",
        policy_id="nd90-cong-chuc",
        units=[world.units["VPL"]],
    )


def _an_classification(world):
    """Nguyễn Văn An's classification (the staff login), approved by Lan (the unit head)."""
    from congtam.yearend.models import Classification

    return Classification.objects.create(
        year=_a_year(world),
        person=world.people["an"],
        unit=world.units["VPL-P1"],
        group="CV",
        evaluator=world.people["truong_phong"],
        approver=world.people["vu_truong"],
        proposed_level="HTTNV",
        qualified_level="HTTNV",
    )


def _an_appeal(world):
    from datetime import date

    from congtam.yearend.models import Appeal

    appeal = Appeal.objects.create(
        classification=_an_classification(world),
        reason="Xin xem lại",
        deadline=date(2026, 12, 31),
        decider=world.people["chu_nhiem"],
    )
    return {"pk": appeal.pk}


def _an_archive_of_forms(world):
    """The archive of Vụ Pháp luật's forms, built by HR's job (its creator)."""
    from congtam.jobs.services import job_execute, job_start

    year_id = _an_classification(world).year_id
    job = job_start(
        actor=world.users[Role.HR], kind="yearend.forms_archive", params={"year_id": year_id, "unit_code": "VPL"}
    )
    return {"job_id": job_execute(job_id=job.pk).pk}


SUMMARY_READERS = {Role.HR, Role.ADMIN, Role.LEADERSHIP, Role.INSPECTOR}
YEAR_HEADS = {Role.HR, Role.ADMIN, Role.UNIT_HEAD, Role.MANAGER}  # HR, and the heads of VPL and VPL-P1
YEAR_READERS = YEAR_HEADS | {Role.INSPECTOR}  # and the inspector, who reads every year-end page


def _binh_in_a_feedback_round(world):
    """Colleague feedback open for VPL-P1: its people (An, the staff login; Sơn, the manager) may
    answer about Bình; nobody else."""
    from congtam.yearend.meetings.services import feedback_open

    year = _a_year(world)
    feedback_open(actor=world.users[Role.HR], year=year, unit=world.units["VPL-P1"])
    return {"pk": year.pk, "staff_code": "NV022"}


def _vpl_p1_meeting(world):
    return {"pk": _a_year(world).pk, "code": "VPL-P1"}


def _adopted_minutes(world):
    from congtam.yearend.meetings import services as meetings

    year = _a_year(world)
    people = world.people
    meeting = meetings.meeting_record(
        actor=world.users[Role.MANAGER],
        year=year,
        unit=world.units["VPL-P1"],
        date=date(2026, 1, 5),
        place="Phòng họp 201",
        chair=people["truong_phong"],
        secretary=people["an"],
        agenda="Kiểm điểm năm",
        present=[people["truong_phong"].pk, people["an"].pk, people["binh"].pk],
    )
    meeting.refresh_from_db()
    meetings.meeting_discussion_record(
        actor=world.users[Role.MANAGER],
        meeting=meeting,
        person=people["binh"],
        version=meeting.version,
        presentation="Hoàn thành nhiệm vụ.",
        comments="",
        proposed_level="HTTNV",
        vote_held=False,
        votes_for=None,
        votes_against=None,
        votes_abstain=None,
        party_committee_opinion="",
    )
    meeting.refresh_from_db()
    meetings.meeting_adopt(actor=world.users[Role.MANAGER], meeting=meeting, version=meeting.version)
    return {"pk": year.pk, "code": "VPL-P1"}


ITEM_IMPORTERS = {
    Role.HR,
    Role.ADMIN,
    Role.MANAGER,
    Role.UNIT_HEAD,
    Role.LEADERSHIP,
}  # HR, and evaluators for their people


REVIEW_SEERS = EVERYONE - {Role.STAFF}
REVIEW_PARTIES = {Role.MANAGER, Role.UNIT_HEAD}

# route name -> (kwargs, or a function of the world giving them; roles allowed). Others get 403
# (the admin: a redirect to its login).
ROUTES = {
    "home": ({}, EVERYONE),
    "org:unit_tree": ({}, EVERYONE),
    "org:unit_detail": ({"code": "VPL-P1"}, EVERYONE),
    "org:person_search": ({}, EVERYONE),
    "org:my_people": ({}, EVERYONE),
    "org:person_detail": ({"staff_code": "NV021"}, EVERYONE),
    "org:authority_override": ({"staff_code": "NV021"}, ORG_MANAGERS),
    "org:authority_override_end": (_an_override, ORG_MANAGERS),
    "org:authority_problems": ({}, {Role.HR, Role.ADMIN, Role.LEADERSHIP}),
    "org:import": ({}, ORG_MANAGERS),
    "org:import_template": ({}, ORG_MANAGERS),
    "org:export": ({}, ORG_MANAGERS),
    "catalogue:positions": ({}, EVERYONE),
    "catalogue:position": ({"code": "CV"}, EVERYONE),
    "catalogue:item_create": ({"code": "CV"}, ORG_MANAGERS),
    "catalogue:item_update": (_a_catalogue_item, ORG_MANAGERS),
    "catalogue:item_retire": (_a_catalogue_item, ORG_MANAGERS),
    "catalogue:import": ({}, ORG_MANAGERS),
    "catalogue:import_template": ({}, ORG_MANAGERS),
    "catalogue:export": ({}, ORG_MANAGERS),
    "audit:log": ({}, {Role.INSPECTOR, Role.ADMIN}),
    "admin:index": ({}, ORG_MANAGERS),
    "monitoring:review": (_a_review, REVIEW_SEERS),
    "monitoring:cycles": ({}, EVERYONE),
    "monitoring:cycle_open": ({}, ORG_MANAGERS),
    "monitoring:cycle": (lambda world: {"pk": _binh_review(world).period.cycle_id}, EVERYONE),
    "monitoring:my_reviews": ({}, EVERYONE),
    "monitoring:evidence": (_an_evidence, REVIEW_SEERS - {Role.LEADERSHIP}),
    "monitoring:decision": (_a_decision, REVIEW_SEERS - {Role.LEADERSHIP}),
    "monitoring:todo": ({}, EVERYONE),
    "monitoring:my_scores": ({}, EVERYONE),
    "monitoring:unit_period": (lambda world: {"period": _binh_review(world).period_id, "code": "VPL-P1"}, REVIEW_SEERS),
    "monitoring:completion": ({}, {Role.HR, Role.ADMIN, Role.LEADERSHIP, Role.INSPECTOR}),
    # Period summaries: the agency's for HR, the leadership and the inspector; a unit's also for the
    # heads of the unit (Sơn) and of the units above it (Lan). The score sheet: as the evidence.
    "monitoring:period_summary": (
        lambda world: {"period": _binh_review(world).period_id, "extension": "xlsx"},
        SUMMARY_READERS,
    ),
    "monitoring:unit_summary": (
        lambda world: {"period": _binh_review(world).period_id, "code": "VPL-P1", "extension": "pdf"},
        SUMMARY_READERS | {Role.UNIT_HEAD, Role.MANAGER},
    ),
    "monitoring:summary_download": (_a_period_summary_job, ORG_MANAGERS),  # its creator (HR), HR, the admin
    "monitoring:score_sheet": (_a_review, REVIEW_SEERS - {Role.LEADERSHIP}),
    "jobs:list": ({}, EVERYONE),
    "jobs:detail": (_a_job_of_the_staff_member, JOB_VIEWERS),
    "core:import_errors": (_an_error_list_of_the_manager, {Role.MANAGER}),  # the one who imported
    "jobs:progress": (_a_job_of_the_staff_member, JOB_VIEWERS),
    "notifications:list": ({}, EVERYONE),
    "api:system_list": ({}, ORG_MANAGERS),
    "api:system_issue": ({}, ORG_MANAGERS),
    "api:system_revoke": (_a_source_system, ORG_MANAGERS),
    "api:item_import": ({}, ITEM_IMPORTERS),
    "api:item_import_template": ({}, ITEM_IMPORTERS),
    "yearend:years": ({}, EVERYONE),
    "yearend:year_open": ({}, ORG_MANAGERS),
    "yearend:appeals": ({}, EVERYONE),
    "yearend:year": (lambda world: {"pk": _a_year(world).pk}, ORG_MANAGERS | {Role.INSPECTOR}),
    "yearend:calibration": (lambda world: {"pk": _a_year(world).pk, "code": "VPL-P1"}, YEAR_READERS),
    # Facts of An: HR, the competent authority (Lan) and An himself; nobody else.
    "yearend:facts": (
        lambda world: {"pk": _a_year(world).pk, "staff_code": "NV021"},
        {Role.HR, Role.ADMIN, Role.UNIT_HEAD, Role.STAFF},
    ),
    "yearend:approval": (lambda world: {"pk": _a_year(world).pk}, EVERYONE),
    "yearend:my_result": (lambda world: {"pk": _a_year(world).pk}, EVERYONE),
    "yearend:public_list": (lambda world: {"pk": _a_year(world).pk}, EVERYONE),
    # The minutes of VPL-P1: HR, the heads of VPL and VPL-P1, and its people (An).
    "yearend:meeting": (_vpl_p1_meeting, YEAR_READERS | {Role.STAFF}),
    "yearend:meeting_minutes": (_adopted_minutes, YEAR_READERS | {Role.STAFF}),
    "yearend:unit_feedback": (_vpl_p1_meeting, YEAR_READERS),
    # One's own: the civil servants of VPL with a login (the staff member and the two heads).
    "yearend:self_assessment": (
        lambda world: {"pk": _a_criteria_year(world).pk},
        {Role.STAFF, Role.MANAGER, Role.UNIT_HEAD},
    ),
    "yearend:self_assessment_for": (
        lambda world: {"pk": _a_criteria_year(world).pk, "staff_code": "NV021"},
        YEAR_READERS | {Role.STAFF},
    ),  # NV021 is the staff login's own
    "yearend:self_assessments": (lambda world: {"pk": _a_criteria_year(world).pk}, ORG_MANAGERS | {Role.INSPECTOR}),
    "yearend:my_feedback": (lambda world: {"pk": _a_year(world).pk}, EVERYONE),
    "yearend:feedback_answer": (_binh_in_a_feedback_round, {Role.STAFF, Role.MANAGER}),
    # An's evaluation form: An, his evaluator (Sơn), his approver (Lan), HR, the admin; the inspector reads.
    "yearend:form_download": (
        lambda world: {"pk": _an_classification(world).pk, "extension": "pdf"},
        {Role.STAFF, Role.MANAGER, Role.UNIT_HEAD, Role.HR, Role.ADMIN, Role.INSPECTOR},
    ),
    "yearend:exports": (lambda world: {"pk": _a_year(world).pk}, SUMMARY_READERS),
    "yearend:agency_summary": (lambda world: {"pk": _a_year(world).pk}, SUMMARY_READERS),
    # A unit's summary: also the heads of the unit (Sơn) and of the units above it (Lan).
    "yearend:unit_summary": (
        lambda world: {"pk": _a_year(world).pk, "code": "VPL-P1"},
        SUMMARY_READERS | {Role.UNIT_HEAD, Role.MANAGER},
    ),
    "yearend:forms_archive_download": (_an_archive_of_forms, ORG_MANAGERS),  # its creator (HR), HR, the admin
    # Reports: HR, the admin, the leadership, the inspector; a head for the unit and the units below it.
    "yearend:reports": ({}, SUMMARY_READERS | {Role.UNIT_HEAD, Role.MANAGER}),
    "yearend:reports_xlsx": ({}, SUMMARY_READERS | {Role.UNIT_HEAD, Role.MANAGER}),
    "yearend:talent": ({}, SUMMARY_READERS),  # names and scores: not the heads
}


# Actions (POST only): route name -> (kwargs of the URL, roles that are a party to it). Every other
# role gets 403 before its input is read — HR and the inspector included.
def _review_kwargs(**extra):
    return lambda world: {"pk": _binh_review(world).pk, **extra}


POST_ROUTES = {
    "monitoring:plan_item": (_review_kwargs(kind="assign"), {Role.MANAGER}),
    "monitoring:item_action": (_review_kwargs(item_id=1, action="check"), REVIEW_PARTIES),
    "monitoring:evidence_add": (_review_kwargs(item_id=1), set()),
    "monitoring:acknowledge": (_review_kwargs(), set()),
    "monitoring:rating": (_review_kwargs(role="manager"), {Role.MANAGER}),
    "monitoring:observation": (_review_kwargs(), {Role.MANAGER}),
    "monitoring:observation_answer": (_review_kwargs(observation_id=1), set()),
    "monitoring:score_preview": (_review_kwargs(), {Role.MANAGER}),
    "monitoring:review_action": (_review_kwargs(action="approve"), {Role.UNIT_HEAD}),
    "monitoring:period_close": (lambda world: {"pk": _binh_review(world).period_id}, ORG_MANAGERS),
    "monitoring:amend": (_review_kwargs(), ORG_MANAGERS),
    "monitoring:decision_record": (_review_kwargs(), ORG_MANAGERS),
    # Anyone may post; only an agency open to the poster becomes their current one (tested apart).
    "org:agency_choose": (lambda world: {}, EVERYONE),
    # Anyone may post; only the reviews awaiting the poster's own approval are approved (tested apart).
    "monitoring:approve_unit": (lambda world: {"period": _binh_review(world).period_id, "code": "VPL-P1"}, EVERYONE),
    "monitoring:summary_start": (lambda world: {"period": _binh_review(world).period_id}, SUMMARY_READERS),
    "yearend:year_action": (lambda world: {"pk": _a_year(world).pk, "action": "propose"}, ORG_MANAGERS),
    "yearend:quota_exception": (lambda world: {"pk": _a_year(world).pk}, ORG_MANAGERS),
    # Anyone may post; only the levels awaiting the poster's own approval are approved (tested apart).
    "yearend:approve_unit": (lambda world: {"pk": _a_year(world).pk, "code": "VPL-P1"}, EVERYONE),
    "yearend:level_change": (lambda world: {"pk": _an_classification(world).pk}, ORG_MANAGERS),
    "yearend:group_set": (lambda world: {"pk": _an_classification(world).pk}, ORG_MANAGERS),
    "yearend:amend": (lambda world: {"pk": _an_classification(world).pk}, ORG_MANAGERS),
    "yearend:approve": (lambda world: {"pk": _an_classification(world).pk}, {Role.UNIT_HEAD}),
    "yearend:approve_by_decision": (lambda world: {"pk": _an_classification(world).pk}, ORG_MANAGERS),
    "yearend:acknowledge": (lambda world: {"pk": _an_classification(world).pk}, {Role.STAFF}),
    "yearend:meeting_record": (_vpl_p1_meeting, YEAR_HEADS),
    "yearend:meeting_discussion": (_vpl_p1_meeting, YEAR_HEADS),
    "yearend:meeting_adopt": (_vpl_p1_meeting, YEAR_HEADS),
    "yearend:meeting_amend": (_vpl_p1_meeting, YEAR_HEADS),
    "yearend:feedback_open": (_vpl_p1_meeting, ORG_MANAGERS),
    "yearend:feedback_close": (_vpl_p1_meeting, ORG_MANAGERS),
    "yearend:appeal": (lambda world: {"pk": _an_classification(world).pk}, {Role.STAFF}),
    "yearend:appeal_decide": (_an_appeal, set()),  # the level above Lan (the agency's head) has no login here
    "yearend:forms_archive_start": (lambda world: {"pk": _a_year(world).pk}, ORG_MANAGERS),
}

# Routes every visitor may open, signed in or not. The API's description is public; its data
# routes answer a source system's token only, never a session (tests/api/test_access.py).
PUBLIC = {"login", "set_language", "logout"}
API_ROUTES = {
    "api:schema",
    "api:work_items_batch",
    "api:work_items",
    "api:work_item",
    "api:work_item_completion",
    "api:work_item_documents",
    "api:period_scores",
}
PUBLIC |= API_ROUTES


def _named_routes(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                yield "admin:index"
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_routes(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def _kwargs(route, world):
    kwargs, allowed = ROUTES[route]
    return (kwargs(world) if callable(kwargs) else kwargs), allowed


def test_every_route_has_a_permission_entry():
    missing = set(_named_routes()) - set(ROUTES) - set(POST_ROUTES) - PUBLIC
    assert not missing, f"Routes without an entry in the permission table: {sorted(missing)}"


@pytest.mark.parametrize("route", sorted(ROUTES))
@pytest.mark.parametrize("role", sorted(Role.values))
def test_role_access(client_as, world, route, role):
    kwargs, allowed = _kwargs(route, world)
    response = client_as(role).get(reverse(route, kwargs=kwargs))
    if role in allowed:
        assert response.status_code in (200, 302), response.status_code
        if route == "home" and role == Role.ADMIN:
            assert response.url == reverse("org:unit_tree")
        else:
            assert response.status_code == 200
    elif route == "admin:index":
        assert response.status_code == 302 and "/admin/login/" in response.url
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_anonymous_is_sent_to_sign_in(client, world, route):
    kwargs, _ = _kwargs(route, world)
    response = client.get(reverse(route, kwargs=kwargs))
    assert response.status_code == 302
    assert "/login/" in response.url


def test_only_org_managers_may_post_an_override(client_as, world):
    for role in EVERYONE - ORG_MANAGERS:
        response = client_as(role).post(
            reverse("org:authority_override", kwargs={"staff_code": "NV040"}),
            {"kind": "evaluator", "authority_code": "NV002", "effective_from": "01/01/2026", "reason": "x"},
        )
        assert response.status_code == 403
    assert not world.people["anh"].authority_overrides.exists()


# --- sensitive personal data ------------------------------------------------------------------
SENSITIVE_SEEN_BY = {Role.STAFF, Role.HR, Role.ADMIN}  # the staff login is the person (an)


@pytest.mark.parametrize("role", sorted(Role.values))
def test_sensitive_data_on_the_person_page(client_as, world, role):
    response = client_as(role).get(reverse("org:person_detail", kwargs={"staff_code": "NV021"}))
    content = response.content.decode()
    shown = role in SENSITIVE_SEEN_BY
    assert ("Tày" in content) is shown
    assert ("02/03/1990" in content) is shown
    assert ('data-testid="sensitive"' in content) is shown


def test_a_read_of_sensitive_data_by_someone_else_is_audited(client_as, world):
    client_as(Role.HR).get(reverse("org:person_detail", kwargs={"staff_code": "NV021"}))
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.event == "privacy.person.sensitive_viewed"
    assert entry.actor_label == "hoa"
    assert entry.subject_id == str(world.people["an"].pk)


def test_reading_ones_own_record_or_without_sensitive_data_is_not_logged(client_as, world):
    before = AuditEntry.objects.count()
    client_as(Role.STAFF).get(reverse("org:person_detail", kwargs={"staff_code": "NV021"}))
    client_as(Role.MANAGER).get(reverse("org:person_detail", kwargs={"staff_code": "NV021"}))
    assert AuditEntry.objects.count() == before


def test_directory_lists_never_load_sensitive_columns(world):
    people = list(selectors.unit_people(viewer=world.users[Role.MANAGER], unit=world.units["VPL-P1"]))
    assert people
    for person in people:
        assert {"birth_date", "ethnicity", "gender"} <= person.get_deferred_fields()


@pytest.mark.parametrize("role", sorted(EVERYONE - {Role.INSPECTOR, Role.ADMIN}))
def test_audit_selector_refuses_other_roles(world, role):
    with pytest.raises(Refused):
        audit_entry_list(viewer=world.users[role], filters=AuditFilter())


@pytest.mark.parametrize("role", sorted(EVERYONE - {Role.HR, Role.ADMIN, Role.LEADERSHIP}))
def test_authority_report_selector_refuses_other_roles(world, role):
    with pytest.raises(Refused):
        selectors.authority_problems(viewer=world.users[role], agency=world.agency)


def test_selectors_refuse_anonymous(world):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(Refused):
        selectors.unit_tree(viewer=AnonymousUser(), agency=world.agency)


@pytest.mark.parametrize("route", sorted(POST_ROUTES))
@pytest.mark.parametrize("role", sorted(Role.values))
def test_action_access(client_as, world, route, role):
    make_kwargs, parties = POST_ROUTES[route]
    url = reverse(route, kwargs=make_kwargs(world))
    client = client_as(role)
    assert client.get(url).status_code == 405
    status = client.post(url, {}).status_code
    if role in parties:
        assert status != 403, status
    else:
        assert status == 403, status
