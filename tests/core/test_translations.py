"""The Vietnamese catalogue is complete: every translatable string of the product, as
makemessages finds it today, has a Vietnamese translation, and none is fuzzy."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

PACKAGE = Path(__file__).resolve().parents[2] / "congtam"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext is installed by scripts/setup.sh")
def test_vietnamese_catalogue_is_complete_and_current(tmp_path, monkeypatch):
    copy = tmp_path / "congtam"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[copy / "locale"]):
        call_command("makemessages", locale=["vi"], verbosity=0, no_obsolete=True)
    catalogue = copy / "locale" / "vi" / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(catalogue)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    statistics = result.stderr.strip()
    assert "untranslated" not in statistics and "fuzzy" not in statistics, (
        f"{statistics}\nRun makemessages -l vi in congtam/ and translate the new strings:\n"
        + subprocess.run(
            ["msgattrib", "--untranslated", "--only-fuzzy", str(catalogue)], capture_output=True, text=True
        ).stdout[:3000]
        + subprocess.run(["msgattrib", "--untranslated", str(catalogue)], capture_output=True, text=True).stdout[:3000]
    )
