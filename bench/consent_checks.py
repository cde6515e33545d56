"""Consent checks a second (with and without a face image) and credential verifications a second,
against the raw cost of one ES256 signature verification.

    .venv/bin/python bench/consent_checks.py                 # a throw-away SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/face_market .venv/bin/python bench/consent_checks.py

It migrates its own database (PostgreSQL: created and dropped; SQLite: a temporary file), buys a few
licences through the real sandbox purchase flow (which issues their credentials), enrols the seller's
face template from a real photo with the configured engine, then measures, one thread:

- raw: one ES256 signature verification with ``cryptography`` (the floor), and joserfc's JWT decode;
- offline credential verification (``credential_verify``: credential signature, claims, status-list
  token signature, zlib-inflated list, entry) with the JWKS and list in memory;
- local verification (``credential_check_local``: the same, reading keys and list from the database);
- ``POST /api/v1/consent-checks/`` through DRF's test client (auth, throttle, validation, receipt row),
  without and with a face image (the face image is decoded, detected and embedded by the engine).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PEOPLE = ROOT / "tests" / "data" / "faces" / "people"


def timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def row(label: str, seconds: list[float], floor: float | None = None) -> str:
    p50 = statistics.median(seconds)
    rate = len(seconds) / sum(seconds)
    ratio = f"  x{p50 / floor:7.1f} the raw verification" if floor else ""
    return f"{label:<52} {rate:10.1f}/s   p50 {p50 * 1000:8.3f} ms   (n={len(seconds)}){ratio}"


def setup(n_licences: int):
    import importlib

    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.core.management import call_command
    from django.utils import timezone

    from listings.models import LicenceTermsTemplate, SellerProfile, Tier
    from listings.services import listing_create
    from listings.state import ListingStatus
    from marketplace.services import order_create, user_role_grant
    from payouts.selectors import payment_for_reference
    from payouts.services import sandbox_payment_complete
    from tests.marketplace.purchase_helpers import key, scope_for
    from verification.engine_registry import get_face_engine
    from verification.models import FaceTemplate
    from verification.photos import photo_embedding
    from verification.services.templates import face_template_enroll

    call_command("migrate", verbosity=0, skip_checks=True)
    importlib.import_module("listings.migrations.0003_seed_tiers_and_terms_templates").seed(apps, None)
    User = get_user_model()
    seller = User.objects.create_user(username="bench-seller", password=None)
    user_role_grant(user=seller, role="seller")
    SellerProfile.objects.create(user=seller, display_name="Bench", bio="", languages=["zh"], tags=[])
    listing = listing_create(
        seller=seller,
        tier=Tier.objects.get(slug="lead"),
        title="Bench face",
        annual_price_minor=1_500_000,
        template=LicenceTermsTemplate.objects.get(slug="lead-drama-advertising"),
    )
    type(listing).objects.filter(pk=listing.pk).update(
        status=ListingStatus.PUBLISHED, published_at=timezone.now()
    )
    listing.refresh_from_db()
    buyer = User.objects.create_user(username="bench-buyer", password=None)
    user_role_grant(user=buyer, role="buyer")
    licences = []
    for _ in range(n_licences):
        order = order_create(buyer=buyer, listing_id=listing.pk, scope=scope_for(listing), checkout_key=key())
        payment = payment_for_reference(reference=order.reference)
        sandbox_payment_complete(gateway_payment_id=payment.gateway_payment_id, user=buyer, succeeded=True)
        order.refresh_from_db()
        licences.append(order.licence)
    tool = User.objects.create_user(username="bench-tool", password=None)
    tool.user_permissions.add(Permission.objects.get(codename="check_consent"))
    engine = get_face_engine()
    _clean, embedding = photo_embedding((PEOPLE / "obama.jpg").read_bytes(), engine=engine)
    face_template_enroll(
        kind=FaceTemplate.Kind.SELLER, embedding=embedding, engine=engine, subject_user=seller
    )
    return licences, tool


def measure(args) -> None:
    import base64
    import json

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import override_settings
    from joserfc import jwt
    from joserfc.jwk import ECKey, KeySet
    from rest_framework.test import APIClient

    from marketplace.trust.credentials import credential_verify
    from marketplace.trust.keys import jwks_document
    from marketplace.trust.models import LicenceCredential, StatusList
    from marketplace.trust.selectors import credential_check_local

    licences, tool = setup(args.licences)
    token = LicenceCredential.objects.get(licence=licences[0]).token
    jwks = jwks_document()
    status_token = StatusList.objects.get().token
    public = ECKey.import_key(jwks["keys"][0])
    head, payload, signature = token.split(".")
    raw_sig = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    der = encode_dss_signature(int.from_bytes(raw_sig[:32], "big"), int.from_bytes(raw_sig[32:], "big"))
    crypto_key = public.public_key
    message = f"{head}.{payload}".encode()

    print(
        f"database: {os.environ['DATABASE_URL'].split('@')[-1]}, credential {len(token)} bytes, "
        f"status list token {len(status_token)} bytes"
    )
    raw = timed(lambda: crypto_key.verify(der, message, ec.ECDSA(hashes.SHA256())), args.n)
    floor = statistics.median(raw)
    print(row("raw ES256 verify (cryptography)", raw))
    keyset = KeySet([public])
    print(row("joserfc jwt.decode (parse + verify)", timed(lambda: jwt.decode(token, keyset), args.n), floor))
    offline = timed(lambda: credential_verify(token, jwks=jwks, status_lists=status_token), args.n)
    assert credential_verify(token, jwks=jwks, status_lists=status_token).valid
    print(row("credential_verify, offline (JWKS + list in memory)", offline, floor))
    local = timed(lambda: credential_check_local(token), max(args.n // 4, 50))
    print(row("credential_check_local (keys + list from the DB)", local, floor))

    client = APIClient()
    client.force_authenticate(tool)
    scope = licences[0].scope
    body = {
        "reference": licences[0].reference,
        "use_category": scope["use_categories"][0],
        "medium": scope["media"][0],
        "territory": scope["territories"][0],
        "expected_views": 50_000,
    }
    with override_settings(FACE_MARKET={"CONSENT_CHECK_RATE": "1000000/min"}):

        def plain():
            response = client.post("/api/v1/consent-checks/", body, format="json")
            assert response.status_code == 200 and response.json()["allowed"], response.content

        print(row("POST consent-checks/, no face image", timed(plain, args.checks), floor))
        still = (PEOPLE / "obama2.jpg").read_bytes()

        def with_face():
            upload = SimpleUploadedFile("still.jpg", still, content_type="image/jpeg")
            response = client.post(
                "/api/v1/consent-checks/", {**body, "face_image": upload}, format="multipart"
            )
            answer = response.json()
            assert response.status_code == 200 and answer["face"]["matched"], json.dumps(answer)

        print(
            row(
                f"POST consent-checks/, face image ({len(still) // 1024} KiB)",
                timed(with_face, args.face_checks),
                floor,
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="signature / credential verifications")
    parser.add_argument("--checks", type=int, default=200, help="consent checks without an image")
    parser.add_argument("--face-checks", type=int, default=10, help="consent checks with an image")
    parser.add_argument("--licences", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        from bench._pg import bench_database

        context = bench_database("trust")
    else:
        handle, path = tempfile.mkstemp(suffix=".sqlite3", prefix="bench-trust-")
        os.close(handle)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        context = contextlib.nullcontext()
    with context:
        import django

        django.setup()
        measure(args)


if __name__ == "__main__":
    main()
