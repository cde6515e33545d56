"""Signing and verifying licence credentials (JWT, ES256) with only a JWKS and a status list.

``credential_verify`` is the offline verifier: it needs no database and no network. Give it the token,
the issuer's JWKS (``<prefix>/.well-known/jwks.json``) and the Status List Token the credential points
at (a string, a mapping of URL to token, or a callable fetching a URL)::

    from marketplace.trust.credentials import credential_verify
    check = credential_verify(token, jwks=jwks_dict, status_lists=lambda url: fetch(url))
    check.valid, check.reason, check.status, check.claims

Reasons (stable codes): ``malformed``, ``unknown_key``, ``bad_signature``, ``wrong_type``,
``wrong_issuer``, ``not_yet_valid``, ``expired``, ``wrong_licence``, ``status_unavailable``,
``revoked``, ``suspended``.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import ECKey, KeySet

from marketplace.trust.status_list import StatusListInvalid, status_list_entry, status_list_token_read

CREDENTIAL_TYP = "licence-credential+jwt"
STATUS_NAMES = {0: "valid", 1: "revoked", 2: "suspended"}

StatusLists = str | Mapping[str, str] | Callable[[str], str] | None


def credential_sign(claims: dict, key: ECKey) -> str:
    return jwt.encode(
        {"alg": "ES256", "kid": key.kid, "typ": CREDENTIAL_TYP}, claims, key, algorithms=["ES256"]
    )


@dataclass(frozen=True)
class CredentialCheck:
    valid: bool
    reason: str | None = None
    status: str = "unknown"  # valid, revoked, suspended, expired or unknown
    claims: dict = field(default_factory=dict)
    kid: str = ""

    @property
    def reference(self) -> str:
        return str((self.claims.get("licence") or {}).get("reference", ""))


def _header(token: str) -> dict:
    head = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))


def _keyset(jwks) -> KeySet:
    if isinstance(jwks, KeySet):
        return jwks
    if isinstance(jwks, str | bytes):
        jwks = json.loads(jwks)
    return KeySet([ECKey.import_key(entry) for entry in jwks.get("keys", []) if entry.get("kty") == "EC"])


def _status_token(status_lists: StatusLists, uri: str) -> str | None:
    if status_lists is None:
        return None
    if isinstance(status_lists, str):
        return status_lists
    if isinstance(status_lists, Mapping):
        return status_lists.get(uri)
    return status_lists(uri)


def credential_verify(
    token: str,
    *,
    jwks,
    status_lists: StatusLists,
    now: float | None = None,
    issuer: str | None = None,
    reference: str | None = None,
) -> CredentialCheck:
    """Check signature, type, issuer, validity window, licence and live status, in that order."""
    now = int(time.time() if now is None else now)
    token = (token or "").strip()
    try:
        header = _header(token)
        kid = str(header.get("kid", ""))
    except (ValueError, UnicodeDecodeError, AttributeError):
        return CredentialCheck(valid=False, reason="malformed")
    keys = _keyset(jwks)
    if not kid or not _has_kid(keys, kid):
        return CredentialCheck(valid=False, reason="unknown_key", kid=kid)
    try:
        decoded = jwt.decode(token, keys, algorithms=["ES256"])
    except BadSignatureError:
        return CredentialCheck(valid=False, reason="bad_signature", kid=kid)
    except Exception:  # a token that does not parse as a JWS/JWT at all
        return CredentialCheck(valid=False, reason="malformed", kid=kid)
    claims = dict(decoded.claims)
    if decoded.header.get("typ") != CREDENTIAL_TYP:
        return CredentialCheck(valid=False, reason="wrong_type", claims=claims, kid=kid)
    if issuer is not None and claims.get("iss") != issuer:
        return CredentialCheck(valid=False, reason="wrong_issuer", claims=claims, kid=kid)
    if reference is not None and (claims.get("licence") or {}).get("reference") != reference:
        return CredentialCheck(valid=False, reason="wrong_licence", claims=claims, kid=kid)
    if int(claims.get("nbf", 0)) > now:
        return CredentialCheck(valid=False, reason="not_yet_valid", status="valid", claims=claims, kid=kid)
    if int(claims.get("exp", 0)) <= now:
        return CredentialCheck(valid=False, reason="expired", status="expired", claims=claims, kid=kid)
    entry = ((claims.get("status") or {}).get("status_list")) or {}
    uri, index = entry.get("uri"), entry.get("idx")
    status_token = _status_token(status_lists, uri) if uri else None
    if status_token is None or not isinstance(index, int):
        return CredentialCheck(valid=False, reason="status_unavailable", claims=claims, kid=kid)
    try:
        document = status_list_token_read(status_token, keys=keys, uri=uri, now=now)
        value = status_list_entry(document, index)
    except (StatusListInvalid, IndexError, ValueError):
        return CredentialCheck(valid=False, reason="status_unavailable", claims=claims, kid=kid)
    status = STATUS_NAMES.get(value, "revoked")  # an unknown status value is never "valid"
    if status != "valid":
        return CredentialCheck(valid=False, reason=status, status=status, claims=claims, kid=kid)
    return CredentialCheck(valid=True, status="valid", claims=claims, kid=kid)


def _has_kid(keys: KeySet, kid: str) -> bool:
    return any(key.kid == kid for key in keys.keys)
