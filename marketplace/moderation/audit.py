"""The moderation audit log: one append-only row per action and per money movement it caused."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import timezone

from kernel.transitions import transition
from marketplace.models import AuditLogEntry, ModerationCase


def audit_record(
    *,
    actor,
    action: str,
    subject_type: str,
    subject_ref: str,
    reason: str = "",
    case: ModerationCase | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    money: Sequence[Mapping[str, Any]] = (),
) -> AuditLogEntry:
    """Append one entry (never changed afterwards). ``actor`` ``None`` means the system (a task)."""
    return AuditLogEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor.get_username() if actor is not None and hasattr(actor, "get_username") else "",
        action=action[:40],
        reason=reason or "",
        subject_type=subject_type[:20],
        subject_ref=str(subject_ref)[:80],
        case=case,
        before=dict(before or {}),
        after=dict(after or {}),
        money=[dict(m) for m in money],
    )


def decision_record(
    obj,
    *,
    to: str,
    transitions,
    moderator,
    reason: str,
    action: str,
    subject_type: str,
    case: ModerationCase | None = None,
) -> AuditLogEntry:
    """A moderator's decision on a case or an appeal: the transition that stamps who decided, when and
    why, then its audit entry (before and after status), in the caller's transaction."""
    before = obj.status
    transition(
        obj,
        to=to,
        transitions=transitions,
        reason=reason,
        actor=moderator,
        decided_by=moderator,
        decided_at=timezone.now(),
        decision_reason=reason,
    )
    return audit_record(
        actor=moderator,
        action=action,
        subject_type=subject_type,
        subject_ref=obj.pk,
        reason=reason,
        case=case,
        before={"status": before},
        after={"status": to},
    )


def refund_movement(refund) -> dict[str, Any]:
    """What the audit log keeps of a payouts Refund: ids and amounts, nothing personal."""
    return {
        "kind": "refund",
        "id": refund.pk,
        "reference": refund.reference,
        "amount_minor": refund.amount,
        "currency": refund.currency,
    }
