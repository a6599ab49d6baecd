from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from congtam.audit.verify import audit_verify


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chain and compare it with the checkpoints kept outside the database; "
        "exits non-zero when any entry was tampered with or removed."
    )

    def handle(self, *args, **options):
        report = audit_verify()
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(warning))
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
            if report.checkpoints_matched:
                self.stdout.write(
                    ngettext(
                        "%(count)d checkpoint outside the database matches it.",
                        "%(count)d checkpoints outside the database match it.",
                        report.checkpoints_matched,
                    )
                    % {"count": report.checkpoints_matched}
                )
            return
        for finding in sorted(report.findings, key=lambda finding: finding.seq):
            self.stderr.write(finding.message)
        first = report.first_broken
        if first is None:
            raise CommandError(
                ngettext(
                    "Audit trail broken: %(count)d problem in the checkpoint file.",
                    "Audit trail broken: %(count)d problems in the checkpoint file.",
                    len(report.findings),
                )
                % {"count": len(report.findings)}
            )
        raise CommandError(
            ngettext(
                "Audit trail broken: %(count)d problem; the first broken entry is #%(seq)s.",
                "Audit trail broken: %(count)d problems; the first broken entry is #%(seq)s.",
                len(report.findings),
            )
            % {"count": len(report.findings), "seq": first.seq}
        )
