"""The data folder is readable by the installation's own account alone: the folder 0700, the
keys, the SQLite database (and its write-ahead log) and evidence files 0600, whatever the umask."""

import json
import os
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile

from congtam.accounts.models import Role
from congtam.settings import private_directory
from tests.monitoring.conftest import today, year  # noqa: F401 (fixtures)

REPOSITORY = Path(__file__).resolve().parents[2]


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


# A fresh installation under the usual umask 022: the settings create the folder and the keys, the
# first connection creates the database (as `congtam migrate` or the web server would).
FRESH_INSTALLATION = """
import json, os
os.umask(0o022)
import django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE probe (id integer)")
    cursor.execute("INSERT INTO probe VALUES (1)")
name = connection.settings_dict["NAME"]
# The write-ahead log and its index exist while the connection is open.
print(json.dumps({"name": str(name), "modes": {suffix: oct(os.stat(f"{name}{suffix}").st_mode & 0o777)
                                               for suffix in ("", "-wal", "-shm") if os.path.exists(f"{name}{suffix}")}}))
"""


def test_a_fresh_installation_keeps_its_folder_keys_and_database_to_itself(tmp_path):
    data = tmp_path / "data"
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "CONGTAM_SECRET_KEY", "CONGTAM_AUDIT_KEY")
    }
    environment.update(CONGTAM_DATA_DIR=str(data), DJANGO_SETTINGS_MODULE="congtam.settings")
    result = subprocess.run(
        [sys.executable, "-c", FRESH_INSTALLATION],
        env=environment,
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    database = json.loads(result.stdout.strip().splitlines()[-1])
    assert Path(database["name"]).parent == data
    assert mode(data) == 0o700
    assert mode(data / "secret_key") == 0o600 and mode(data / "audit_key") == 0o600
    assert database["modes"] == {"": "0o600", "-wal": "0o600", "-shm": "0o600"}


def test_an_existing_folder_open_to_others_is_tightened(tmp_path):
    folder = tmp_path / "old-data"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    private_directory(folder)
    assert mode(folder) == 0o700


def test_a_database_file_created_open_to_others_is_made_private_when_a_connection_opens(tmp_path):
    from types import SimpleNamespace

    from django.db.backends.signals import connection_created

    name = tmp_path / "old.sqlite3"
    for path in (name, Path(f"{name}-wal")):
        path.touch()
        path.chmod(0o644)
    # What Django sends when any connection opens (the fresh installation above shows the real one).
    connection_created.send(sender=None, connection=SimpleNamespace(vendor="sqlite", settings_dict={"NAME": str(name)}))
    assert mode(name) == 0o600 and mode(f"{name}-wal") == 0o600


@pytest.mark.django_db
def test_evidence_files_and_their_folders_are_private(year):  # noqa: F811
    from congtam.monitoring import items

    review = year.review("an")
    item = items.item_assign(
        actor=year.user(Role.MANAGER), review=review, catalogue_code="BC", due_on=date(2026, 11, 10)
    )
    items.plan_acknowledge(actor=year.user(Role.STAFF), review=review, expected_version=year.review("an").version)
    old_umask = os.umask(0o022)
    try:
        evidence = items.evidence_add(
            actor=year.user(Role.STAFF), item=item, upload=SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4\n%%EOF\n")
        )
    finally:
        os.umask(old_umask)
    root = Path(django_settings.CONGTAM_EVIDENCE_ROOT)
    stored = root / evidence.file.name
    assert mode(stored) == 0o600
    folder = stored.parent
    while folder != root:
        assert mode(folder) == 0o700, folder
        folder = folder.parent
