"""Writes of the trust surface: issue credentials, keep their status entries true, publish status lists.

Each service is idempotent and takes ids, so the licence hooks (``hooks.py``; later an outbox handler)
may run it any number of times: the result only depends on the licence's state.
"""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from kernel.atomic import atomic_join
from listings.services import listing_is_held_for_review
from marketplace.conf import market_settings
from marketplace.models import Licence
from marketplace.purchases.state import LicenceStatus
from marketplace.trust.claims import (
    claims_hash,
    licence_claims,
    licensee_pseudonym,
    status_list_uri,
    verify_url,
)
from marketplace.trust.credentials import credential_sign
from marketplace.trust.keys import signing_keys
from marketplace.trust.models import ContentLabel, CredentialStatus, LicenceCredential, StatusList
from marketplace.trust.status_list import status_list_pack, status_list_token_sign


def credential_status_for(licence: Licence) -> int:
    """What the licence's current credential must say now."""
    if licence.status in (LicenceStatus.REVOKED, LicenceStatus.EXPIRED):
        return CredentialStatus.INVALID
    if licence.ends_at <= timezone.now():
        return CredentialStatus.INVALID
    if licence.status == LicenceStatus.SUSPENDED:  # the kill switch: a breach is under review
        return CredentialStatus.SUSPENDED
    if listing_is_held_for_review(licence.listing):  # a moderation hold: the face may not be theirs
        return CredentialStatus.SUSPENDED
    return CredentialStatus.VALID


#: random probes of a list before it counts as full (a probe lands on a taken slot with the
#: probability of the list's fill, so three misses in a row mean it is most likely over half full)
STATUS_SLOT_PROBES = 3


def _status_list_new() -> StatusList:
    """A fresh list, published at once so a verifier can fetch it before its first change."""
    status_list = StatusList.objects.create(size=int(market_settings.CREDENTIAL_STATUS_LIST_SIZE))
    return status_list_publish(status_list_id=status_list.pk)


def _credential_insert(*, status_list: StatusList | None, build) -> LicenceCredential:
    """Insert ``build(status_list, index)`` at a random free index, locking no shared row.

    The index is random (it says nothing about issue order) and taken by the insert itself: the
    unique (list, index) constraint refuses a taken slot, and the next probe tries another. Every
    issue thus writes only its own row; when a list keeps refusing, a new list is started.
    """
    while True:
        if status_list is None:
            status_list = _status_list_new()
        for _probe in range(STATUS_SLOT_PROBES):
            index = secrets.randbelow(status_list.size)
            try:
                with transaction.atomic():  # a savepoint: a taken slot fails here, not the issue
                    return LicenceCredential.objects.create(**build(status_list, index))
            except IntegrityError as exc:
                if "fm_credential_one_current" in str(exc) or "licence_id" in str(exc):
                    raise  # a concurrent issue of the same licence: not a slot collision
        status_list = None


@transaction.atomic
def status_list_publish(*, status_list_id: int) -> StatusList:
    """Re-render and sign the list from its entries (cheap: only non-valid entries are set)."""
    status_list = StatusList.objects.select_for_update(no_key=True).get(pk=status_list_id)
    entries = (
        LicenceCredential.objects.filter(status_list=status_list)
        .exclude(status=CredentialStatus.VALID)
        .values_list("status_index", "status")
    )
    document = status_list_pack(entries, size=status_list.size, bits=status_list.bits)
    status_list.token = status_list_token_sign(
        uri=status_list_uri(status_list.pk),
        status_list=document,
        key=signing_keys().signer,
        issued_at=int(time.time()),
        ttl=int(market_settings.CREDENTIAL_STATUS_LIST_TTL_SECONDS),
    )
    status_list.version += 1
    status_list.save(update_fields=["token", "version", "updated_at"])
    return status_list


