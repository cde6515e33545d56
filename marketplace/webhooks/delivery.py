"""One delivery attempt: claim the delivery, POST the signed message, record the answer.

Claiming is a conditional UPDATE (pending, due) that pushes ``next_attempt_at`` past the attempt's
longest possible duration and stamps a token: a second worker (a sweeper racing the first task) finds
nothing to claim, and a worker that died mid-request leaves a delivery the sweeper takes again after
the lease. The HTTP request runs outside any transaction. The result is written only under the same
token, and a success ends the delivery: nothing automatic sends it again.
"""

from __future__ import annotations

import http.client
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import urllib3
from django.db import transaction
from django.utils import timezone

from marketplace.conf import market_settings
from marketplace.webhooks.addresses import AddressRefused, resolve_checked, url_parts
from marketplace.webhooks.models import DeliveryError, DeliveryStatus, WebhookDelivery, WebhookDeliveryAttempt
from marketplace.webhooks.signing import signature_headers

logger = logging.getLogger(__name__)

USER_AGENT = "face-market-webhooks/1"
EXCERPT_READ_BYTES = 8192


@dataclass
class HttpOutcome:
    status_code: int | None = None
    excerpt: str = ""
    error: str = DeliveryError.NONE
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def retry_delay(round_attempts: int) -> timedelta:
    """Wait after the ``round_attempts``-th failed attempt of a round (the schedule's last entry repeats)."""
    schedule = market_settings.WEBHOOK_RETRY_SCHEDULE_SECONDS
    return timedelta(seconds=schedule[min(round_attempts, len(schedule)) - 1])


def next_attempt_after_failure(*, round_started_at: datetime, round_attempts: int, now: datetime):
    """When to try again, or None: the next attempt would fall outside the retry window."""
    at = now + retry_delay(round_attempts)
    window = timedelta(hours=market_settings.WEBHOOK_RETRY_WINDOW_HOURS)
    return at if at <= round_started_at + window else None


def http_post(url: str, *, body: bytes, headers: dict[str, str], timeout: float) -> HttpOutcome:
    """POST to the checked address of ``url``; never raises for anything the receiver does."""
    try:
        scheme, host, port = url_parts(url)
        address = resolve_checked(host, port)
    except AddressRefused as exc:
        return HttpOutcome(error=DeliveryError.ADDRESS_REFUSED, detail=str(exc.message))
    parts = urllib3.util.parse_url(url)
    default_port = 443 if scheme == "https" else 80
    headers = {
        **headers,
        "Host": host if port == default_port else f"{host}:{port}",
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    }
    kwargs = {"timeout": urllib3.Timeout(connect=timeout, read=timeout), "retries": False, "maxsize": 1}
    if scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address, port, server_hostname=host, assert_hostname=host, cert_reqs="CERT_REQUIRED", **kwargs
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, **kwargs)
    try:
        response = pool.urlopen(
            "POST", parts.request_uri, body=body, headers=headers, redirect=False, preload_content=False
        )
        try:
            raw = _excerpt(response, deadline=time.monotonic() + timeout)
        finally:
            response.release_conn()
        limit = market_settings.WEBHOOK_RESPONSE_EXCERPT_CHARS
        excerpt = raw.decode("utf-8", errors="replace")[:limit]
        outcome = HttpOutcome(status_code=response.status, excerpt=excerpt)
        if not outcome.ok:
            outcome.error = DeliveryError.HTTP_STATUS
        return outcome
    except urllib3.exceptions.NewConnectionError as exc:  # before TimeoutError: urllib3 derives it from that
        return HttpOutcome(error=DeliveryError.CONNECTION, detail=str(exc)[:300])
    except (urllib3.exceptions.TimeoutError, TimeoutError) as exc:
        return HttpOutcome(error=DeliveryError.TIMEOUT, detail=str(exc)[:300])
    except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError) as exc:
        return HttpOutcome(error=DeliveryError.CONNECTION, detail=str(exc)[:300])
    finally:
        pool.close()


