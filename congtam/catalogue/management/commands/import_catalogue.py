from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from congtam.catalogue.services import catalogue_import
from congtam.org.management.commands.import_org import issue_line

COMMAND_ACTOR_LABEL = "command:import-catalogue"


class Command(BaseCommand):
    help = (
        "Import the product catalogues of the job positions from the sheet “Danh mục sản phẩm” of an Excel "
        "workbook. All or nothing: on any error nothing is written, every error is printed and the exit code is "
        "non-zero. Each position whose catalogue changes gets a new version."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the workbook (.xlsx) with the sheet Danh mục sản phẩm")
        parser.add_argument(
            "--retire-missing", action="store_true",
            help="retire the products of the positions in the file that the file no longer lists",
        )
        parser.add_argument("--reason", default="", help="why the import is made (kept with the version and in the audit trail)")

    def handle(self, *args, file, retire_missing, reason, **options):
        try:
            with open(file, "rb"):
                pass
        except OSError as error:
            raise CommandError(_("Cannot open %(file)s: %(error)s") % {"file": file, "error": error.strerror}) from None
        report = catalogue_import(
            actor=None, file=file, retire_missing=retire_missing, reason=reason, actor_label=COMMAND_ACTOR_LABEL
        )
        if not report.ok:
            for issue in report.errors:
                self.stderr.write(issue_line(issue))
            raise CommandError(
                ngettext("Nothing was imported: %(count)d error.", "Nothing was imported: %(count)d errors.", len(report.errors))
                % {"count": len(report.errors)}
            )
        self.stdout.write(self.style.SUCCESS(report.summary()))
        for missing in report.missing:
            self.stdout.write(f"  {missing.position_code}\t{missing.code}\t{missing.name}")
