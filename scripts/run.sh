#!/usr/bin/env bash
# One command from a fresh clone: install, migrate, load demo data, serve on http://127.0.0.1:8000
# with the embedded defaults (SQLite, Celery eager, sandbox payments, offline face engine).
set -euo pipefail
source "$(dirname "$0")/_venv.sh" requirements.txt
export DEBUG="${DEBUG:-1}"
python manage.py migrate --noinput
python manage.py demo
exec python manage.py runserver "${HOST:-127.0.0.1}:${PORT:-8000}"
