"""The revocation, kill-switch, privacy and face-claim paths are in the OpenAPI schema, warning-free."""

from __future__ import annotations

import warnings

import pytest

NEW_PATHS = {
    "/api/v1/revocations/": {"get", "post"},
    "/api/v1/revocations/{reference}/": {"get"},
    "/api/v1/licences/{reference}/suspend/": {"post"},
    "/api/v1/licences/{reference}/suspension/decide/": {"post"},
    "/api/v1/privacy/biometric-consent/withdraw/": {"post"},
    "/api/v1/privacy/erasure/": {"post"},
    "/api/v1/face-claims/": {"post"},
    "/api/v1/face-claims/{claim_id}/": {"get"},
    "/api/v1/moderation/host-reports/": {"post"},
    "/api/v1/listings/{listing_id}/access/": {"get", "put"},
    "/api/v1/listings/{listing_id}/access/invitations/": {"post"},
    "/api/v1/listings/{listing_id}/access/invitations/{reference}/": {"delete"},
}


@pytest.mark.django_db
def test_new_paths_are_in_the_schema_without_warnings():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.settings import patched_settings

    from marketplace.api.schema import SCHEMA_SETTINGS, MarketSchemaGenerator

    GENERATOR_STATS.reset()
    with warnings.catch_warnings(), patched_settings(SCHEMA_SETTINGS):
        warnings.simplefilter("error")
        schema = MarketSchemaGenerator().get_schema(request=None, public=True)
    assert not GENERATOR_STATS._warn_cache, f"schema warnings: {list(GENERATOR_STATS._warn_cache)}"
    for path, methods in NEW_PATHS.items():
        assert path in schema["paths"], path
        assert methods <= set(schema["paths"][path]), (path, set(schema["paths"][path]))
    components = schema["components"]["schemas"]
    assert "red_lines" in components["Licence"]["properties"]
    assert "themes" in components["ConsentCheckRequest"]["properties"]
    error = schema["paths"]["/api/v1/revocations/"]["post"]["responses"]["400"]
    assert error["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
