"""``congtam evaluate``: the engine's what-if command (see congtam.scoring.cli)."""

from __future__ import annotations

import sys
from argparse import Namespace

from django.core.management.base import BaseCommand, CommandError

from congtam.scoring import cli


class Command(BaseCommand):
    help = "Xếp loại một tệp nhân sự theo một chính sách (what-if) / Classify a cohort file under a policy preset."
    requires_system_checks: list[str] = []  # pure computation on files: no database, no checks needed

    def add_arguments(self, parser):
        cli.add_evaluate_arguments(parser)

    def run_from_argv(self, argv):
        # From the console the engine parses its own argv, so usage and exit codes are the engine's.
        sys.exit(cli.evaluate_main(argv[2:]))

    def handle(self, *args, **options):
        # From call_command: the same options, parsed by the same declarations.
        code = cli.run_evaluate(Namespace(**options), self.stdout, self.stderr)
        if code:
            raise CommandError("evaluate: no results written", returncode=code)
