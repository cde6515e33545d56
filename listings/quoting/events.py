"""Quote-request events for the layer above, through the kernel outbox (listings imports nothing above).

When a buyer asks or a seller answers, an outbox event is written in the same transaction; the deal
app registers its notifier for these types. A rolled-back answer tells nobody; a broker outage
delays the notice, never loses it.
"""

from __future__ import annotations

from kernel import outbox

QUOTE_REQUESTED = "quote.requested"
QUOTE_ANSWERED = "quote.answered"
QUOTE_DECLINED = "quote.declined"
QUOTE_EVENT_TYPES = (QUOTE_REQUESTED, QUOTE_ANSWERED, QUOTE_DECLINED)


def quote_request_event_emit(event_type: str, *, quote_request) -> None:
    outbox.event_emit(
        event_type,
        subject=f"quote_request:{quote_request.pk}",
        payload={"type": event_type, "quote_request_id": quote_request.pk},
    )
