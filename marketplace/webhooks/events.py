"""The catalogue of events hosts receive (webhooks and public signals), their payloads and builders.

Every event is sent as the Standard Webhooks envelope::

    {"id": "<event id>", "type": "licence.issued", "timestamp": "<ISO 8601, when it happened>",
     "subject": "licence:LIC-...", "sequence": 7, "data": {...the fields below...}}

``sequence`` increases with every event of one ``subject`` (numbers may be skipped, never reused), so
a receiver orders the events of a licence even when a retry delivers them out of order. Escrow and
usage-report events have their licence as subject, so one licence's events share one sequence.

The builders turn a model instance into ``data``; :func:`event_subject` derives the subject from it.
Nothing biometric is ever in a payload: people are user ids, enrollments carry only their status.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

LICENCE_FIELDS = {
    "licence": "the licence reference",
    "status": "the licence status: active, revoked, expired (suspended once licences can be)",
    "listing": "the listing id",
    "buyer": "the buyer's user id",
    "seller": "the seller's user id",
    "scope": "the licensed usage scope (use categories, media, territories, reach, monetisation, ...)",
    "amount": "the price paid: {amount_minor, currency}, minor units (fen for CNY)",
    "starts_at": "start of the licence (ISO 8601)",
    "ends_at": "end of the licence (ISO 8601)",
    "issued_at": "when it was issued (ISO 8601)",
}
LISTING_FIELDS = {
    "listing": "the listing id",
    "seller": "the seller's user id",
    "title": "the listing's title",
    "status": "published, taken_down, ...",
    "tier": "the tier's slug, e.g. extra",
    "annual_price": "the yearly price {amount_minor, currency}, or null when the price is on request",
    "published_at": "when it was first published (ISO 8601) or null",
}
USAGE_REPORT_FIELDS = {
    "report": "the usage report reference",
    "licence": "the licence reference",
    "status": "approved or rejected",
    "production_title": "the production the face was used in",
    "episodes": "the episodes reported",
    "first_used_on": "the declared first use (ISO date)",
    "decided_at": "when the decision was made (ISO 8601)",
}
ESCROW_FIELDS = {
    "licence": "the licence reference the escrow hold is for",
    "status": "released or voided (refunded)",
    "captured": "what the buyer paid into escrow {amount_minor, currency}",
    "remaining": "what is still held {amount_minor, currency} (0 once the hold ended)",
    "ended_at": "when the hold ended (ISO 8601) or null after a partial refund",
}
VERIFICATION_FIELDS = {
    "enrollment": "the verification attempt's id",
    "seller": "the seller's user id",
    "status": "verified or blocked (held for review)",
    "decided_at": "when it was decided (ISO 8601)",
}
REVOCATION_FIELDS = {
    "revocation": "the revocation reference",
    "listing": "the listing id whose licences are revoked",
    "seller": "the seller's user id",
    "status": "notice or effective",
    "notice_days": "the notice period in days",
    "effective_at": "when the licences end (ISO 8601)",
    "licences": "references of the licences it ended (filled once effective)",
}


@dataclass(frozen=True)
class EventType:
    name: str  # "licence.issued": the webhook type and, with "_" for ".", the signal's name
    label: object  # a lazy translated description
    subject_kind: str  # "licence", "listing" or "seller": what ``subject`` names
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def signal_name(self) -> str:
        return self.name.replace(".", "_")


EVENT_TYPES: dict[str, EventType] = {
    e.name: e
    for e in (
        EventType("licence.issued", _("A licence was issued"), "licence", LICENCE_FIELDS),
        EventType("licence.revoked", _("A licence was revoked"), "licence", LICENCE_FIELDS),
        EventType("licence.expired", _("A licence expired"), "licence", LICENCE_FIELDS),
        EventType("licence.suspended", _("A licence was suspended"), "licence", LICENCE_FIELDS),
        EventType("licence.reinstated", _("A suspended licence was reinstated"), "licence", LICENCE_FIELDS),
        EventType("listing.published", _("A listing was published"), "listing", LISTING_FIELDS),
        EventType("listing.taken_down", _("A listing was taken down"), "listing", LISTING_FIELDS),
        EventType("usage_report.accepted", _("A usage report was accepted"), "licence", USAGE_REPORT_FIELDS),
        EventType("usage_report.rejected", _("A usage report was rejected"), "licence", USAGE_REPORT_FIELDS),
        EventType("escrow.released", _("Escrow was released to the seller"), "licence", ESCROW_FIELDS),
        EventType("escrow.refunded", _("Escrow was refunded to the buyer"), "licence", ESCROW_FIELDS),
        EventType("verification.verified", _("A seller was verified"), "seller", VERIFICATION_FIELDS),
        EventType(
            "verification.blocked", _("A seller's verification was held"), "seller", VERIFICATION_FIELDS
        ),
        EventType("revocation.requested", _("A revocation was requested"), "listing", REVOCATION_FIELDS),
        EventType("revocation.effective", _("A revocation took effect"), "listing", REVOCATION_FIELDS),
    )
}

_SUBJECT_KEYS = {"licence": "licence", "listing": "listing", "seller": "seller"}


def event_subject(event_type: str, data: dict) -> str:
    """The subject whose sequence orders this event, e.g. ``licence:LIC-2026-0001``."""
    kind = EVENT_TYPES[event_type].subject_kind
    return f"{kind}:{data[_SUBJECT_KEYS[kind]]}"


def _money(amount_minor: int | None, currency: str) -> dict | None:
    if amount_minor is None:
        return None
    return {"amount_minor": int(amount_minor), "currency": currency}


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def licence_event_payload(licence) -> dict:
    return {
        "licence": licence.reference,
        "status": licence.status,
        "listing": licence.listing_id,
        "buyer": licence.buyer_id,
        "seller": licence.seller_id,
        "scope": licence.scope,
        "amount": _money(licence.amount_minor, licence.currency),
        "starts_at": _iso(licence.starts_at),
        "ends_at": _iso(licence.ends_at),
        "issued_at": _iso(licence.issued_at),
    }


def listing_event_payload(listing) -> dict:
    return {
        "listing": listing.pk,
        "seller": listing.seller_id,
        "title": listing.title,
        "status": listing.status,
        "tier": listing.tier.slug,
        "annual_price": _money(listing.annual_price_minor, listing.currency),
        "published_at": _iso(listing.published_at),
    }


def usage_report_event_payload(report) -> dict:
    return {
        "report": report.reference,
        "licence": report.licence.reference,
        "status": report.status,
        "production_title": report.production_title,
        "episodes": report.episodes,
        "first_used_on": _iso(report.first_used_on),
        "decided_at": _iso(report.decided_at),
    }


def escrow_event_payload(hold) -> dict:
    from payouts.selectors import hold_releasable

    return {
        "licence": hold.reference,
        "status": hold.status,
        "captured": _money(hold.amount, hold.currency),
        "remaining": _money(hold_releasable(hold).amount, hold.currency),
        "ended_at": _iso(hold.ended_at),
    }


def verification_event_payload(enrollment) -> dict:
    # status and time only: reasons and metrics describe the face check and stay inside verification
    return {
        "enrollment": enrollment.pk,
        "seller": enrollment.user_id,
        "status": enrollment.status,
        "decided_at": _iso(enrollment.decided_at),
    }


def revocation_event_payload(revocation) -> dict:
    return {
        "revocation": revocation.reference,
        "listing": revocation.listing_id,
        "seller": revocation.seller_id,
        "status": revocation.status,
        "notice_days": revocation.notice_days,
        "effective_at": _iso(revocation.effective_at),
        "licences": sorted((revocation.outcome or {}).keys()),
    }
