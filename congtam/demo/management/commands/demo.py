"""``congtam demo [--size N] [--seed S] [--if-empty]``: load the demo agency and print its logins."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from congtam.accounts.models import Role, User
from congtam.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from congtam.demo.loading import DemoLoadError, demo_load
from congtam.demo.months import demo_year
from congtam.demo.organisation import DEFAULT_SEED, DEFAULT_SIZE, MIN_SIZE
from congtam.demo.yearend import demo_yearend
from congtam.org.models import Agency

YEAR_UP_TO = 3000  # people: beyond that, a year of demo data takes minutes; ask for it with --year yes


class Command(BaseCommand):
    help = "Load a realistic demo agency (the National Assembly Office) and print a login for every role."

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, default=DEFAULT_SIZE, help="Number of people (default %(default)s).")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="The same seed gives the same agency.")
        parser.add_argument(
            "--year",
            choices=["auto", "yes", "no"],
            default="auto",
            help=f"Also load a year of monitoring in progress (closed months and an open one); auto: up to {YEAR_UP_TO} people.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (but print the logins) when an agency is already loaded.",
        )

    def handle(self, *args, size, seed, if_empty, year="auto", **options):
        translation.activate(settings.LANGUAGE_CODE)
        agency = Agency.objects.order_by("id").first()
        if agency is not None:
            if not if_empty:
                raise CommandError(
                    _(
                        "The database already holds an agency (%(name)s), so the demo was not loaded. "
                        "Load it into an empty database, or use --if-empty to leave the data as it is."
                    )
                    % {"name": agency.name}
                )
            self.stdout.write(_("An agency is already loaded (%(name)s); nothing was changed.") % {"name": agency.name})
            self.print_logins()
            return
        if size < MIN_SIZE:
            raise CommandError(_("The demo agency needs at least %(count)d people.") % {"count": MIN_SIZE})
        started = time.perf_counter()
        try:
            result = demo_load(actor=None, size=size, seed=seed)
        except DemoLoadError as error:
            for issue in error.report.errors[:50]:
                self.stderr.write(f"{issue.sheet} {issue.row or ''} {issue.column}: {issue.message}")
            raise CommandError(_("The demo agency could not be loaded: %(summary)s") % {"summary": error}) from error
        except ValidationError as error:
            raise CommandError(
                _("The demo agency could not be loaded: %(reason)s") % {"reason": "; ".join(error.messages)}
            ) from error
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "Demo agency loaded: %(people)d person in %(units)d units (seed %(seed)d, %(seconds).1f s).",
                    "Demo agency loaded: %(people)d people in %(units)d units (seed %(seed)d, %(seconds).1f s).",
                    result.people,
                )
                % {"people": result.people, "units": result.units, "seed": seed, "seconds": elapsed}
            )
        )
        if year == "yes" or (year == "auto" and size <= YEAR_UP_TO):
            self.load_year(result.agency_id, seed)
        self.print_logins()

    def load_year(self, agency_id: int, seed: int) -> None:
        started = time.perf_counter()
        agency = Agency.objects.get(pk=agency_id)
        loaded = demo_year(agency=agency, seed=seed)
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Monitoring year loaded: %(closed)d closed months and month %(open)d in progress; %(reviews)d period "
                    "reviews, %(items)d work items (%(seconds).1f s)."
                )
                % {
                    "closed": loaded.closed_months,
                    "open": loaded.open_month,
                    "reviews": loaded.reviews,
                    "items": loaded.items,
                    "seconds": time.perf_counter() - started,
                }
            )
        )
        started = time.perf_counter()
        yearend = demo_yearend(agency=agency, seed=seed)
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Year-end loaded: the last two years finished for %(finished)d civil servants; this year at "
                    "calibration for %(calibrating)d public employees (%(seconds).1f s)."
                )
                % {
                    "finished": yearend.finished_people,
                    "calibrating": yearend.calibrating_people,
                    "seconds": time.perf_counter() - started,
                }
            )
        )

    def print_logins(self) -> None:
        users = {
            user.username: user
            for user in User.objects.filter(
                username__in=[username for _role, username, _who in DEMO_ACCOUNTS]
            ).select_related("person", "person__unit")
        }
        if not users:
            self.stdout.write(_("The demo logins do not exist in this database."))
            return
        rows = []
        for role, username, description in DEMO_ACCOUNTS:
            user = users.get(username)
            if user is None:
                continue
            if user.person is not None:
                who = _("%(name)s (%(code)s), %(unit)s") % {
                    "name": user.person.full_name,
                    "code": user.person.staff_code,
                    "unit": user.person.unit.name,
                }
            else:
                who = str(description)
            rows.append((str(Role(role).label), username, DEMO_PASSWORD, who))
        headers = (_("Role"), _("Username"), _("Password"), _("Staff record"))
        widths = [max(len(str(row[index])) for row in [headers, *rows]) for index in range(4)]

        def line(cells) -> str:
            return "  ".join(str(cell).ljust(width) for cell, width in zip(cells, widths)).rstrip()

        self.stdout.write("")
        self.stdout.write(_("Demo logins (one per role):"))
        self.stdout.write(line(headers))
        self.stdout.write(line("-" * width for width in widths))
        for row in rows:
            self.stdout.write(line(row))
