"""In the host project (e-mail-only users, zh-hans): a seller sets red lines through the API and invites a
buyer by e-mail to an invitation-only listing; the buyer pays and the licence (API, credential, page in
Chinese) carries the red lines and the invited project; a consent check for a red-line use is refused."""

from __future__ import annotations

import uuid

import pytest

from tests.marketplace.purchase_helpers import scope_for

from .helpers import as_json, signed_up, verified_seller_listing

pytestmark = pytest.mark.django_db(transaction=True)


def test_red_lines_and_an_invitation_by_e_mail_reach_the_licence():
    from listings.models import Listing
    from marketplace.models import Licence
    from marketplace.trust.models import LicenceCredential
    from marketplace.trust.selectors import credential_check_local

    seller, seller_client, listing_id = verified_seller_listing("seller@host.example")
    buyer_client = signed_up("buyer@host.example", "buyer")
    terms = {"terms": {"red_lines": ["villain", "minors"]}, "change_note": "red lines"}
    made = as_json(seller_client, "post", f"/faces/api/v1/listings/mine/{listing_id}/terms/", terms)
    assert made.status_code == 201 and made.json()["red_lines"] == ["villain", "minors"], made.content

    access = f"/faces/api/v1/listings/{listing_id}/access/"
    assert as_json(buyer_client, "get", access).status_code == 403
    assert as_json(seller_client, "put", access, {"mode": "invitation"}).status_code == 200
    invite = {"buyer": "BUYER@host.example", "title": "宫廷秘史", "role": "御医"}
    invited = as_json(seller_client, "post", access + "invitations/", invite)
    assert invited.status_code == 201, invited.content

    body = {
        "listing": listing_id,
        "scope": scope_for(Listing.objects.get(pk=listing_id)),
        "checkout_key": uuid.uuid4().hex,
    }
    ordered = as_json(buyer_client, "post", "/faces/api/v1/orders/", body)
    assert ordered.status_code == 201, ordered.content
    assert buyer_client.post(ordered.json()["checkout_url"], {"outcome": "succeed"}).status_code == 302
    licence = Licence.objects.get(reference=ordered.json()["reference"])
    seen = as_json(buyer_client, "get", f"/faces/api/v1/licences/{licence.reference}/").json()
    assert seen["red_lines"] == ["villain", "minors"] and seen["project"]["role"] == "御医"
    claims = credential_check_local(LicenceCredential.objects.get(licence=licence).token).claims
    assert claims["licence"]["red_lines"]["forbidden_themes"] == ["villain", "minors"]
    assert claims["project"]["title"] == "宫廷秘史"

    page = buyer_client.get(f"/faces/licences/{licence.reference}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert page.status_code == 200 and "反派或对立角色" in text and "御医" in text

    use = {
        "reference": licence.reference,
        "use_category": licence.scope["use_categories"][0],
        "medium": licence.scope["media"][0],
        "territory": licence.scope["territories"][0],
        "themes": ["villain"],
    }
    answer = as_json(buyer_client, "post", "/faces/api/v1/consent-checks/", use).json()
    assert answer["allowed"] is False and answer["reasons"][0]["code"] == "red_line"
