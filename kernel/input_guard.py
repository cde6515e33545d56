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
