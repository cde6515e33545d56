"""The Stripe webhook endpoint: the only CSRF-exempt view of the app (Stripe signs; it has no cookie)."""

from __future__ import annotations

import logging

from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ..gateways.base import InvalidSignature
from ..services import webhook_event_receive

logger = logging.getLogger(__name__)
MAX_BODY = 512 * 1024  # Stripe events are far smaller; refuse anything that is not one


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """200 once the event is stored and processed (or was already); 400 for a bad signature, storing
    nothing; 500 when processing failed, so Stripe delivers it again."""
    if len(request.body) > MAX_BODY:
        return HttpResponseBadRequest("too large")
    try:
        event = webhook_event_receive(
            gateway="stripe", payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
    except ImproperlyConfigured:  # Stripe is not set up on this site: there is no such endpoint
        raise Http404 from None
    except InvalidSignature:
        logger.warning("stripe webhook with an invalid signature refused")
        return HttpResponseBadRequest("invalid signature")
    return HttpResponse("ok" if not event.processing_error else "recorded", content_type="text/plain")