def _excerpt(response, *, deadline: float) -> bytes:
    """The start of the answer, read until a deadline: a receiver trickling bytes cannot hold a worker."""
    raw = b""
    while len(raw) < EXCERPT_READ_BYTES and time.monotonic() < deadline:
        chunk = response.read1(EXCERPT_READ_BYTES - len(raw))
        if not chunk:
            break
        raw += chunk
    return raw


def _claim(delivery_id: int, *, now: datetime) -> str | None:
    token = uuid.uuid4().hex
    lease = timedelta(seconds=2 * market_settings.WEBHOOK_TIMEOUT_SECONDS + 30)
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=now + lease, claim_token=token)
    return token if claimed else None


def webhook_delivery_send(*, delivery_id: int) -> str:
    """Attempt one delivery if it is due. Returns what happened: a status, ``not_due`` or ``superseded``."""
    started = timezone.now()
    token = _claim(delivery_id, now=started)
    if token is None:
        return "not_due"
    delivery = WebhookDelivery.objects.select_related("endpoint", "message").get(pk=delivery_id)
    endpoint, message = delivery.endpoint, delivery.message
    clock = time.monotonic()
    if endpoint.is_active:
        headers = signature_headers(
            msg_id=message.event_id,
            body=message.body,
            secrets_in_use=endpoint_signing_secrets(endpoint, at=started),
            at=started,
        )
        outcome = http_post(
            endpoint.url,
            body=message.body.encode("utf-8"),
            headers=headers,
            timeout=market_settings.WEBHOOK_TIMEOUT_SECONDS,
        )
    else:
        outcome = HttpOutcome(error=DeliveryError.ENDPOINT_DISABLED)
    duration_ms = int((time.monotonic() - clock) * 1000)
    return _record(delivery, token=token, outcome=outcome, started=started, duration_ms=duration_ms)


def endpoint_signing_secrets(endpoint, *, at: datetime) -> list[str]:
    in_use = [endpoint.secret]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret and expires is not None and expires > at:
        in_use.append(endpoint.previous_secret)
    return in_use


@transaction.atomic
def _record(delivery, *, token: str, outcome: HttpOutcome, started: datetime, duration_ms: int) -> str:
    now = timezone.now()
    round_attempts = delivery.round_attempts + 1
    fields = {
        "attempt_count": delivery.attempt_count + 1,
        "round_attempts": round_attempts,
        "last_attempt_at": started,
        "last_status_code": outcome.status_code,
        "last_error": outcome.error,
        "last_error_detail": outcome.detail[:300],
        "response_excerpt": outcome.excerpt,
        "claim_token": "",
    }
    if outcome.ok:
        fields.update(status=DeliveryStatus.SUCCEEDED, delivered_at=now, next_attempt_at=None)
    else:
        retry_at = None
        if outcome.error != DeliveryError.ENDPOINT_DISABLED:
            retry_at = next_attempt_after_failure(
                round_started_at=delivery.round_started_at, round_attempts=round_attempts, now=now
            )
        fields["next_attempt_at"] = retry_at
        if retry_at is None:
            fields["status"] = DeliveryStatus.FAILED
    written = WebhookDelivery.objects.filter(pk=delivery.pk, claim_token=token).update(**fields)
    if not written:  # the lease ran out and another attempt took over; its result stands
        return "superseded"
    WebhookDeliveryAttempt.objects.create(
        delivery=delivery,
        number=fields["attempt_count"],
        started_at=started,
        duration_ms=duration_ms,
        status_code=outcome.status_code,
        error=outcome.error,
        error_detail=outcome.detail[:300],
        response_excerpt=outcome.excerpt,
        manual=delivery.round_attempts == 0 and delivery.attempt_count > 0,
    )
    if not outcome.ok:
        logger.info(
            "webhook delivery %s attempt %s failed: %s %s",
            delivery.pk,
            fields["attempt_count"],
            outcome.error,
            outcome.status_code or "",
        )
    return fields.get("status", DeliveryStatus.PENDING)
