from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from congtam.catalogue.services import catalogue_export
from congtam.org.models import Position


class Command(BaseCommand):
    help = "Export the current product catalogues (of every job position, or of one) to the workbook the import reads."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the workbook (.xlsx) to write")
        parser.add_argument("--position", default="", help="the code of one job position (default: all)")

    def handle(self, *args, file, position, **options):
        chosen = None
        if position:
            chosen = Position.objects.filter(code=position).first()
            if chosen is None:
                raise CommandError(
                    _("There is no job position with the code %(code)s in the system.") % {"code": position}
                )
        try:
            with open(file, "wb") as target:
                count = catalogue_export(target, position=chosen)
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