@atomic_join
def credential_issue(*, licence_id: int | None = None, reference: str = "") -> LicenceCredential:
    """The licence's current credential; a new one (and the old one invalidated) if its claims changed.

    The licence by id, or by ``reference`` (what its events carry); ``Licence.DoesNotExist`` if none."""
    # lock the licence row only: FOR UPDATE on the joined listing and users would queue behind (and
    # deadlock with) purchases claiming the same listing's exclusivity
    licence = (
        Licence.objects.select_for_update(no_key=True, of=("self",))
        .select_related("listing", "terms_version", "buyer", "seller__fm_seller_profile")
        .get(**({"pk": licence_id} if licence_id is not None else {"reference": reference}))
    )
    claims = licence_claims(licence)
    digest = claims_hash(claims)
    current = LicenceCredential.objects.filter(licence=licence, superseded_at__isnull=True).first()
    if current is not None and current.claims_hash == digest:
        return current
    now = timezone.now()
    touched: set[int] = set()
    if current is not None:
        current.superseded_at, current.status = now, CredentialStatus.INVALID
        current.save(update_fields=["superseded_at", "status"])
        touched.add(current.status_list_id)
    key = signing_keys().signer
    status = credential_status_for(licence)

    def build(status_list: StatusList, index: int) -> dict:
        jti = f"urn:uuid:{uuid.uuid4()}"
        token = credential_sign(
            {
                **claims,
                "jti": jti,
                "iat": int(now.timestamp()),
                "status": {"status_list": {"idx": index, "uri": status_list_uri(status_list.pk)}},
            },
            key,
        )
        return {
            "licence": licence,
            "jti": jti,
            "kid": key.kid,
            "token": token,
            "claims_hash": digest,
            "status_list": status_list,
            "status_index": index,
            "status": status,
            "issued_at": now,
            "expires_at": licence.ends_at,
        }

    credential = _credential_insert(status_list=StatusList.objects.order_by("-pk").first(), build=build)
    credential.created_now = True
    if status != CredentialStatus.VALID:  # a valid entry is all zero bits: the published list holds
        touched.add(credential.status_list_id)
    for status_list_id in sorted(touched):
        status_list_publish(status_list_id=status_list_id)
    return credential


@atomic_join
def credential_status_sync(*, licence_id: int) -> LicenceCredential | None:
    """Flip the current credential's status entry to the licence's state and republish if it changed."""
    licence = Licence.objects.select_related("listing").get(pk=licence_id)
    credential = (
        LicenceCredential.objects.select_for_update(no_key=True)
        .filter(licence=licence, superseded_at__isnull=True)
        .first()
    )
    if credential is None:
        return None
    status = credential_status_for(licence)
    if credential.status != status:
        credential.status = status
        credential.save(update_fields=["status"])
        status_list_publish(status_list_id=credential.status_list_id)
    return credential


def trust_licence_sync(*, licence_id: int | None = None, reference: str = "") -> LicenceCredential:
    """Issue (or keep) the credential and bring its status up to date: what every hook runs."""
    credential = credential_issue(licence_id=licence_id, reference=reference)
    if getattr(credential, "created_now", False):  # issued just now with the licence's current status
        return credential
    return credential_status_sync(licence_id=credential.licence_id)


def status_list_token_current(status_list_id: int) -> str | None:
    """The list's signed token, re-signed first when older than its ttl (issues no longer re-sign it:
    a new valid entry changes no bit, so only status flips and readers of a stale list do)."""
    ttl = int(market_settings.CREDENTIAL_STATUS_LIST_TTL_SECONDS)
    row = StatusList.objects.filter(pk=status_list_id).values_list("token", "updated_at").first()
    if row is None:
        return None
    token, updated_at = row
    if not token or updated_at <= timezone.now() - timedelta(seconds=ttl):
        token = status_list_publish(status_list_id=status_list_id).token
    return token


def content_label_create(*, licence: Licence, user, data: bytes) -> tuple[ContentLabel, bytes]:
    """Label a buyer's output for their licence; refused unless the licence holds now.

    The labelling (image work, signing) runs outside any transaction; the record is written after.
    """
    from marketplace.trust.labels import LabelRefused, label_media

    credential = trust_licence_sync(licence_id=licence.pk)
    if credential is None or credential.status != CredentialStatus.VALID or licence.ends_at <= timezone.now():
        raise LabelRefused(
            "licence_not_valid", "Only a licence that is valid now can label media.", status=409
        )
    produce_id = uuid.uuid4()
    labelled, media_type = label_media(
        data=data,
        reference=licence.reference,
        credential=credential.token,
        produce_id=str(produce_id),
        producer=licensee_pseudonym(licence.buyer_id),
        verify_url=verify_url(licence.reference),
    )
    label = ContentLabel.objects.create(
        produce_id=produce_id,
        licence=licence,
        credential=credential,
        created_by=user,
        media_type=media_type,
        sha256=hashlib.sha256(labelled).hexdigest(),
    )
    return label, labelled
