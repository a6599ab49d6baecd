"""The job pages: the list, one job with its polled progress bar, restarting."""

import re

import pytest
from django.urls import reverse

from congtam.accounts.models import Role
from congtam.jobs import services
from congtam.jobs.models import Job, JobState

pytestmark = pytest.mark.django_db


def _job(world, role=Role.STAFF, **extra):
    return Job.objects.create(
        kind="tests.count_to", label="Mở kỳ đánh giá tháng 01/2026", created_by=world.users[role], **extra
    )


def test_a_running_job_polls_its_progress_every_second(client_as, world):
    job = _job(world)
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, done=250, total=1000)
    page = client_as(Role.STAFF).get(reverse("jobs:detail", kwargs={"job_id": job.pk})).content.decode()
    assert "Mở kỳ đánh giá tháng 01/2026" in page
    fragment = re.search(r'<div id="job-progress"[^>]*>', page).group(0)
    assert 'hx-trigger="every 1s"' in fragment
    assert f'hx-get="/jobs/{job.pk}/progress/"' in fragment
    assert '<progress value="250" max="1000"' in page
    assert "250 / 1000 (25%)" in page or "250 trên 1000 (25%)" in page


def test_the_fragment_stops_polling_once_the_job_has_finished_and_links_the_result(
    client_as, world, kinds, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_start(actor=world.users[Role.STAFF], kind="tests.count_to", params={"n": 3})
    client = client_as(Role.STAFF)
    fragment = client.get(reverse("jobs:progress", kwargs={"job_id": job.pk}), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment
    assert 'data-state="succeeded"' in fragment
    assert 'href="/org/units/?counted=3"' in fragment


def test_a_result_url_to_another_site_is_not_linked(client_as, world):
    job = _job(world, result={"url": "https://example.com/"})
    Job.objects.filter(pk=job.pk).update(state=JobState.SUCCEEDED)
    page = client_as(Role.STAFF).get(reverse("jobs:detail", kwargs={"job_id": job.pk})).content.decode()
    assert "example.com" not in page


def test_a_failed_job_shows_its_error_and_its_creator_restarts_it(
    client_as, world, kinds, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_start(
            actor=world.users[Role.STAFF], kind="tests.count_to", params={"n": 20, "batch": 10, "fail_at": 12}
        )
    client = client_as(Role.STAFF)
    url = reverse("jobs:detail", kwargs={"job_id": job.pk})
    page = client.get(url).content.decode()
    assert 'data-testid="job-error"' in page and "Restart the job" not in page  # Vietnamese first
    assert "Chạy lại" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302 and response.url == url
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED


def test_the_inspector_sees_no_restart_button_and_cannot_post_one(
    client_as, world, kinds, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_start(
            actor=world.users[Role.STAFF], kind="tests.count_to", params={"n": 20, "batch": 10, "fail_at": 12}
        )
    response = client_as(Role.INSPECTOR).post(reverse("jobs:detail", kwargs={"job_id": job.pk}))
    assert response.status_code == 403
    job.refresh_from_db()
    assert job.state == JobState.FAILED


@pytest.mark.parametrize("role", [Role.MANAGER, Role.UNIT_HEAD, Role.LEADERSHIP, Role.INSPECTOR])
def test_someone_elses_job_is_refused(client_as, world, role):
    job = _job(world)
    client = client_as(role)
    for name in ("jobs:detail", "jobs:progress"):
        assert client.get(reverse(name, kwargs={"job_id": job.pk})).status_code == 403
    assert client.post(reverse("jobs:detail", kwargs={"job_id": job.pk})).status_code == 403


def test_an_unknown_job_is_not_found(client_as, world):
    import uuid

    assert client_as(Role.HR).get(reverse("jobs:detail", kwargs={"job_id": uuid.uuid4()})).status_code == 404


def test_the_list_shows_ones_own_jobs_and_hr_sees_everyones(client_as, world):
    _job(world, Role.STAFF, key="mine")
    Job.objects.create(kind="tests.count_to", label="Công việc của trưởng phòng", created_by=world.users[Role.MANAGER])
    staff_page = client_as(Role.STAFF).get(reverse("jobs:list")).content.decode()
    assert "Mở kỳ đánh giá tháng 01/2026" in staff_page and "Công việc của trưởng phòng" not in staff_page
    hr_page = client_as(Role.HR).get(reverse("jobs:list")).content.decode()
    assert "Mở kỳ đánh giá tháng 01/2026" in hr_page and "Công việc của trưởng phòng" in hr_page


def test_the_list_takes_the_same_number_of_queries_for_few_and_many_jobs(client_as, world, count_queries):
    client = client_as(Role.HR)
    for role in (Role.STAFF, Role.MANAGER):
        _job(world, role)

    def queries():
        with count_queries() as counter:
            assert client.get(reverse("jobs:list")).status_code == 200
        return counter

    few = queries()
    for index in range(30):
        _job(world, [Role.STAFF, Role.MANAGER, Role.UNIT_HEAD][index % 3])
    many = queries()
    assert len(few) == len(many), many.report()
