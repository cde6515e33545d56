"""Payment gateways: the configured one (``FACE_MARKET["PAYMENT_GATEWAY"]``) and lookup by stored name."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from payouts.conf import payouts_settings

from .base import PaymentGateway

#: built-in gateways by the name stored on records, so a record made through one can still be
#: refunded or reconciled after the site switches to another
BUILT_IN = {
    "sandbox": "payouts.gateways.sandbox.SandboxGateway",
    "stripe": "payouts.gateways.stripe_gateway.StripeGateway",
}


def gateway_class() -> type[PaymentGateway]:
    cls = payouts_settings.PAYMENT_GATEWAY
    if not (isinstance(cls, type) and issubclass(cls, PaymentGateway)):
        raise ImproperlyConfigured("FACE_MARKET['PAYMENT_GATEWAY'] is not a PaymentGateway subclass")
    return cls


def get_gateway(name: str | None = None) -> PaymentGateway:
    """The configured gateway, or the one called ``name`` (the gateway a record was made through)."""
    cls = gateway_class()
    if name is None or name == cls.name:
        return cls()
    if name in BUILT_IN:
        return import_string(BUILT_IN[name])()
    raise ImproperlyConfigured(f"No payment gateway called {name!r} is available")


def sandbox_enabled() -> bool:
    """The sandbox pages work only while the sandbox is the configured gateway: a leftover sandbox
    session must never "pay" for a licence on a site that takes real money."""
    return gateway_class().name == "sandbox"
