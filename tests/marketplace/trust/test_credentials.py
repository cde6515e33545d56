"""Licence credentials: issued with the licence, verified by an independent JOSE library (jwcrypto)
against the served JWKS and status list; rotation; every refusal with its reason."""

from __future__ import annotations

import base64
import json
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from joserfc import jwt as joserfc_jwt
from joserfc.jwk import ECKey
from jwcrypto import jwk as jwc_jwk
from jwcrypto import jwt as jwc_jwt

from marketplace.trust.credentials import credential_verify
from marketplace.trust.keys import jwks_document, keys_cache_clear, signing_key_rotate
from marketplace.trust.models import CredentialStatus, LicenceCredential
from marketplace.trust.selectors import credential_check_local, status_list_by_uri
from marketplace.trust.status_list import status_list_entry

from .conftest import api

pytestmark = pytest.mark.django_db


def served_jwks(client) -> dict:
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200 and response["Cache-Control"].startswith("public")
    return response.json()


def jwcrypto_verify(token: str, jwks: dict) -> dict:
    """Verify with jwcrypto, a second JOSE implementation, so joserfc is not marking its own homework."""
    keyset = jwc_jwk.JWKSet.from_json(json.dumps(jwks))
    verified = jwc_jwt.JWT(jwt=token, key=keyset, algs=["ES256"], check_claims={"exp": None})
    return json.loads(verified.claims)


def served_status(client, claims: dict, jwks: dict) -> int:
    entry = claims["status"]["status_list"]
    path = entry["uri"].removeprefix("http://localhost")
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/statuslist+jwt"
    assert "max-age=" in response["Cache-Control"]
    list_claims = jwcrypto_verify(response.content.decode(), jwks)
    assert list_claims["sub"] == entry["uri"]
    return status_list_entry(list_claims["status_list"], entry["idx"])


def test_a_paid_licence_gets_a_credential_that_jwcrypto_verifies_against_the_served_jwks(client, licence):
    credential = LicenceCredential.objects.get(licence=licence)  # issued by the on-commit hook
    jwks = served_jwks(client)
    assert all("d" not in key for key in jwks["keys"])  # public halves only
    claims = jwcrypto_verify(credential.token, jwks)
    assert claims["licence"]["reference"] == licence.reference
    assert claims["licence"]["scope"]["use_categories"] == licence.scope["use_categories"]
    assert claims["licence"]["scope"]["ai_training"] is False
    assert claims["licence"]["red_lines"]["ai_training"] == "forbidden"
    assert claims["licence"]["terms_hash"].startswith("sha256:")
    assert claims["sub"].startswith("face:") and claims["face"]["id"] == claims["sub"]
    assert claims["licensee"]["id"].startswith("org:") and "organisation" not in claims["licensee"]
    assert claims["exp"] == int(licence.ends_at.timestamp())
    token_text = json.dumps(claims)
    assert licence.seller.username not in token_text and licence.seller.email not in token_text
    assert served_status(client, claims, jwks) == CredentialStatus.VALID
    assert credential_check_local(credential.token).valid


