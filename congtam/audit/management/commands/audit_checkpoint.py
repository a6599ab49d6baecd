from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from congtam.audit import witness


class Command(BaseCommand):
    help = (
        "Append a keyed checkpoint of the audit trail's last entry to the checkpoint file outside the database "
        "(run it from cron, or let Celery beat do it)."
    )

    def handle(self, *args, **options):
        path = witness.checkpoint_path()
        if path is None:
            raise CommandError(_("Checkpoints are turned off: CONGTAM_AUDIT_CHECKPOINT_FILE is empty."))
        try:
            checkpoint = witness.checkpoint_head()
        except OSError as error:
            raise CommandError(
                _("Could not write to the checkpoint file %(file)s: %(error)s") % {"file": path, "error": error}
            ) from error
        if checkpoint is None:
            self.stdout.write(_("The audit trail is empty: there is nothing to checkpoint yet."))
            return
        self.stdout.write(
            self.style.SUCCESS(
                _("Checkpoint of entry #%(seq)s written to %(file)s.") % {"seq": checkpoint.seq, "file": path}
            )
        )
