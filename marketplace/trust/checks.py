"""System checks of the trust surface (ids ``marketplace.W101``-``W103``): they warn, never block."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.checks import Tags, Warning, register

from marketplace.conf import market_settings


@register(Tags.security, deploy=True)  # deployment advice: ``check --deploy``, not every command
def check_trust_settings(app_configs=None, **kwargs) -> list:
    if settings.DEBUG:
        return []
    warnings = []
    if not market_settings.raw("CREDENTIAL_SIGNING_KEYS") and not os.environ.get(
        "FACE_MARKET_CREDENTIAL_SIGNING_KEYS"
    ):
        warnings.append(
            Warning(
                "Licence credentials are signed with a key generated into the database.",
                hint="Configure FACE_MARKET['CREDENTIAL_SIGNING_KEYS'] (or the environment variable "
                "FACE_MARKET_CREDENTIAL_SIGNING_KEYS) with P-256 private JWKs kept in a secret store.",
                id="marketplace.W101",
            )
        )
    if not market_settings.raw("PUBLIC_BASE_URL"):
        warnings.append(
            Warning(
                "FACE_MARKET['PUBLIC_BASE_URL'] is not set: credentials name http://localhost as issuer.",
                hint="Set it to the site's public scheme://host, e.g. https://faces.example.com.",
                id="marketplace.W102",
            )
        )
    from marketplace.trust.labels import label_font_path

    if label_font_path() is None:
        warnings.append(
            Warning(
                "No CJK font found: the visible AI-content label is drawn in English only.",
                hint="Install fonts-wqy-zenhei (or set FACE_MARKET['LABEL_FONT_PATH']).",
                id="marketplace.W103",
            )
        )
    return warnings
