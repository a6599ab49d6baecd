#!/usr/bin/env bash
# One command: install what the tests need and run the whole suite on SQLite, then on PostgreSQL
# (127.0.0.1:5432, user postgres). With CI=true an unreachable PostgreSQL is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
export CONGTAM_DATA_DIR="${CONGTAM_DATA_DIR:-$(mktemp -d)}"
PG_URL="${CONGTAM_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/congtam}"

ensure_postgres() {
  if .venv/bin/python - "$PG_URL" <<'PY' 2>/dev/null; then return 0; fi
import sys, psycopg, dj_database_url
c = dj_database_url.parse(sys.argv[1])
psycopg.connect(host=c["HOST"], port=c["PORT"] or 5432, user=c["USER"], dbname="postgres", connect_timeout=3).close()
PY
  if command -v pg_ctlcluster >/dev/null 2>&1 && [[ -d /etc/postgresql ]]; then
    echo "== Starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    sleep 2
  fi
  .venv/bin/python - "$PG_URL" <<'PY'
import sys, psycopg, dj_database_url
c = dj_database_url.parse(sys.argv[1])
psycopg.connect(host=c["HOST"], port=c["PORT"] or 5432, user=c["USER"], dbname="postgres", connect_timeout=5).close()
PY
}

# Redis: the broker of the real Celery worker test (tests/jobs/test_worker.py). With CI=true an
# unreachable Redis is a failure; elsewhere that one test is skipped.
REDIS_HOST=127.0.0.1 REDIS_PORT=6379
redis_up() { .venv/bin/python -c "import redis; redis.Redis(host='$REDIS_HOST', port=$REDIS_PORT, socket_connect_timeout=2).ping()" 2>/dev/null; }
if ! redis_up; then
  if command -v redis-server >/dev/null 2>&1; then
    echo "== Starting Redis"
    redis-server --daemonize yes --bind "$REDIS_HOST" --port "$REDIS_PORT" --save "" --appendonly no >/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do redis_up && break; sleep 0.5; done
  fi
  if ! redis_up; then
    if [[ "${CI:-}" == "true" ]]; then
      echo "Redis is unreachable at $REDIS_HOST:$REDIS_PORT: with CI=true this is a failure." >&2
      exit 1
    fi
    echo "Redis is unreachable at $REDIS_HOST:$REDIS_PORT: the real worker test will be skipped (not in CI)." >&2
  fi
fi

echo "== Lint and format (ruff)"
.venv/bin/ruff check --quiet congtam tests benchmarks
.venv/bin/ruff format --check --quiet congtam tests benchmarks

echo "== Checking for missing migrations"
env -u DATABASE_URL .venv/bin/congtam makemigrations --check --dry-run -v1

# The two passes run at the same time, one per core, each with its own data folder; each line of
# their output carries the pass's name. The PostgreSQL pass is checked for first, so that with
# CI=true an unreachable PostgreSQL fails before any test runs.
PASSES=(sqlite)
if ensure_postgres; then
  PASSES+=(postgresql)
elif [[ "${CI:-}" == "true" ]]; then
  echo "PostgreSQL is unreachable at $PG_URL: with CI=true this is a failure." >&2
  exit 1
else
  echo "PostgreSQL is unreachable at $PG_URL: the PostgreSQL run was skipped (not in CI)." >&2
fi

run_pass() {
  local name="$1"; shift
  local data; data="$(mktemp -d)"
  if [[ "$name" == sqlite ]]; then
    env -u DATABASE_URL CONGTAM_DATA_DIR="$data" .venv/bin/python -m pytest -p no:cacheprovider "$@"
  else
    DATABASE_URL="$PG_URL" CONGTAM_DATA_DIR="$data" .venv/bin/python -m pytest -p no:cacheprovider "$@"
  fi
}

declare -A PIDS
for name in "${PASSES[@]}"; do
  echo "== Test suite on $name"
  ( run_pass "$name" "$@" 2>&1 | sed -u "s/^/[$name] /"; exit "${PIPESTATUS[0]}" ) &
  PIDS[$name]=$!
done
failed=()
for name in "${PASSES[@]}"; do
  if ! wait "${PIDS[$name]}"; then failed+=("$name"); fi
done
if (( ${#failed[@]} )); then
  echo "== Failed on: ${failed[*]}" >&2
  exit 1
fi
echo "== Passed on: ${PASSES[*]}"
