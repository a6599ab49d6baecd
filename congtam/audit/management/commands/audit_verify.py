from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from congtam.audit.verify import audit_verify


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; exits non-zero when any entry was tampered with."

    def handle(self, *args, **options):
        report = audit_verify()
        if report.ok:
            self.stdout.write(
                self.style.SUCCESS(
                    ngettext(
                        "Audit trail intact: %(count)d entry verified.",
                        "Audit trail intact: %(count)d entries verified.",
                        report.checked,
                    )
                    % {"count": report.checked}
                )
            )
            return
        for finding in sorted(report.findings, key=lambda finding: finding.seq):
            self.stderr.write(finding.message)
        first = report.first_broken
        raise CommandError(
            ngettext(
                "Audit trail broken: %(count)d problem; the first broken entry is #%(seq)s.",
                "Audit trail broken: %(count)d problems; the first broken entry is #%(seq)s.",
                len(report.findings),
            )
            % {"count": len(report.findings), "seq": first.seq}
        )
