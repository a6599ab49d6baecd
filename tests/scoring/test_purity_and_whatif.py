"""The engine never imports Django; the Django what-if commands only wrap it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .cohort_files import PEOPLE_HEADERS, person_row, write_xlsx

ROOT = Path(__file__).resolve().parents[2]


def test_engine_imports_without_django():
    code = (
        "import sys\n"
        "import congtam.scoring.api, congtam.scoring.cli, congtam.scoring.templates\n"
        "import congtam.scoring.cohort.parse, congtam.scoring.cohort.problems, congtam.scoring.cohort.read\n"
        "import congtam.scoring.cohort.write, congtam.scoring.explain.build, congtam.scoring.explain.reasons\n"
        "import congtam.scoring.explain.recheck, congtam.scoring.explain.render\n"
        "import congtam.scoring.quota, congtam.scoring.policy\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == "[]"


def test_python_dash_m_runs_evaluate_without_django(tmp_path: Path):
    cohort = write_xlsx(
        tmp_path / "c.xlsx", {"Nhân sự": [PEOPLE_HEADERS + ["Điểm kỳ 1"], person_row("A1", "Nguyễn Văn A") + [91]]}
    )
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "congtam.scoring",
            "evaluate",
            "--policy",
            "nd335",
            "--input",
            str(cohort),
            "--output",
            str(tmp_path / "r.json"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))[0]["level"] == "HTTNV"


DJANGO_SCRIPT = """
import sys
import django
from django.conf import settings
settings.configure(INSTALLED_APPS=["congtam.whatif"], USE_TZ=True)
django.setup()
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
call_command("evaluate", "--policy", "nd335", "--input", sys.argv[1], "--output", sys.argv[2])
call_command("explain_check", sys.argv[2])
try:
    call_command("evaluate", "--policy", "nd335", "--input", sys.argv[1] + ".missing")
except CommandError as error:
    print("refused", error.returncode)
execute_from_command_line(["congtam", "evaluate", "--list", "--lang", "en"])
"""


def test_django_commands_wrap_the_engine(tmp_path: Path):
    pytest.importorskip("django")
    cohort = write_xlsx(
        tmp_path / "c.xlsx", {"Nhân sự": [PEOPLE_HEADERS + ["Điểm kỳ 1"], person_row("A1", "Nguyễn Văn A") + [91]]}
    )
    output = tmp_path / "r.json"
    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    completed = subprocess.run(
        [sys.executable, "-c", DJANGO_SCRIPT, str(cohort), str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=environment,
    )
    assert completed.returncode == 0, completed.stderr
    assert "refused 1" in completed.stdout
    assert "nd335 — version 2026.3" in completed.stdout
    assert output.exists()
