"""Year-end classification for the demo agency: two finished years and one at the calibration
step, so that every year-end page, the reports included, has real content.

- The finished years (the year before last and last year, civil servants, points model): the
  twelve months of monitoring of each are written as history (see :mod:`congtam.demo.months`),
  the year is opened and the engine proposes every level through the services; the approvals, the
  announcement, the acknowledgements and the closing are then written as the record of what
  happened (one audit entry says so), as an import of past results would be. Two years running
  give the reports a year on year, and the talent list the people HTXSNV in both.
- The year at calibration (this year, public employees, criteria model): opened, each person's
  self-assessment recorded through the services, the engine's proposals computed; HR and the
  heads can calibrate, approve and announce it with the demo logins.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from congtam.accounts.models import Role, User
from congtam.audit.services import audit_record
from congtam.demo.months import demo_history_year
from congtam.org.models import Category, Person, Unit, UnitRole
from congtam.yearend import approval, events, proposals, services
from congtam.yearend.assessments.services import criteria_record
from congtam.yearend.models import Classification, ClassificationState, Year, YearState


@dataclass(frozen=True, slots=True)
class DemoYearEnd:
    finished_year_id: int
    finished_people: int
    calibrating_year_id: int
    calibrating_people: int
    earlier_year_id: int | None = None


def _demo_report(person: Person, completion: int, exceeded: int) -> str:
    """A short written self-assessment in the words a public employee would use."""
    text = (
        f"Trong năm, tôi thực hiện các nhiệm vụ được giao theo vị trí việc làm tại {person.unit.name}. "
        f"Hoàn thành {completion}% nhiệm vụ được giao"
    )
    if exceeded:
        text += f", trong đó {exceeded}% vượt mức về thời hạn hoặc chất lượng"
    text += ". Minh chứng: các văn bản, báo cáo đã trình và được lãnh đạo đơn vị phê duyệt trên hệ thống."
    return text


def _finish_as_history(year: Year, today: date) -> int:
    """Approved, announced, acknowledged and final: the record of a finished year."""
    announced = timezone.make_aware(datetime.combine(date(year.year, 12, 20), time(9)))
    approvers = {user.person_id: user.pk for user in User.objects.filter(person__isnull=False, is_active=True)}
    count = 0
    for classification in year.classifications.only("pk", "approver_id"):
        Classification.objects.filter(pk=classification.pk).update(
            state=ClassificationState.FINAL,
            approved_level=F("proposed_level"),
            approved_at=announced,
            approved_by_id=approvers.get(classification.approver_id),
            acknowledged_at=announced,
            version=F("version") + 4,
        )
        count += 1
    Year.objects.filter(pk=year.pk).update(state=YearState.CLOSED, announced_at=announced, version=F("version") + 3)
    audit_record(
        actor=None,
        actor_label="demo",
        event=events.DEMO_HISTORY,
        subject=year,
        new={"classifications": count, "state": YearState.CLOSED},
    )
    return count


def _finished_year(*, agency, hr, root: list[Unit], year: int, seed: int, today: date) -> tuple[Year, int]:
    """A year of the civil servants, from its monitoring history to its closing."""
    demo_history_year(agency=agency, year=year, seed=seed)
    finished = services.year_open(
        actor=hr, agency=agency, year=year, staff_group=Category.CONG_CHUC, policy_id="nd335", units=root
    )
    proposals.proposals_compute(actor=hr, year=finished)
    approval.year_submit_for_approval(actor=hr, year=finished)
    return finished, _finish_as_history(Year.objects.get(pk=finished.pk), today)


@transaction.atomic
def demo_yearend(
    *, agency, seed: int = 2026, today: date | None = None, current_year: int | None = None
) -> DemoYearEnd:
    today = today or timezone.localdate()
    this_year = current_year or today.year
    rng = random.Random(seed)
    hr = User.objects.filter(role=Role.HR, is_active=True).order_by("pk").first()
    root = list(Unit.objects.filter(agency=agency, parent__isnull=True).order_by("path"))

    last_year = this_year - 1
    earlier, _earlier_people = _finished_year(
        agency=agency, hr=hr, root=root, year=last_year - 1, seed=seed, today=today
    )
    finished, finished_people = _finished_year(agency=agency, hr=hr, root=root, year=last_year, seed=seed, today=today)

    calibrating = services.year_open(
        actor=hr, agency=agency, year=this_year, staff_group=Category.VIEN_CHUC, policy_id="nd90-vien-chuc", units=root
    )
    # Everyone's self-assessment, as HR would record it from the written reports; heads and deputies
    # add the results of the unit in their charge.
    people = list(
        Person.objects.filter(category=Category.VIEN_CHUC, is_active=True, unit__agency=agency)
        .select_related("unit")
        .order_by("pk")
    )
    for person in people:
        roll = rng.random()
        completion = 100 if roll > 0.1 else rng.choice([85, 90, 95])
        exceeded = rng.choice([0, 10, 30, 50, 60, 70]) if completion == 100 else 0
        short = 0 if completion == 100 else rng.choice([5, 10, 15, 25])
        proposed = "HTXSNV" if exceeded >= 50 else "HTTNV" if completion == 100 else "HTNV"
        unit_results = None
        if person.unit_role != UnitRole.MEMBER:
            targets = rng.choice([100, 100, 100, 90])
            unit_results = {
                "targets_completed_percent": targets,
                "targets_exceeded_percent": rng.choice([0, 20, 50, 60]) if targets == 100 else 0,
                "on_time_percent": rng.choice([80, 90, 100]),
            }
        criteria_record(
            actor=hr,
            year=calibrating,
            person=person,
            shared_criteria_met=rng.random() > 0.03,
            completion_percent=completion,
            exceeded_percent=exceeded,
            short_percent=short,
            proposed_level=proposed,
            unit_results=unit_results,
            report=_demo_report(person, completion, exceeded),
        )
    proposals.proposals_compute(actor=hr, year=calibrating)
    return DemoYearEnd(finished.pk, finished_people, calibrating.pk, len(people), earlier.pk)
