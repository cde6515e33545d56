"""IETF Token Status List (draft-ietf-oauth-status-list): packing, signing and reading a list.

A list is a byte array of ``bits``-wide entries (entry ``i`` at bit ``i * bits``, least significant bit
first), compressed with zlib (DEFLATE) and base64url-encoded as ``lst``. The Status List Token is a JWT
(``typ: statuslist+jwt``) whose ``sub`` is the list's URL, with ``iat``, ``exp`` and ``ttl``.
Pure functions: nothing here touches the database, so the offline verifier uses them too.
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Iterable

from joserfc import jwt
from joserfc.jwk import ECKey, KeySet

STATUS_LIST_TYP = "statuslist+jwt"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def status_list_pack(entries: Iterable[tuple[int, int]], *, size: int, bits: int = 2) -> dict:
    """``{"bits", "lst"}`` for a list of ``size`` entries where ``entries`` gives (index, status)."""
    if bits not in (1, 2, 4, 8):
        raise ValueError("bits must be 1, 2, 4 or 8")
    raw = bytearray((size * bits + 7) // 8)
    mask = (1 << bits) - 1
    for index, status in entries:
        if not 0 <= index < size or not 0 <= status <= mask:
            raise ValueError("status entry out of range")
        position = index * bits
        raw[position // 8] |= status << (position % 8)
    return {"bits": bits, "lst": _b64url(zlib.compress(bytes(raw), 9))}


def status_list_entry(status_list: dict, index: int) -> int:
    """The status at ``index`` of a ``{"bits", "lst"}`` document (IndexError if outside the list)."""
    bits = int(status_list["bits"])
    raw = zlib.decompress(_b64url_decode(status_list["lst"]))
    position = index * bits
    if index < 0 or position // 8 >= len(raw):
        raise IndexError("status index outside the list")
    return (raw[position // 8] >> (position % 8)) & ((1 << bits) - 1)


def status_list_token_sign(*, uri: str, status_list: dict, key: ECKey, issued_at: int, ttl: int) -> str:
    header = {"alg": "ES256", "kid": key.kid, "typ": STATUS_LIST_TYP}
    claims = {
        "sub": uri,
        "iat": issued_at,
        # a verifier must fetch again after ttl; exp is the hard limit of a cached copy
        "exp": issued_at + max(ttl * 20, 600),
        "ttl": ttl,
        "status_list": status_list,
    }
    return jwt.encode(header, claims, key, algorithms=["ES256"])


class StatusListInvalid(Exception):
    """The status list token is not one this JWKS signed, or it is malformed or stale."""


def status_list_token_read(token: str, *, keys: KeySet, uri: str, now: int) -> dict:
    """Verify a Status List Token against the JWKS and return its ``status_list`` document."""
    try:
        decoded = jwt.decode(token, keys, algorithms=["ES256"])
    except Exception as exc:  # joserfc raises several error types; all mean "not ours"
        raise StatusListInvalid(f"status list signature: {type(exc).__name__}") from exc
    if decoded.header.get("typ") != STATUS_LIST_TYP:
        raise StatusListInvalid("not a status list token")
    claims = decoded.claims
    if claims.get("sub") != uri:
        raise StatusListInvalid("status list for another URL")
    if int(claims.get("exp", 0)) <= now:
        raise StatusListInvalid("status list expired")
    document = claims.get("status_list")
    if not isinstance(document, dict) or "lst" not in document or "bits" not in document:
        raise StatusListInvalid("status list document missing")
    return document
