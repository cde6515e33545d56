"""gunicorn settings of the standalone site (``gunicorn -c facemarket_site/gunicorn.conf.py``).

Pre-fork sync workers: the views are synchronous Django, each request holds one database connection
for a few milliseconds, so one process per core and one spare (gunicorn's advice, 2 x cores + 1) keeps
the cores busy while a worker waits on the database. Every value can be overridden from the
environment (``WEB_CONCURRENCY``, ``GUNICORN_BIND``, ...), as platforms expect.
"""

import multiprocessing
import os

wsgi_app = "facemarket_site.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))  # a liveness upload is the slowest request
graceful_timeout = 20
keepalive = 5
# recycle workers now and then so a slow leak in a dependency never grows without bound
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# load the app once in the master: workers fork with Django (and its checks) already imported
preload_app = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
