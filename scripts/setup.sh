#!/usr/bin/env bash
# Installs what Công Tâm needs on a fresh Debian machine, and is harmless to run again:
# a Python 3.11+ virtualenv in .venv with the package (and, with --test, its test tools),
# gettext for the translations, and with --test Debian's Chromium for the browser tests and
# Redis for the background-job tests.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[[ "${1:-}" == "--test" ]] && want_test=1

apt_packages=()
command -v msgfmt >/dev/null 2>&1 || apt_packages+=(gettext)
dpkg -s libpangoft2-1.0-0 >/dev/null 2>&1 || apt_packages+=(libpango-1.0-0 libpangoft2-1.0-0)  # WeasyPrint (PDF forms)
if (( want_test )); then
  [[ -x /usr/bin/chromium ]] || apt_packages+=(chromium)
  # Vietnamese glyphs for the browser's screenshots and PDF output.
  dpkg -s fonts-dejavu-core >/dev/null 2>&1 || apt_packages+=(fonts-dejavu-core)
  # The background-job tests run a real Celery worker against a local Redis.
  command -v redis-server >/dev/null 2>&1 || apt_packages+=(redis-server)
fi
if (( ${#apt_packages[@]} )); then
  echo "== Installing Debian packages: ${apt_packages[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${apt_packages[@]}" >/dev/null
fi

PYTHON="${PYTHON:-}"
if [[ -z "$PYTHON" ]]; then
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      PYTHON="$candidate"; break
    fi
  done
fi
[[ -n "$PYTHON" ]] || { echo "Công Tâm needs Python 3.11 or newer." >&2; exit 1; }

if [[ ! -x .venv/bin/python ]]; then
  echo "== Creating the virtualenv (.venv) with $PYTHON"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.congtam-installed
extras=""; (( want_test )) && extras="[test]"
if [[ ! -f "$stamp$extras" || pyproject.toml -nt "$stamp$extras" ]]; then
  echo "== Installing Python packages"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".$extras"
  touch "$stamp$extras"
fi

echo "== Compiling translations"
(cd congtam && CONGTAM_DATA_DIR="${CONGTAM_DATA_DIR:-$(mktemp -d)}" ../.venv/bin/congtam compilemessages -v0)
