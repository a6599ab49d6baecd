from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from congtam.org.exporter import COMMAND_ACTOR_LABEL, export_workbook


class Command(BaseCommand):
    help = (
        "Export the organisation to an Excel workbook in the import's format. The workbook holds sensitive "
        "personal data; the export is recorded in the audit trail."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the workbook (.xlsx) to write")

    def handle(self, *args, file, **options):
        try:
            with open(file, "wb") as target:
                counts = export_workbook(target, actor=None, actor_label=COMMAND_ACTOR_LABEL)
        except OSError as error:
            raise CommandError(_("Cannot write %(file)s: %(error)s") % {"file": file, "error": error.strerror}) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("Exported %(units)d units, %(positions)d job positions and %(people)d people to %(file)s.")
                % {**counts, "file": file}
            )
        )