def test_the_credential_api_is_for_the_licence_parties_only(licence, make_user):
    response = api(licence.buyer).get(f"/api/v1/licences/{licence.reference}/credential/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "valid" and body["format"] == "jwt"
    assert body["jwks_uri"] == "http://localhost/.well-known/jwks.json"
    assert body["verify_url"].endswith(f"/verify/{licence.reference}")
    assert api(licence.seller).get(f"/api/v1/licences/{licence.reference}/credential/").status_code == 200
    stranger = make_user("stranger", "buyer")
    refused = api(stranger).get(f"/api/v1/licences/{licence.reference}/credential/")
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    assert api().get(f"/api/v1/licences/{licence.reference}/credential/").status_code == 401


def test_the_same_licence_keeps_its_credential_and_a_changed_one_gets_a_new_one(licence):
    from marketplace.trust.services import credential_issue

    first = LicenceCredential.objects.get(licence=licence)
    assert credential_issue(licence_id=licence.pk).pk == first.pk  # idempotent
    licence.ends_at += timedelta(days=30)
    licence.save(update_fields=["ends_at"])
    second = credential_issue(licence_id=licence.pk)
    first.refresh_from_db()
    assert second.pk != first.pk and first.superseded_at is not None
    assert first.status == CredentialStatus.INVALID
    assert credential_check_local(first.token).reason == "revoked"
    assert credential_check_local(second.token).valid


def test_key_rotation_keeps_old_tokens_verifiable_until_they_expire(client, licence, buy, published_listing):
    old = LicenceCredential.objects.get(licence=licence)
    new_key = signing_key_rotate()
    newer_licence = buy(published_listing)
    newer = LicenceCredential.objects.get(licence=newer_licence)
    assert newer.kid == new_key.kid != old.kid
    jwks = served_jwks(client)
    assert {key["kid"] for key in jwks["keys"]} == {old.kid, new_key.kid}
    jwcrypto_verify(old.token, jwks), jwcrypto_verify(newer.token, jwks)
    assert credential_check_local(old.token).valid and credential_check_local(newer.token).valid
    # once every token of the retired key has expired, the key is no longer published
    LicenceCredential.objects.filter(kid=old.kid).update(expires_at=timezone.now() - timedelta(seconds=1))
    keys_cache_clear()  # a process re-reads the database keys every DATABASE_KEYS_TTL_SECONDS
    assert [key["kid"] for key in served_jwks(client)["keys"]] == [new_key.kid]


def test_keys_from_settings_sign_with_the_first_and_publish_all(licence):
    first = ECKey.generate_key("P-256", private=True, parameters={"kid": "ops-2026-12"})
    second = ECKey.generate_key("P-256", private=True, parameters={"kid": "ops-2026-06"})
    keys = [first.as_dict(private=True), {"kid": "ops-2026-06", "pem": second.as_pem(private=True).decode()}]
    with override_settings(FACE_MARKET={"CREDENTIAL_SIGNING_KEYS": keys}):
        from marketplace.trust.services import credential_issue

        licence.ends_at += timedelta(days=1)
        licence.save(update_fields=["ends_at"])
        credential = credential_issue(licence_id=licence.pk)
        assert credential.kid == "ops-2026-12"
        assert [key["kid"] for key in jwks_document()["keys"]] == ["ops-2026-12", "ops-2026-06"]
        assert credential_check_local(credential.token).valid


def _lists():
    return status_list_by_uri


def test_refusals_each_with_their_reason(licence, buy, published_listing):
    token = LicenceCredential.objects.get(licence=licence).token
    jwks = jwks_document()
    header, payload, signature = token.split(".")
    tampered_payload = json.loads(json.dumps(credential_check_local(token).claims))
    tampered_payload["licence"]["scope"]["ai_training"] = True
    forged = base64.urlsafe_b64encode(json.dumps(tampered_payload).encode()).rstrip(b"=").decode()
    check = credential_verify(f"{header}.{forged}.{signature}", jwks=jwks, status_lists=_lists())
    assert (check.valid, check.reason) == (False, "bad_signature")

    kid = jwks["keys"][0]["kid"]
    impostor = ECKey.generate_key("P-256", private=True, parameters={"kid": kid})
    same_kid = joserfc_jwt.encode(
        {"alg": "ES256", "kid": kid, "typ": "licence-credential+jwt"}, tampered_payload, impostor
    )
    assert credential_verify(same_kid, jwks=jwks, status_lists=_lists()).reason == "bad_signature"
    other = ECKey.generate_key("P-256", private=True, parameters={"kid": "somebody-else"})
    foreign = joserfc_jwt.encode(
        {"alg": "ES256", "kid": "somebody-else", "typ": "licence-credential+jwt"}, tampered_payload, other
    )
    assert credential_verify(foreign, jwks=jwks, status_lists=_lists()).reason == "unknown_key"

    later = licence.ends_at.timestamp() + 1
    expired = credential_verify(token, jwks=jwks, status_lists=_lists(), now=later)
    assert (expired.valid, expired.reason, expired.status) == (False, "expired", "expired")

    other_licence = buy(published_listing)
    wrong = credential_verify(token, jwks=jwks, status_lists=_lists(), reference=other_licence.reference)
    assert (wrong.valid, wrong.reason) == (False, "wrong_licence")
    assert credential_verify("not-a-token", jwks=jwks, status_lists=_lists()).reason == "malformed"
    assert credential_verify(token, jwks=jwks, status_lists=None).reason == "status_unavailable"
    assert credential_verify(token, jwks=jwks, status_lists=_lists(), now=time.time()).valid


def test_licence_verify_command_works_from_files_only(tmp_path, licence, capsys):
    from marketplace.trust.models import StatusList

    token = LicenceCredential.objects.get(licence=licence).token
    (tmp_path / "jwks.json").write_text(json.dumps(jwks_document()))
    (tmp_path / "list.jwt").write_text(StatusList.objects.get().token)
    (tmp_path / "token.jwt").write_text(token)
    args = ["@" + str(tmp_path / "token.jwt"), "--jwks", str(tmp_path / "jwks.json")]
    call_command("licence_verify", *args, "--status-list", str(tmp_path / "list.jwt"))
    result = json.loads(capsys.readouterr().out)
    assert result["valid"] is True and result["reference"] == licence.reference
    with pytest.raises(SystemExit) as exit_info:
        call_command("licence_verify", token, "--reference", "FL-SOMETHINGELSE")
    assert exit_info.value.code == 1
    assert json.loads(capsys.readouterr().out)["reason"] == "wrong_licence"
