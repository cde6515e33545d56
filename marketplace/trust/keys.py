"""The platform's credential-signing keys: configured ones, or one generated once into the database.

Signing uses joserfc (an RFC-complete, typed JOSE library with a strict algorithm registry): ES256 on
P-256. Keys come, in order, from ``FACE_MARKET["CREDENTIAL_SIGNING_KEYS"]``, from the
``FACE_MARKET_CREDENTIAL_SIGNING_KEYS`` environment variable (a JSON list), or from ``TrustKey`` rows
(generated on first use: the zero-setup default, which ``marketplace.W101`` flags outside DEBUG). The
first key signs; every key is published in the JWKS, a retired database key until its last credential
has expired.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import transaction
from django.utils import timezone
from joserfc.jwk import ECKey

from marketplace.conf import market_settings
from marketplace.trust.models import LicenceCredential, TrustKey

ALGORITHM = "ES256"
ENV_KEYS = "FACE_MARKET_CREDENTIAL_SIGNING_KEYS"


@dataclass(frozen=True)
class SigningKeys:
    signer: ECKey
    published: tuple[ECKey, ...]
    source: str  # "settings", "environment" or "database"


_cache: dict[str, SigningKeys] = {}
_cache_loaded_at: dict[str, float] = {}


def _import(entry) -> ECKey:
    if isinstance(entry, str):
        entry = json.loads(entry)
    if not isinstance(entry, dict) or not entry.get("kid"):
        raise ImproperlyConfigured("Each credential signing key needs a 'kid'.")
    if "pem" in entry:
        key = ECKey.import_key(entry["pem"], parameters={"kid": entry["kid"], "alg": ALGORITHM, "use": "sig"})
    else:
        key = ECKey.import_key({**entry, "alg": ALGORITHM, "use": "sig"})
    if key.as_dict(private=False).get("crv") != "P-256" or not key.is_private:
        raise ImproperlyConfigured(f"Credential signing key {entry['kid']!r} must be a private P-256 key.")
    return key


def _configured() -> tuple[list, str]:
    keys = market_settings.CREDENTIAL_SIGNING_KEYS
    if keys:
        return list(keys), "settings"
    raw = os.environ.get(ENV_KEYS, "").strip()
    if raw:
        return list(json.loads(raw)), "environment"
    return [], "database"


def _key_from_row(row: TrustKey) -> ECKey:
    return ECKey.import_key(row.private_pem, parameters={"kid": row.kid, "alg": ALGORITHM, "use": "sig"})


def _database_keys(now) -> SigningKeys:
    rows = list(TrustKey.objects.filter(purpose=TrustKey.Purpose.CREDENTIAL))
    current = [row for row in rows if row.retired_at is None]
    if not current:
        current = [signing_key_generate()]
    live_kids = set(
        LicenceCredential.objects.filter(expires_at__gt=now).values_list("kid", flat=True).distinct()
    )
    published = [row for row in rows if row.retired_at is None or row.kid in live_kids]
    if current[0] not in published:
        published.insert(0, current[0])
    return SigningKeys(
        signer=_key_from_row(current[0]),
        published=tuple(_key_from_row(row) for row in published),
        source="database",
    )


#: how long a process trusts its copy of the database keys (another process may have rotated them)
DATABASE_KEYS_TTL_SECONDS = 30


def signing_keys(*, refresh: bool = False) -> SigningKeys:
    """The key that signs and the keys that are published (cached per process; ``refresh`` re-reads)."""
    entries, source = _configured()
    cached = None if refresh else _cache.get(source)
    if source != "database":
        if cached is None:
            keys = [_import(entry) for entry in entries]
            cached = _cache[source] = SigningKeys(signer=keys[0], published=tuple(keys), source=source)
        return cached
    if cached is None or time.monotonic() - _cache_loaded_at.get(source, 0.0) > DATABASE_KEYS_TTL_SECONDS:
        cached = _cache[source] = _database_keys(timezone.now())
        _cache_loaded_at[source] = time.monotonic()
    return cached


def signing_keys_source() -> str:
    return _configured()[1]


def jwks_document(*, refresh: bool = False) -> dict:
    """The JWKS (public halves only) served at ``<prefix>/.well-known/jwks.json``."""
    return {"keys": [key.as_dict(private=False) for key in signing_keys(refresh=refresh).published]}


@transaction.atomic
def signing_key_generate() -> TrustKey:
    """A new database key that signs from now on (the previous ones stay published while needed)."""
    key = ECKey.generate_key("P-256", private=True)
    kid = "fm-" + timezone.now().strftime("%Y%m%d") + "-" + secrets.token_hex(4)
    row = TrustKey.objects.create(
        purpose=TrustKey.Purpose.CREDENTIAL, kid=kid, private_pem=key.as_pem(private=True).decode()
    )
    transaction.on_commit(keys_cache_clear)
    keys_cache_clear()
    return row


@transaction.atomic
def signing_key_rotate() -> TrustKey:
    """Retire the current database key and start signing with a new one (``manage.py trust_key_rotate``)."""
    if signing_keys_source() != "database":
        raise ImproperlyConfigured("Keys come from settings: rotate by putting a new key first in the list.")
    now = timezone.now()
    TrustKey.objects.filter(purpose=TrustKey.Purpose.CREDENTIAL, retired_at__isnull=True).update(
        retired_at=now
    )
    return signing_key_generate()


def keys_cache_clear() -> None:
    _cache.clear()
    _cache_loaded_at.clear()


def _clear_cache(*, setting: str, **kwargs) -> None:
    if setting == "FACE_MARKET":
        keys_cache_clear()


setting_changed.connect(_clear_cache)
