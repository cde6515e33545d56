"""URLs an upper app lends to a lower one, by purpose, so no lower app names an upper app's URLs.

The deal app registers, in its ``AppConfig.ready()``, what a listing page links to
(``links.link_register("listing.checkout", lambda listing_id: reverse(...))``); the listings app asks
``links.url_for("listing.checkout", listing.pk)`` and gets "" when nothing registered that purpose
(a host that installed listings without the deal).
"""

from __future__ import annotations

from collections.abc import Callable

_LINKS: dict[str, Callable[..., str]] = {}


def link_register(purpose: str, build: Callable[..., str]) -> None:
    _LINKS[purpose] = build


def url_for(purpose: str, *args) -> str:
    build = _LINKS.get(purpose)
    if build is None:
        return ""
    try:
        return build(*args) or ""
    except Exception:  # a URLconf without that page: the link is simply not offered
        return ""
