"""The ``congtam`` console command: Django's management commands under the product's name.

``congtam import-org FILE`` runs the ``import_org`` command: hyphens in a command name are
accepted for underscores, so the commands read naturally in a terminal.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congtam.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    argv[0] = "congtam"
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
