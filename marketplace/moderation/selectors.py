"""Reads of moderation: the queue, a case's evidence side by side, and who may see which case."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse

from kernel.roles import Role
from listings.models import Listing
from marketplace.accounts.selectors import user_has_role
from marketplace.models import AuditLogEntry, ModerationCase
from marketplace.moderation.state import QUEUE_STATUSES
from verification.reasons import reason_text


def moderation_queue() -> QuerySet[ModerationCase]:
    """Cases waiting for a moderator: most severe first, then oldest first (longest in the queue)."""
    return (
        ModerationCase.objects.filter(status__in=QUEUE_STATUSES)
        .select_related("listing", "seller", "assigned_to")
        .order_by("-severity", "created_at", "id")
    )


def case_for_viewer(*, user, case_id: int) -> ModerationCase | None:
    """Moderators see every case; a seller only the cases about them; anyone else none."""
    cases = ModerationCase.objects.select_related("listing", "seller", "reporter", "decided_by")
    if user_has_role(user, Role.MODERATOR):
        return cases.filter(pk=case_id).first()
    if getattr(user, "is_authenticated", False):
        return cases.filter(pk=case_id, seller=user).first()
    return None


def cases_of_seller(seller) -> QuerySet[ModerationCase]:
    cases = ModerationCase.objects.filter(seller=seller).select_related("listing")
    return cases.order_by("-created_at", "-id")


def listing_preview_urls(listing: Listing | None) -> list[str]:
    """Watermarked previews of the listing's photos (never originals, never face data)."""
    if listing is None:
        return []
    photos = listing.profile.photos.all().order_by("pk")
    urls = [reverse("listings:photo_preview", args=[p.public_id]) for p in photos]
    if listing.cover_photo_id and not urls:
        urls.append(reverse("listings:photo_preview", args=[listing.cover_photo.public_id]))
    return urls


def seller_history(seller) -> dict[str, Any]:
    if seller is None:
        return {}
    cases = ModerationCase.objects.filter(seller=seller)
    return {
        "username": seller.get_username(),
        "joined": getattr(seller, "date_joined", None),  # a host's user model may not have it
        "listings": Listing.objects.filter(seller=seller).count(),
        "cases": cases.count(),
        "cases_upheld": cases.filter(status__in=["taken_down", "suspended", "banned"]).count(),
    }


def related_cases(case: ModerationCase) -> QuerySet[ModerationCase]:
    match = Q(pk__in=[])
    if case.listing_id:
        match |= Q(listing_id=case.listing_id)
    if case.seller_id:
        match |= Q(seller_id=case.seller_id)
    return ModerationCase.objects.filter(match).exclude(pk=case.pk).order_by("-created_at")[:20]


def case_evidence(case: ModerationCase) -> dict[str, Any]:
    """Everything a moderator weighs, side by side: previews, scores against the threshold, liveness
    reason codes, the seller's history and related cases. Scores and codes only, never embeddings."""
    evidence = dict(case.evidence or {})
    return {
        "previews": listing_preview_urls(case.listing),
        "scores": {k: evidence[k] for k in ("score", "threshold", "metric", "kind") if k in evidence},
        "photo_scores": evidence.get("photos", []),
        # the stored codes, read as the words verification uses for them (the code stays in the evidence)
        "liveness_reasons": [reason_text(code) for code in evidence.get("liveness_reasons", [])],
        "other": {
            k: v
            for k, v in evidence.items()
            if k not in {"score", "threshold", "metric", "kind", "photos", "liveness_reasons"}
        },
        "seller_history": seller_history(case.seller),
        "related": list(related_cases(case)),
    }


def audit_log(*, case_id: int | None = None, subject_type: str = "") -> QuerySet[AuditLogEntry]:
    entries = AuditLogEntry.objects.all().order_by("-created_at", "-id")
    if case_id:
        entries = entries.filter(case_id=case_id)
    if subject_type:
        entries = entries.filter(subject_type=subject_type)
    return entries


AUDIT_CSV_HEADER = [
    "id",
    "time",
    "actor",
    "action",
    "subject_type",
    "subject_ref",
    "case",
    "reason",
    "before",
    "after",
    "money",
]


def audit_log_csv_rows(entries) -> list[list[str]]:
    import json

    rows = []
    for e in entries:
        rows.append(
            [
                str(e.pk),
                e.created_at.isoformat(),
                e.actor_label or "system",
                e.action,
                e.subject_type,
                e.subject_ref,
                str(e.case_id or ""),
                e.reason,
                json.dumps(e.before, sort_keys=True),
                json.dumps(e.after, sort_keys=True),
                json.dumps(e.money, sort_keys=True),
            ]
        )
    return rows
