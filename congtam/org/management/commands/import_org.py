from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from congtam.core.import_errors import add_errors_file_argument, fail_command
from congtam.org.importer import COMMAND_ACTOR_LABEL, import_workbook


class Command(BaseCommand):
    help = (
        "Import the organisation (units, job positions, people) from an Excel workbook. All or nothing: "
        "on any error nothing is written, the first 1,000 errors are printed "
        "(all of them with --errors-file) and the exit code is non-zero."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the workbook (.xlsx) with the sheets Đơn vị, Vị trí việc làm, Nhân sự")
        parser.add_argument("--reason", default="", help="why the import is made (kept in the audit trail)")
        add_errors_file_argument(parser)

    def handle(self, *args, file, reason, errors_file, **options):
        try:
            with open(file, "rb"):
                pass
        except OSError as error:
            raise CommandError(_("Cannot open %(file)s: %(error)s") % {"file": file, "error": error.strerror}) from None
        report = import_workbook(file, actor=None, reason=reason, actor_label=COMMAND_ACTOR_LABEL)
        if not report.ok:
            raise fail_command(report.errors, stderr=self.stderr, errors_file=errors_file)
        self.stdout.write(self.style.SUCCESS(report.summary()))
        if report.missing_people:
            self.stdout.write(_("People in the system but not in the file (not deleted):"))
            for code, name in report.missing_people:
                self.stdout.write(f"  {code}\t{name}")
        if report.missing_agencies:
            self.stdout.write(_("Agencies in the system but not in the file (not deleted):"))
            for code, name in report.missing_agencies:
                self.stdout.write(f"  {code}\t{name}")
