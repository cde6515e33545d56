"""Verify a licence credential with only a JWKS and a status list (files, URLs, or this site's own)."""

from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


def _read(source: str) -> str:
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=10) as response:  # noqa: S310 (the operator's URL)
            return response.read().decode()
    return Path(source).read_text()


class Command(BaseCommand):
    help = (
        "Check a licence credential (JWT): signature against the JWKS, validity window, and its live "
        "entry in the status list. Prints JSON; exits 1 when the credential is not valid."
    )

    def add_arguments(self, parser):
        parser.add_argument("token", help="the credential, or @FILE to read it from a file")
        parser.add_argument("--jwks", help="JWKS file or URL (default: this site's keys)")
        parser.add_argument(
            "--status-list", help="Status List Token file or URL (default: the URL in the token)"
        )
        parser.add_argument("--reference", help="refuse a credential for any other licence")

    def handle(self, *args, token: str, jwks=None, status_list=None, reference=None, **options):
        from marketplace.trust.credentials import credential_verify
        from marketplace.trust.keys import jwks_document
        from marketplace.trust.selectors import status_list_by_uri

        if token.startswith("@"):
            token = Path(token[1:]).read_text().strip()
        try:
            keys = json.loads(_read(jwks)) if jwks else jwks_document()
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read the JWKS: {exc}") from exc
        if status_list:
            lists = _read(status_list).strip()
        elif jwks:
            lists = lambda uri: _read(uri).strip()  # noqa: E731 (fetch the list the token names)
        else:
            lists = status_list_by_uri
        check = credential_verify(token, jwks=keys, status_lists=lists, reference=reference)
        result = {
            "valid": check.valid,
            "reason": check.reason,
            "status": check.status,
            "reference": check.reference,
            "kid": check.kid,
            "licence": check.claims.get("licence"),
            "expires": check.claims.get("exp"),
        }
        self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
        if not check.valid:
            sys.exit(1)
