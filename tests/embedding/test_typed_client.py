"""A typed client generated from the served OpenAPI schema (openapi-python-client) drives the buyer loop.

On the site (token authentication). In the host project it waits for the plugin base API view, which
declares the plugin's own authentication classes: under DRF's defaults a token is not read at all.

Generation must print no warning (every model and operation kept), the package must compile with
warnings as errors, and its typed calls run the loop over real HTTP against a live server: token,
catalogue, quote, order, (the sandbox gateway's page,) order licensed, licence listed.
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.test import Client

from tests.marketplace.purchase_helpers import scope_for

PASSWORD = "a sturdy site pass phrase 42"

pytestmark = pytest.mark.django_db(transaction=True)

PACKAGE = "face_licence_marketplace_api_client"
#: the stills endpoint answers with the still's own image type; the client treats each as bytes
GENERATOR_CONFIG = """content_type_overrides:
  image/jpeg: application/octet-stream
  image/png: application/octet-stream
  image/webp: application/octet-stream
"""


@pytest.fixture
def typed_client_package(tmp_path):
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    (tmp_path / "schema.json").write_bytes(schema.content)
    (tmp_path / "config.yaml").write_text(GENERATOR_CONFIG)
    generator = shutil.which("openapi-python-client", path=str(Path(sys.executable).parent))
    assert generator, "openapi-python-client is in requirements-dev.txt"
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}
    result = subprocess.run(  # noqa: S603
        [generator, "generate", "--path", "schema.json", "--config", "config.yaml", "--meta", "none",
         "--output-path", PACKAGE],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "warning" not in output.lower() and "error" not in output.lower(), output
    built = subprocess.run(  # noqa: S603
        [sys.executable, "-W", "error", "-m", "compileall", "-q", PACKAGE],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert built.returncode == 0 and not built.stdout and not built.stderr, built.stdout + built.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def published_listing_of_a_verified_seller(make_user):
    """A seller verified by the real liveness flow on the shipped clip, with one published listing."""
    from listings.models import LicenceTermsTemplate, Tier
    from listings.services import listing_create, listing_publish, seller_profile_upsert
    from marketplace.demo import demo_seller_verify

    importlib.import_module("listings.migrations.0003_seed_tiers_and_terms_templates").seed(apps, None)
    seller = make_user("seller1", "seller")
    assert demo_seller_verify(seller)
    seller_profile_upsert(
        user=seller, display_name="Seller One", bio="Actor.", languages=["zh"], tags=["30s"]
    )
    listing = listing_create(
        seller=seller,
        tier=Tier.objects.get(slug="lead"),
        title="Calm face for period dramas",
        annual_price_minor=1_500_000,
        template=LicenceTermsTemplate.objects.get(slug="lead-drama-advertising"),
    )
    return listing_publish(listing=listing, actor=seller)


def test_the_typed_client_drives_the_buyer_loop(typed_client_package, live_server, make_user):
    from listings.models import Listing

    api = importlib.import_module(f"{PACKAGE}.api")
    models = importlib.import_module(f"{PACKAGE}.models")
    client_module = importlib.import_module(f"{PACKAGE}.client")
    for module_name in ("auth", "listings", "orders", "licences"):
        importlib.import_module(f"{api.__name__}.{module_name}")
    for part in (
        "auth.auth_token_create",
        "listings.listings_catalogue_list",
        "orders.orders_create",
        "orders.orders_retrieve",
        "licences.licences_list",
        "listings.listings_catalogue_quote_create",
    ):
        importlib.import_module(f"{api.__name__}.{part}")  # fmt: skip

    listing_id = published_listing_of_a_verified_seller(make_user).pk
    buyer_user = make_user("buyer1", "buyer", password=PASSWORD)
    buyer_pages = Client()
    buyer_pages.force_login(buyer_user)

    anonymous = client_module.Client(base_url=live_server.url)
    issued = api.auth.auth_token_create.sync(
        client=anonymous, body=models.TokenRequest(username="buyer1", password=PASSWORD)
    )
    assert isinstance(issued, models.IssuedToken)
    buyer = client_module.AuthenticatedClient(base_url=live_server.url, token=issued.token, prefix="Token")

    catalogue = api.listings.listings_catalogue_list.sync(client=buyer)
    assert [item.id for item in catalogue.results] == [listing_id]

    scope = scope_for(Listing.objects.get(pk=listing_id))
    quote = api.listings.listings_catalogue_quote_create.sync(
        listing_id, client=buyer, body=models.QuoteScope.from_dict(scope)
    )
    assert isinstance(quote, models.Quote) and quote.total_minor > 0
    assert isinstance(quote.scope, models.QuoteScope)  # the named model, no duplicate

    created = api.orders.orders_create.sync_detailed(
        client=buyer,
        body=models.OrderCreate(
            listing=listing_id, scope=models.OrderCreateScope.from_dict(scope), checkout_key=uuid.uuid4().hex
        ),
    )
    order = created.parsed
    assert created.status_code == 201, created.content
    assert isinstance(order, models.Order) and order.status == "pending_payment"
    assert order.amount.amount_minor == quote.total_minor

    # the payment provider's page (the sandbox gateway's stand-in), pressed as the buyer
    assert buyer_pages.post(order.checkout_url, {"outcome": "succeed"}).status_code == 302

    paid = api.orders.orders_retrieve.sync(order.id, client=buyer)
    assert paid.status == "licensed" and paid.licence
    licences = api.licences.licences_list.sync(client=buyer)
    assert [licence.reference for licence in licences.results] == [paid.licence]
