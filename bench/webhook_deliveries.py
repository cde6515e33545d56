"""Outbound webhooks on PostgreSQL: events a second published and delivered, against a bare HTTP floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/face_market .venv/bin/python bench/webhook_deliveries.py

It creates its own database (``<name>_bench_webhooks``, dropped at the end unless --keep-db), starts a
receiver on 127.0.0.1 that verifies every signature with the ``standardwebhooks`` verifier, and
measures, one event at a time (Celery eager: the delivery runs right after commit):

- ``webhook_event_publish`` + delivery to one endpoint (store the message, next sequence number, one
  delivery row, claim, sign, POST, record the attempt);
- the same to three endpoints (fan-out);
- a bare signed POST of the same body with urllib3 to the same receiver: the floor;
- signing alone (HMAC-SHA256 through ``standardwebhooks``).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._pg import bench_database, summary  # noqa: E402


def start_receiver(secrets: list[str]):
    from standardwebhooks import Webhook

    verified = {"ok": 0, "bad": 0}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                Webhook(secrets[0]).verify(body, headers)
                verified["ok"] += 1
            except Exception:
                verified["bad"] += 1
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, verified


def timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def run(args) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)
    settings.FACE_MARKET = {**settings.FACE_MARKET, "WEBHOOK_ALLOW_LOOPBACK_URLS": True}
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from marketplace.conf import market_settings
    from marketplace.webhooks.delivery import http_post
    from marketplace.webhooks.models import WebhookDelivery, WebhookEndpoint
    from marketplace.webhooks.services import message_body, webhook_endpoint_create, webhook_event_publish
    from marketplace.webhooks.signing import signature_headers

    market_settings.reload()
    secrets: list[str] = []
    server, verified = start_receiver(secrets)
    url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    staff = get_user_model().objects.create_user("bench_staff", is_staff=True)
    endpoint, secret = webhook_endpoint_create(owner=staff, url=url)
    secrets.append(secret)
    data = {"licence": "LIC-BENCH", "amount": {"amount_minor": 10000, "currency": "CNY"}, "scope": {}}

    def publish_one():
        webhook_event_publish(
            event_type="licence.issued",
            event_id=uuid.uuid4().hex,
            occurred_at=timezone.now(),
            subject=f"licence:LIC-{uuid.uuid4().hex[:6]}",
            payload=data,
        )

    body = message_body(
        event_id="evt",
        event_type="licence.issued",
        occurred_at=timezone.now(),
        subject="s",
        sequence=1,
        data=data,
    )

    def bare_post():
        headers = signature_headers(
            msg_id=uuid.uuid4().hex, body=body, secrets_in_use=[secret], at=timezone.now()
        )
        http_post(url, body=body.encode(), headers=headers, timeout=5)

    def sign_only():
        signature_headers(msg_id="evt", body=body, secrets_in_use=[secret], at=timezone.now())

    n = args.events
    print(f"\n{n} events each, one at a time, receiver verifying every signature:")
    rows = [summary("publish + deliver to 1 endpoint", timed(publish_one, n))]
    for _extra in range(2):
        WebhookEndpoint.objects.create(owner=staff, url=url, secret=secret)
    rows.append(summary("publish + deliver to 3 endpoints", timed(publish_one, n)))
    rows.append(summary("bare signed POST (urllib3), the floor", timed(bare_post, n)))
    rows.append(summary("signing alone", timed(sign_only, n * 10)))
    done = WebhookDelivery.objects.filter(status="succeeded").count()
    print(
        f"\n  deliveries succeeded {done} of {WebhookDelivery.objects.count()};"
        f" receiver verified {verified['ok']}, refused {verified['bad']}"
    )
    print(f"  publish+deliver (1 endpoint) costs {rows[0]['p50'] / rows[2]['p50']:.1f}x a bare POST at p50")
    server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "facemarket_site.settings")
    os.environ["CELERY_BROKER_URL"] = ""
    os.environ.setdefault("SECRET_KEY", "bench-" + "k" * 60)
    with bench_database("webhooks", keep=args.keep_db):
        run(args)


if __name__ == "__main__":
    main()
