#!/usr/bin/env bash
# Runs the whole test suite. Defaults: SQLite and eager Celery. With DATABASE_URL (PostgreSQL) and
# CELERY_BROKER_URL (Redis) set, the postgres and integration tests run too (a real worker process).
set -euo pipefail
source "$(dirname "$0")/_venv.sh" requirements-dev.txt
exec python -m pytest "$@"
