"""Which endpoint addresses the platform may call (server-side request forgery guard).

Only http(s) URLs without credentials. The host name is resolved and every address it resolves to must
be public, unless ``WEBHOOK_ALLOW_PRIVATE_URLS`` (private networks and loopback: hosts calling their
own internal services) or ``WEBHOOK_ALLOW_LOOPBACK_URLS`` (loopback only; by default only with DEBUG).
Link-local (cloud metadata at 169.254.169.254), multicast, unspecified and reserved addresses are
always refused. The check runs at registration and again at each attempt, and the request then goes
to the address that was checked, so a DNS answer that changes in between cannot redirect it.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from marketplace.conf import market_settings


class AddressRefused(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _loopback_allowed() -> bool:
    configured = market_settings.WEBHOOK_ALLOW_LOOPBACK_URLS
    return bool(settings.DEBUG if configured is None else configured)


def address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_link_local or ip.is_multicast or ip.is_unspecified or ip.is_reserved:
        return False
    if ip.is_loopback:
        return market_settings.WEBHOOK_ALLOW_PRIVATE_URLS or _loopback_allowed()
    if ip.is_private or not ip.is_global:
        return bool(market_settings.WEBHOOK_ALLOW_PRIVATE_URLS)
    return True


def url_parts(url: str):
    """(scheme, host, port) of an acceptable URL, or :class:`AddressRefused`."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise AddressRefused(_("Only http and https URLs can receive webhooks."))
    if parts.username or parts.password:
        raise AddressRefused(_("The URL must not contain a user name or password."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise AddressRefused(_("The URL's port is not valid.")) from None
    if not parts.hostname:
        raise AddressRefused(_("The URL has no host."))
    return parts.scheme, parts.hostname, port


def resolve_checked(host: str, port: int) -> str:
    """The address to connect to: the first of the host's addresses, if every one is allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise AddressRefused(_("The URL's host name cannot be resolved.")) from None
    addresses = [info[4][0] for info in infos]
    if not addresses or not all(address_allowed(address) for address in addresses):
        raise AddressRefused(_("The URL points to a private or reserved network address."))
    return addresses[0]


def url_check(url: str) -> str:
    """The address ``url`` is delivered to, or :class:`AddressRefused` saying why it may not be."""
    _scheme, host, port = url_parts(url)
    return resolve_checked(host, port)
