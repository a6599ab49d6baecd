from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from congtam.catalogue.services import catalogue_export
from congtam.org.models import Agency, Position
from congtam.org.services import default_agency


class Command(BaseCommand):
    help = "Export the current product catalogues (of every job position, or of one) to the workbook the import reads."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the workbook (.xlsx) to write")
        parser.add_argument("--position", default="", help="the code of one job position (default: all)")
        parser.add_argument("--agency", default="", help="the code of the agency (default: the top of the tree)")

    def handle(self, *args, file, position, agency, **options):
        chosen_agency = Agency.objects.filter(code=agency).first() if agency else default_agency()
        if agency and chosen_agency is None:
            raise CommandError(_("There is no agency with the code %(code)s in the system.") % {"code": agency})
        chosen = None
        if position:
            chosen = Position.objects.filter(agency=chosen_agency, code=position).first()
            if chosen is None:
                raise CommandError(
                    _("There is no job position with the code %(code)s in the system.") % {"code": position}
                )
        try:
            with open(file, "wb") as target:
                count = catalogue_export(target, agency=chosen_agency, position=chosen)
        except OSError as error:
            raise CommandError(
                _("Cannot write %(file)s: %(error)s") % {"file": file, "error": error.strerror}
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                ngettext("%(count)d product written to %(file)s.", "%(count)d products written to %(file)s.", count)
                % {"count": count, "file": file}
            )
        )
