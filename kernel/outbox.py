"""The event outbox: events are rows written in the same transaction as the change they announce.

``event_emit`` inside the service's transaction writes the row; after commit a task dispatches it to
every handler registered for its type; a periodic sweeper re-dispatches events not handled within
``OUTBOX_SWEEP_AFTER_SECONDS``, so a broker outage delays work but loses nothing. Each handler is
recorded once per event when it succeeds (``OutboxHandling``), so a re-dispatch only runs the
handlers still owed, and every handler must be idempotent (it may run again after a crash between
its own commit and that record). Apps register handlers in ``AppConfig.ready()``::

    outbox.handler_register("payment.captured.order", licence_issue_for_payment_event)

Handlers receive the event (``.type``, ``.subject``, ``.payload``) and run in their own transaction.
Like dj-stripe's handler registry, with the transactional guarantee of the outbox pattern.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from .atomic import atomic_join
from .conf import kernel_settings

logger = logging.getLogger("face_market.outbox")

Handler = Callable[..., object]
_HANDLERS: dict[str, dict[str, Handler]] = {}
#: handlers for every event type ("*"): e.g. outbound webhooks and public signals
ANY = "*"


def handler_name(func: Handler) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def handler_register(event_type: str, func: Handler) -> Handler:
    """Register ``func(event)`` for ``event_type`` (or ``ANY``); registering twice is harmless."""
    _HANDLERS.setdefault(event_type, {})[handler_name(func)] = func
    return func


def handlers_for(event_type: str) -> dict[str, Handler]:
    return {**_HANDLERS.get(event_type, {}), **_HANDLERS.get(ANY, {})}


def event_emit(event_type: str, *, subject: str = "", payload: dict | None = None):
    """Write an event in the current transaction; it is dispatched once that transaction commits."""

    event = _event_insert(event_type, subject, payload)
    transaction.on_commit(partial(_dispatch_later, str(event.pk)), robust=True)
    return event


@atomic_join  # in the caller's transaction (the change it announces), without a savepoint
def _event_insert(event_type: str, subject: str, payload: dict | None):
    from .models import OutboxEvent

    sequence = 0
    if subject:
        last = OutboxEvent.objects.filter(subject=subject).aggregate(m=Max("sequence"))["m"]
        sequence = (last or 0) + 1
    return OutboxEvent.objects.create(
        type=event_type, subject=subject, sequence=sequence, payload=payload or {}
    )


def _dispatch_later(event_id: str) -> None:
    from .tasks import outbox_event_dispatch

    try:
        outbox_event_dispatch.delay(event_id)
    except Exception:  # the broker is down: the row is committed, the sweeper sends it later
        logger.warning("Outbox event %s not sent to the broker; the sweeper will retry", event_id)


def _handled_elsewhere(exc: IntegrityError) -> bool:
    """The handling row's own unique constraint refused ours (another dispatcher was first), as opposed to
    an IntegrityError of the handler's work, which is a failure to retry. No savepoint is spent telling
    them apart: PostgreSQL's message names the constraint, SQLite's the table and columns."""
    text = str(exc)
    return "fm_outbox_handled_once" in text or "fm_kernel_outboxhandling.handler" in text


def event_dispatch(event_id: str) -> str:
    """Run the handlers still owed for one event. Idempotent: a handled event is left alone."""
    from .models import OutboxEvent, OutboxHandling

    event = OutboxEvent.objects.filter(pk=event_id).first()
    if event is None or event.status != OutboxEvent.Status.PENDING:
        return "skipped"
    done = set(event.handlings.values_list("handler", flat=True))
    failures = []
    for name, func in handlers_for(event.type).items():
        if name in done:
            continue
        try:
            with transaction.atomic():
                func(event)
                OutboxHandling.objects.create(event=event, handler=name)
        except IntegrityError as exc:
            if _handled_elsewhere(exc):
                continue  # another dispatcher recorded this handler first; our work rolled back with it
            logger.exception("Outbox handler %s failed on %s %s", name, event.type, event.pk)
            failures.append(f"{name}: {type(exc).__name__}")
        except Exception as exc:
            logger.exception("Outbox handler %s failed on %s %s", name, event.type, event.pk)
            failures.append(f"{name}: {type(exc).__name__}")
    now = timezone.now()
    if not failures:
        OutboxEvent.objects.filter(pk=event.pk, status=OutboxEvent.Status.PENDING).update(
            status=OutboxEvent.Status.HANDLED, handled_at=now, attempts=F("attempts") + 1, last_error=""
        )
        return "handled"
    attempts = event.attempts + 1
    failed = attempts >= kernel_settings.OUTBOX_MAX_ATTEMPTS
    backoff = timedelta(seconds=min(3600, kernel_settings.OUTBOX_SWEEP_AFTER_SECONDS * 2**attempts))
    OutboxEvent.objects.filter(pk=event.pk).update(
        attempts=attempts,
        last_error="; ".join(failures)[:500],
        next_attempt_at=now + backoff,
        status=OutboxEvent.Status.FAILED if failed else OutboxEvent.Status.PENDING,
    )
    return "failed" if failed else "retry"


def events_sweep(limit: int = 500) -> int:
    """Dispatch events that are still pending a while after they were written (the broker lost them,
    a worker died, or a handler failed and its back-off is over). Returns how many were dispatched."""
    from django.db.models import Q

    from .models import OutboxEvent

    now = timezone.now()
    cutoff = now - timedelta(seconds=kernel_settings.OUTBOX_SWEEP_AFTER_SECONDS)
    due = (
        OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING, created_at__lte=cutoff)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    count = 0
    for event_id in list(due):
        event_dispatch(str(event_id))
        count += 1
    return count


def events_pending_inline() -> int:
    """Dispatch every pending event now, whatever its age (tests, management commands, eager mode)."""
    from .models import OutboxEvent

    ids = list(
        OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING)
        .order_by("created_at")
        .values_list("pk", flat=True)
    )
    for event_id in ids:
        event_dispatch(str(event_id))
    return len(ids)
