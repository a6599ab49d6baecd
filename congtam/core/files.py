"""Files of the installation readable by its own account alone: the SQLite database (and its
write-ahead log) is made 0600 whenever a connection opens, whatever the umask of the process that
created it (a command, the web server, a worker). Uploads get 0600 from FILE_UPLOAD_PERMISSIONS."""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_FILE_MODE = 0o600


def make_private(path: Path) -> None:
    try:
        status = path.stat()
    except FileNotFoundError:
        return
    if status.st_mode & 0o077 and status.st_uid == os.getuid():
        path.chmod(PRIVATE_FILE_MODE)


def sqlite_file_private(sender, connection, **kwargs) -> None:
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        make_private(Path(name + suffix))
