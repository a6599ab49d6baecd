"""Loading the demo agency: the generated organisation through the workbook import, then the
demo logins, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from congtam.demo.accounts import DEMO_PASSWORD, DemoLogin, plan_logins
from congtam.demo.organisation import (
    AGENCY_AUTHORITY,
    AGENCY_CODE,
    AGENCY_NAME,
    DEFAULT_SEED,
    DEFAULT_SIZE,
    generate_org,
)


@dataclass(frozen=True, slots=True)
class DemoResult:
    agency_id: int
    people: int
    units: int
    logins: list[DemoLogin]


class DemoLoadError(RuntimeError):
    """The generated organisation did not import; carries the import's report."""

    def __init__(self, report):
        super().__init__(report.summary())
        self.report = report


@transaction.atomic
def demo_load(*, actor=None, size: int = DEFAULT_SIZE, seed: int = DEFAULT_SEED) -> DemoResult:
    """Create the demo agency, import its organisation and create the demo logins, all or nothing."""
    from congtam.accounts.services import user_create
    from congtam.org.importer import import_org_data
    from congtam.org.models import Person
    from congtam.org.services import agency_create

    data = generate_org(size=size, seed=seed)
    agency = agency_create(
        actor=actor, code=AGENCY_CODE, name=AGENCY_NAME, external_authority=AGENCY_AUTHORITY, approval_depth=1
    )
    report = import_org_data(data, actor=actor, reason=_("Demo agency (seed %(seed)d)") % {"seed": seed})
    if not report.ok:
        raise DemoLoadError(report)
    logins = plan_logins(data)
    codes = [login.staff_code for login in logins if login.staff_code]
    people = {person.staff_code: person for person in Person.objects.filter(agency=agency, staff_code__in=codes)}
    for login in logins:
        user_create(
            actor=actor,
            username=login.username,
            password=DEMO_PASSWORD,
            role=login.role,
            person=people[login.staff_code] if login.staff_code else None,
        )
    return DemoResult(agency_id=agency.pk, people=len(data.people), units=len(data.units), logins=logins)
