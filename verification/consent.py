"""The biometric-processing consent texts, by version.

The version in force is FACE_MARKET['BIOMETRIC_CONSENT_VERSION']. A new text gets a new version (old ones
stay here so earlier consents can still be displayed); the text actually shown is also stored with each
consent, in the language it was shown in.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from verification.conf import verification_settings

TEXTS = {
    "2026-11": _(
        "I consent to the Face Licence Market processing my facial biometric data to verify my identity. "
        "This means: the reference photos I upload and the camera frames captured during the liveness "
        "check are analysed to confirm that I am a live person, that the face in my photos is mine, and "
        "that it is not already registered by someone else or by a protected person. The photos and "
        "frames are deleted as soon as the check has a result. A numerical template of my face is kept "
        "separately, for as long as I am a verified seller, only to stop others from listing my face. "
        "This consent is separate from the marketplace terms; I can withdraw it at any time, which "
        "deletes my face template and ends my verification."
    ),
}


def current_version() -> str:
    return str(verification_settings.BIOMETRIC_CONSENT_VERSION)


def consent_text(version: str | None = None) -> str:
    """The consent text of ``version`` (default: the current one) in the active language."""
    version = version or current_version()
    try:
        return str(TEXTS[version])
    except KeyError:
        raise LookupError(f"no biometric consent text for version {version!r}") from None
