from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from congtam.org.importer import COMMAND_ACTOR_LABEL, import_workbook


def issue_line(issue) -> str:
    """``Sheet, row N, column C: message``, leaving out what the problem has no place for."""
    if issue.row is not None and issue.column:
        # Translators: an import error: sheet name, row number as Excel shows it, column name, problem.
        return _("%(sheet)s, row %(row)d, column %(column)s: %(message)s") % {
            "sheet": issue.sheet, "row": issue.row, "column": issue.column, "message": issue.message,
        }
    if issue.column:
        return _("%(sheet)s, column %(column)s: %(message)s") % {
            "sheet": issue.sheet, "column": issue.column, "message": issue.message,
        }
    if issue.sheet:
        return _("%(sheet)s: %(message)s") % {"sheet": issue.sheet, "message": issue.message}
    return issue.message


class Command(BaseCommand):
    help = (
        "Import the organisation (units, job positions, people) from an Excel workbook. All or nothing: "
        "on any error nothing is written, every error is printed and the exit code is non-zero."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the workbook (.xlsx) with the sheets Đơn vị, Vị trí việc làm, Nhân sự")
        parser.add_argument("--reason", default="", help="why the import is made (kept in the audit trail)")

    def handle(self, *args, file, reason, **options):
        try:
            with open(file, "rb"):
                pass
        except OSError as error:
            raise CommandError(_("Cannot open %(file)s: %(error)s") % {"file": file, "error": error.strerror}) from None
        report = import_workbook(file, actor=None, reason=reason, actor_label=COMMAND_ACTOR_LABEL)
        if not report.ok:
            for issue in report.errors:
                self.stderr.write(issue_line(issue))
            raise CommandError(
                ngettext(
                    "Nothing was imported: %(count)d error.",
                    "Nothing was imported: %(count)d errors.",
                    len(report.errors),
                )
                % {"count": len(report.errors)}
            )
        self.stdout.write(self.style.SUCCESS(report.summary()))
        if report.missing_people:
            self.stdout.write(_("People in the system but not in the file (not deleted):"))
            for code, name in report.missing_people:
                self.stdout.write(f"  {code}\t{name}")
