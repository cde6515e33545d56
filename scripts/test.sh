#!/usr/bin/env bash
# Runs the whole test suite. Defaults: SQLite and eager Celery. With DATABASE_URL (PostgreSQL) and
# CELERY_BROKER_URL (Redis) set, the postgres and integration tests run too (a real worker process).
# Then the host project (tests/host_project): a host embedding the plugin with its own settings, on
# SQLite and with no broker (a host with no Celery: the plugin runs its tasks inline).
set -euo pipefail
source "$(dirname "$0")/_venv.sh" requirements-dev.txt
python -m pytest "$@"
echo "== host project (tests/host_project, its own settings)"
env -u DATABASE_URL -u CELERY_BROKER_URL \
  python -m pytest tests/host_project --ds=tests.host_project.settings -p no:cacheprovider -q
