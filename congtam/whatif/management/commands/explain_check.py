"""``congtam explain-check results.json``: recompute every number of a results file."""

from __future__ import annotations

import sys
from argparse import Namespace

from django.core.management.base import BaseCommand, CommandError

from congtam.scoring import cli


class Command(BaseCommand):
    help = "Tính lại mọi con số từ tệp kết quả JSON / Recompute every number from a results JSON file."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        cli.add_explain_check_arguments(parser)

    def run_from_argv(self, argv):
        sys.exit(cli.explain_check_main(argv[2:]))

    def handle(self, *args, **options):
        code = cli.run_explain_check(Namespace(**options), self.stdout, self.stderr)
        if code:
            raise CommandError("explain-check: re-computation disagrees", returncode=code)
