"""The certificate chain content labels are signed with (C2PA requires X.509, not a bare JWK).

Configured: ``LABEL_C2PA_CERT_CHAIN_PATH`` (PEM, end entity first, then its CA) and
``LABEL_C2PA_PRIVATE_KEY_PATH`` (the end entity's PEM key). Otherwise an own CA and an ES256 end-entity
certificate (keyUsage digitalSignature, extendedKeyUsage emailProtection, SKI/AKI, as C2PA's profile
asks) are generated once into the database. C2PA validators then report
``signingCredential.untrusted`` until that CA is added to their trust list: expected, and documented.
"""

from __future__ import annotations

import datetime
import secrets
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.db import transaction

from marketplace.conf import market_settings
from marketplace.trust.models import TrustKey

ORGANISATION = "Face Licence Market"


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION),
        ]
    )


def _key_usage(*, signing: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not signing,
        crl_sign=not signing,
        encipher_only=False,
        decipher_only=False,
    )


def chain_generate() -> tuple[bytes, bytes]:
    """(chain PEM: end entity then CA, end entity private key PEM)."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("Face Licence Market Content Credentials CA")
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(signing=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name("Face Licence Market Content Labels"))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=730))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signing=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    chain = leaf.public_bytes(serialization.Encoding.PEM) + ca.public_bytes(serialization.Encoding.PEM)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return chain, private


@transaction.atomic
def _database_chain() -> tuple[bytes, bytes]:
    row = TrustKey.objects.filter(purpose=TrustKey.Purpose.C2PA, retired_at__isnull=True).first()
    if row is None:
        chain, private = chain_generate()
        row = TrustKey.objects.create(
            purpose=TrustKey.Purpose.C2PA,
            kid="c2pa-" + secrets.token_hex(6),
            private_pem=private.decode(),
            certificate_chain_pem=chain.decode(),
        )
    return row.certificate_chain_pem.encode(), row.private_pem.encode()


def label_signing_chain() -> tuple[bytes, bytes]:
    chain_path = market_settings.LABEL_C2PA_CERT_CHAIN_PATH
    key_path = market_settings.LABEL_C2PA_PRIVATE_KEY_PATH
    if chain_path and key_path:
        return Path(chain_path).read_bytes(), Path(key_path).read_bytes()
    return _database_chain()
