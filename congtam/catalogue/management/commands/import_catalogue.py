from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from congtam.catalogue.services import catalogue_import
from congtam.core.import_errors import add_errors_file_argument, fail_command

COMMAND_ACTOR_LABEL = "command:import-catalogue"


class Command(BaseCommand):
    help = (
        "Import the product catalogues of the job positions from the sheet “Danh mục sản phẩm” of an Excel "
        "workbook. All or nothing: on any error nothing is written, the first 1,000 errors are printed (all of them with --errors-file) and the exit code is "
        "non-zero. Each position whose catalogue changes gets a new version."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the workbook (.xlsx) with the sheet Danh mục sản phẩm")
        parser.add_argument(
            "--retire-missing",
            action="store_true",
            help="retire the products of the positions in the file that the file no longer lists",
        )
        parser.add_argument(
            "--reason", default="", help="why the import is made (kept with the version and in the audit trail)"
        )
        add_errors_file_argument(parser)

    def handle(self, *args, file, retire_missing, reason, errors_file, **options):
        try:
            with open(file, "rb"):
                pass
        except OSError as error:
            raise CommandError(_("Cannot open %(file)s: %(error)s") % {"file": file, "error": error.strerror}) from None
        report = catalogue_import(
            actor=None, file=file, retire_missing=retire_missing, reason=reason, actor_label=COMMAND_ACTOR_LABEL
        )
        if not report.ok:
            raise fail_command(report.errors, stderr=self.stderr, errors_file=errors_file)
        self.stdout.write(self.style.SUCCESS(report.summary()))
        for missing in report.missing:
            self.stdout.write(f"  {missing.position_code}\t{missing.code}\t{missing.name}")
