"""A real webhook receiver on 127.0.0.1, as a host would write one.

It verifies every request with the ``standardwebhooks`` verifier, answers what the test planned (a
status, optionally after a delay longer than the platform's timeout), and processes each event once:
it deduplicates by ``webhook-id``, as the Standard Webhooks specification tells receivers to.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    verified_with: list[str]  # which of the receiver's secrets verified it
    answered: int


@dataclass
class Receiver:
    secrets: list[str] = field(default_factory=list)
    plan: list[tuple[int, float]] = field(default_factory=list)  # (status, delay s), consumed in order
    requests: list[Received] = field(default_factory=list)
    processed: dict[str, dict] = field(default_factory=dict)  # webhook-id -> payload, once
    process_count: int = 0
    in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def handle(self, headers: dict[str, str], body: bytes) -> int:
        with self.lock:
            self.in_flight += 1
            status, delay = self.plan.pop(0) if self.plan else (200, 0.0)
        try:
            time.sleep(delay)
            verified_with = []
            for secret in self.secrets:
                try:
                    Webhook(secret).verify(body, headers)
                    verified_with.append(secret)
                except WebhookVerificationError:
                    pass
            with self.lock:
                self.requests.append(Received(headers, body, verified_with, status))
                if verified_with and 200 <= status < 300:
                    msg_id = headers["webhook-id"]
                    if msg_id not in self.processed:
                        self.processed[msg_id] = json.loads(body)
                        self.process_count += 1
            return status if verified_with else 401
        finally:
            with self.lock:
                self.in_flight -= 1

    def wait_idle(self, timeout: float = 5.0) -> None:
        """Wait for handlers still sleeping (a request the platform gave up on keeps running here)."""
        deadline = time.monotonic() + timeout
        while self.in_flight and time.monotonic() < deadline:
            time.sleep(0.02)

    def payloads_in_order(self, subject: str) -> list[dict]:
        """What a careful receiver does with out-of-order deliveries: order a subject's events by sequence."""
        events = [p for p in self.processed.values() if p["subject"] == subject]
        return sorted(events, key=lambda p: p["sequence"])


def serve(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802  (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status = receiver.handle({k.lower(): v for k, v in self.headers.items()}, body)
            try:
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"not processed")
            except OSError:  # the platform timed out and closed the connection
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/face-market?src=test"
    return server, thread
