#!/usr/bin/env bash
# One command from a fresh clone: install, migrate, load demo data, serve on http://127.0.0.1:8000
# with the embedded defaults (SQLite, tasks inline, sandbox payments, offline face engine), and run
# the periodic schedule beside the web server (orders expire, reports auto-approve, revocations apply).
set -euo pipefail
source "$(dirname "$0")/_venv.sh" requirements.txt
export DEBUG="${DEBUG:-1}"
python manage.py migrate --noinput
python manage.py demo
if [ -z "${CELERY_BROKER_URL:-}" ]; then
  python manage.py face_market_schedule &  # no broker: the schedule runs in its own process
  scheduler=$!
  trap 'kill "$scheduler" 2>/dev/null || true' EXIT
fi
python manage.py runserver "${HOST:-127.0.0.1}:${PORT:-8000}"
