"""Input no database can store is refused at the door: a NUL byte anywhere in a request's query,
path or body is a 400, never a 500 from PostgreSQL ("A string literal cannot contain NUL")."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from .errors import InvalidInput

NUL = "\x00"


def _nul_fields(value: Any, name: str) -> Iterable[str]:
    if isinstance(value, str):
        if NUL in value:
            yield name
    elif isinstance(value, bytes):
        if b"\x00" in value:
            yield name
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str) and NUL in key:
                yield name or str(key).replace(NUL, "")
            yield from _nul_fields(item, name or str(key))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _nul_fields(item, name)


def _multi_items(data) -> Any:
    lists = getattr(data, "lists", None)  # QueryDict: every value, not only the last of each key
    return dict(lists()) if callable(lists) else data


def refuse_nul_bytes(*, query=None, path_kwargs=None, data=None) -> None:
    """Raise ``InvalidInput`` naming the fields that hold a NUL byte (files are not inspected)."""
    fields: dict[str, list[str]] = {}
    for source in (query, path_kwargs, data):
        if not source:
            continue
        for name in _nul_fields(_multi_items(source), ""):
            fields.setdefault(name or "non_field_errors", [_("This field may not contain NUL characters.")])
    if fields:
        raise InvalidInput(
            _("The request contains NUL characters."), code="invalid_characters", fields=fields
        )


def _request_has_nul(request, path_kwargs) -> bool:
    sources = [request.GET, request.POST, path_kwargs, request.path_info]
    sources += [[upload.name or "" for upload in request.FILES.getlist(key)] for key in request.FILES]
    sources += [list(request.FILES)]
    return any(next(iter(_nul_fields(_multi_items(source), "")), None) is not None for source in sources)


def refuse_nul_in_pages(view):
    """A page view that answers a request carrying a NUL byte (query, form, path, file name) with the
    host's 400 page (``BadRequest``: Django renders ``400.html`` in the site's layout) before the
    view runs, so no NUL reaches a query."""
    from functools import wraps

    from django.core.exceptions import BadRequest

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if _request_has_nul(request, kwargs):
            raise BadRequest("NUL character in the request")
        return view(request, *args, **kwargs)

    guarded.refuses_nul = True
    return guarded


def guard_page_patterns(patterns):
    """Wrap every view of a page URLconf (``include()`` trees too) in ``refuse_nul_in_pages``; returns
    the patterns. One guard at the door instead of a check in each view."""
    from django.urls import URLPattern, URLResolver

    for entry in patterns:
        if isinstance(entry, URLResolver):
            guard_page_patterns(entry.url_patterns)
        elif isinstance(entry, URLPattern) and not getattr(entry.callback, "refuses_nul", False):
            entry.callback = refuse_nul_in_pages(entry.callback)
    return patterns
