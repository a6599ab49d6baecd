#!/usr/bin/env bash
# One command: set up Công Tâm on its embedded SQLite database, load the demo agency, print the
# demo logins and serve on http://127.0.0.1:8000 . Running it again keeps the data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export CONGTAM_DATA_DIR="${CONGTAM_DATA_DIR:-$PWD/data}"
congtam() { .venv/bin/congtam "$@"; }
congtam migrate -v0
congtam collectstatic --noinput -v0
congtam demo --if-empty
echo
echo "Công Tâm đang chạy tại http://127.0.0.1:${PORT:-8000}/ — đăng nhập bằng một tài khoản ở trên (Ctrl+C để dừng)."
exec .venv/bin/congtam runserver "127.0.0.1:${PORT:-8000}" --noreload
