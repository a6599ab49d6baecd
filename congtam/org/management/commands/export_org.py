from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
            raise CommandError(
                _("Cannot write %(file)s: %(error)s") % {"file": file, "error": error.strerror}
            ) from None
        parts = [
            ngettext("%(count)d unit", "%(count)d units", counts["units"]) % {"count": counts["units"]},
            ngettext("%(count)d job position", "%(count)d job positions", counts["positions"])
            % {"count": counts["positions"]},
            ngettext("%(count)d person", "%(count)d people", counts["people"]) % {"count": counts["people"]},
        ]
        # Translators: "Exported 5 units, 3 job positions, 11 people to FILE."
        message = _("Exported %(counts)s to %(file)s.") % {"counts": ", ".join(parts), "file": file}
        self.stdout.write(self.style.SUCCESS(message))
