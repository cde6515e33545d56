"""System checks of the payouts app (stable ids ``payouts.E0xx`` and ``payouts.W0xx``)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.utils.module_loading import import_string

from payouts.conf import payouts_settings


@register()
def check_payouts_settings(app_configs=None, **kwargs) -> list:
    from .gateways.base import PaymentGateway

    errors = []
    path = payouts_settings.raw("PAYMENT_GATEWAY")
    gateway = None
    try:
        gateway = import_string(path) if isinstance(path, str) else path
    except ImportError as exc:
        errors.append(
            Error(
                f"FACE_MARKET['PAYMENT_GATEWAY'] = {path!r} cannot be imported: {exc}",
                hint="Use payouts.gateways.sandbox.SandboxGateway or "
                "payouts.gateways.stripe_gateway.StripeGateway.",
                id="payouts.E001",
            )
        )
    if gateway is not None and not (isinstance(gateway, type) and issubclass(gateway, PaymentGateway)):
        errors.append(
            Error(
                f"FACE_MARKET['PAYMENT_GATEWAY'] = {path!r} is not a PaymentGateway.",
                hint="Subclass payouts.gateways.base.PaymentGateway.",
                id="payouts.E001",
            )
        )
        gateway = None
    if gateway is not None and getattr(gateway, "name", "") == "stripe":
        if not getattr(settings, "STRIPE_SECRET_KEY", ""):
            errors.append(
                Error(
                    "The Stripe gateway is configured but STRIPE_SECRET_KEY is not set.",
                    hint="Set the STRIPE_SECRET_KEY environment variable (sk_live_... or sk_test_...).",
                    id="payouts.E002",
                )
            )
        if not getattr(settings, "STRIPE_WEBHOOK_SECRET", ""):
            errors.append(
                Error(
                    "The Stripe gateway is configured but STRIPE_WEBHOOK_SECRET is not set: "
                    "no webhook could be verified, so no payment would ever be recorded.",
                    hint="Set STRIPE_WEBHOOK_SECRET to the endpoint's signing secret (whsec_...).",
                    id="payouts.E003",
                )
            )
        if not getattr(settings, "STRIPE_PUBLISHABLE_KEY", ""):
            errors.append(
                Warning(
                    "The Stripe gateway is configured but STRIPE_PUBLISHABLE_KEY is not set: "
                    "buyers cannot pay on the order page (Stripe.js needs it).",
                    hint="Set STRIPE_PUBLISHABLE_KEY (pk_live_... or pk_test_...).",
                    id="payouts.W001",
                )
            )
    bps = payouts_settings.raw("PLATFORM_COMMISSION_BPS")
    if isinstance(bps, bool) or not isinstance(bps, int) or not 0 <= bps <= 10_000:
        errors.append(
            Error(
                "FACE_MARKET['PLATFORM_COMMISSION_BPS'] must be an int between 0 and 10000 (basis points).",
                id="payouts.E004",
            )
        )
    return errors


@register(Tags.database)
def check_failed_webhook_events(app_configs=None, databases=None, **kwargs) -> list:
    """Gateway events that failed for good need a person: each may be a payment nobody recorded."""
    if not databases or "default" not in databases:
        return []  # run with the database checks only (migrate, `check --database default`)
    from django.db import connection

    from .models import WebhookEvent
    from .state import WebhookEventStatus

    if WebhookEvent._meta.db_table not in connection.introspection.table_names():
        return []  # not migrated yet (migrate runs database checks first)
    columns = {
        c.name
        for c in connection.introspection.get_table_description(
            connection.cursor(), WebhookEvent._meta.db_table
        )
    }
    if "status" not in columns:
        return []
    failed = WebhookEvent.objects.filter(status=WebhookEventStatus.FAILED).count()
    if not failed:
        return []
    return [
        Warning(
            f"{failed} payment gateway event(s) failed the same way "
            f"{payouts_settings.WEBHOOK_EVENT_MAX_SAME_FAILURES} times and are no longer retried.",
            hint="Open the ledger page (staff) or the admin's webhook events filtered by status 'Failed', "
            "fix the cause, then process them again with the admin action.",
            id="payouts.W010",
        )
    ]
