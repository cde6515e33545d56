#!/usr/bin/env bash
# Production-style serving (README, "Production server"): migrate, collect static files for
# whitenoise, then gunicorn with pre-fork workers. Configure through the environment (DATABASE_URL,
# CACHE_URL, CELERY_BROKER_URL, SECRET_KEY, ALLOWED_HOSTS, WEB_CONCURRENCY, GUNICORN_BIND, ...).
set -euo pipefail
source "$(dirname "$0")/_venv.sh" requirements.txt
python manage.py migrate --noinput
python manage.py collectstatic --noinput -v0
export DB_CONN_MAX_AGE="${DB_CONN_MAX_AGE:-60}"  # workers keep their connection between requests
exec gunicorn -c facemarket_site/gunicorn.conf.py
