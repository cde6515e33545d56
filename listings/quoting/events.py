"""Quote-request events for the layer above, without importing it.

When a buyer asks or a seller answers, the callables named in
``FACE_MARKET["QUOTE_REQUEST_EVENT_HANDLERS"]`` (the marketplace's notifier by default) are called
after commit with a small dict: a rolled-back answer tells nobody, and listings never imports them.
"""

from __future__ import annotations

import logging
from functools import partial

from django.db import transaction
from django.utils.module_loading import import_string

from marketplace.conf import market_settings

logger = logging.getLogger(__name__)

QUOTE_REQUESTED = "quote.requested"
QUOTE_ANSWERED = "quote.answered"
QUOTE_DECLINED = "quote.declined"


def quote_request_event_emit(event_type: str, *, quote_request) -> None:
    payload = {"type": event_type, "quote_request_id": quote_request.pk}
    transaction.on_commit(partial(_dispatch, payload), robust=True)


def _dispatch(payload: dict) -> None:
    for path in market_settings.QUOTE_REQUEST_EVENT_HANDLERS:
        try:
            import_string(path)(payload)
        except Exception:  # a notifier failing must not undo a committed answer
            logger.exception("quote event handler %s failed on %s", path, payload["type"])
