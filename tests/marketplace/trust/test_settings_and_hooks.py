"""Trust settings: keys from the environment, the system checks that warn about zero-setup defaults,
and the hooks running only after commit."""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from django.test import override_settings
from joserfc.jwk import ECKey

from marketplace.trust.checks import check_trust_settings
from marketplace.trust.keys import jwks_document, keys_cache_clear, signing_keys
from marketplace.trust.models import LicenceCredential, TrustKey

pytestmark = pytest.mark.django_db


def test_keys_can_come_from_the_environment(monkeypatch):
    key = ECKey.generate_key("P-256", private=True, parameters={"kid": "env-key-1"})
    monkeypatch.setenv("FACE_MARKET_CREDENTIAL_SIGNING_KEYS", json.dumps([key.as_dict(private=True)]))
    keys_cache_clear()
    assert signing_keys().source == "environment" and signing_keys().signer.kid == "env-key-1"
    assert [entry["kid"] for entry in jwks_document()["keys"]] == ["env-key-1"]
    assert not TrustKey.objects.exists()  # nothing generated into the database
    keys_cache_clear()


def test_the_checks_warn_about_database_keys_and_a_missing_public_url(settings, monkeypatch):
    monkeypatch.delenv("FACE_MARKET_CREDENTIAL_SIGNING_KEYS", raising=False)
    settings.DEBUG = False
    assert {"marketplace.W101", "marketplace.W102"} <= {w.id for w in check_trust_settings()}
    key = ECKey.generate_key("P-256", private=True, parameters={"kid": "ops"}).as_dict(private=True)
    with override_settings(
        FACE_MARKET={"CREDENTIAL_SIGNING_KEYS": [key], "PUBLIC_BASE_URL": "https://faces.example.com"}
    ):
        assert {w.id for w in check_trust_settings()} & {"marketplace.W101", "marketplace.W102"} == set()
    settings.DEBUG = True
    assert check_trust_settings() == []


def test_a_private_key_is_required(settings):
    from django.core.exceptions import ImproperlyConfigured

    public = ECKey.generate_key("P-256", private=True, parameters={"kid": "pub"}).as_dict(private=False)
    with (
        override_settings(FACE_MARKET={"CREDENTIAL_SIGNING_KEYS": [public]}),
        pytest.raises(ImproperlyConfigured),
    ):
        signing_keys()


def test_a_rolled_back_change_issues_nothing(licence, django_capture_on_commit_callbacks):
    from marketplace.trust.hooks import trust_on_licence_changed

    before = LicenceCredential.objects.count()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        licence.ends_at = licence.ends_at.replace(year=licence.ends_at.year + 1)
        licence.save(update_fields=["ends_at"])
        trust_on_licence_changed(licence.pk)
        raise RuntimeError("rolled back")
    assert LicenceCredential.objects.count() == before


def test_credentials_use_the_public_base_url(licence):
    from marketplace.trust.services import credential_issue

    with override_settings(FACE_MARKET={"PUBLIC_BASE_URL": "https://faces.example.com/"}):
        licence.ends_at = licence.ends_at.replace(year=licence.ends_at.year + 1)
        licence.save(update_fields=["ends_at"])
        credential = credential_issue(licence_id=licence.pk)
        from marketplace.trust.selectors import credential_check_local

        claims = credential_check_local(credential.token).claims
        assert claims["iss"] == "https://faces.example.com/"
        assert claims["status"]["status_list"]["uri"].startswith(
            "https://faces.example.com/trust/status-lists/"
        )
        assert credential_check_local(credential.token).valid


def test_the_licensee_is_named_only_by_the_organisation_name_it_gave(licence, client):
    from marketplace.trust.services import credential_issue

    buyer = licence.buyer
    assert f">{buyer.username}<" not in client.get(f"/verify/{licence.reference}").content.decode()
    buyer.first_name, buyer.last_name = "Moonlight", "Pictures Ltd"
    buyer.save(update_fields=["first_name", "last_name"])
    credential_issue(licence_id=licence.pk)  # the claims changed: a new credential
    assert "Moonlight Pictures Ltd" in client.get(f"/verify/{licence.reference}").content.decode()
