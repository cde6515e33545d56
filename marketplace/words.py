"""Words for the marketplace's codes: audit actions and values, report reasons, subjects.

The audit log stores stable codes and small dicts (what regulators and the CSV read); people read
them through these functions (``{% load market_words %}``), in their own language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.money import Money
from listings.labels import list_separator
from listings.state import ListingStatus
from marketplace.moderation.state import (
    AppealStatus,
    CaseAction,
    CaseSource,
    CaseStatus,
    ClaimStatus,
    Severity,
)
from marketplace.purchases.state import LicenceStatus
from verification.models import FaceMatchFlag

#: the reasons a person may give when reporting a listing (codes: services.moderation.REPORT_REASONS)
REPORT_REASON_LABELS = {
    "stolen_face": gettext_lazy("Stolen face: this is not the seller's own face"),
    "protected_person": gettext_lazy("A protected person (a public figure who opted out)"),
    "misleading": gettext_lazy("Misleading listing"),
    "other": gettext_lazy("Something else"),
}

AUDIT_ACTIONS = {
    "case.opened": gettext_lazy("Case opened"),
    "case.assigned": gettext_lazy("Case assigned"),
    "case.reversed": gettext_lazy("Case reversed on appeal"),
    "listing.hidden": gettext_lazy("Listing hidden"),
    "listing.taken_down": gettext_lazy("Listing taken down"),
    "listing.restored": gettext_lazy("Listing restored"),
    "licence.revoked": gettext_lazy("Licence revoked"),
    "escrow.refunded": gettext_lazy("Escrow refunded to the buyer"),
    "payouts.frozen": gettext_lazy("Payouts frozen"),
    "payouts.unfrozen": gettext_lazy("Payouts unfrozen"),
    "seller.banned": gettext_lazy("Seller banned"),
    "seller.reinstated": gettext_lazy("Seller reinstated"),
    "seller.reverify": gettext_lazy("Seller asked to verify again"),
    "seller.verification_ended": gettext_lazy("Seller's verification ended"),
    "appeal.filed": gettext_lazy("Appeal filed"),
    "claim.started": gettext_lazy("Face claim started"),
    "flag.dismissed": gettext_lazy("Face-match flag dismissed"),
    "flag.confirmed": gettext_lazy("Face-match flag confirmed"),
}

SUBJECT_TYPES = {
    "listing": gettext_lazy("Listing"),
    "case": gettext_lazy("Case"),
    "flag": gettext_lazy("Face-match flag"),
    "user": gettext_lazy("User"),
    "appeal": gettext_lazy("Appeal"),
    "claim": gettext_lazy("Face claim"),
    "licence": gettext_lazy("Licence"),
    "payouts": gettext_lazy("Payouts"),
}

#: statuses by subject type, for "status" values in the audit log
_STATUS_CHOICES = {
    "listing": ListingStatus,
    "case": CaseStatus,
    "licence": LicenceStatus,
    "claim": ClaimStatus,
    "appeal": AppealStatus,
    "flag": FaceMatchFlag.Status,
}

_VALUE_KEYS = {
    "status": gettext_lazy("status"),
    "held_minor": gettext_lazy("held in escrow"),
    "frozen": gettext_lazy("payouts frozen"),
    "freezes_lifted": gettext_lazy("freezes lifted"),
    "seller_role": gettext_lazy("may sell"),
    "verified_enrollments": gettext_lazy("verified face records"),
    "assigned_to": gettext_lazy("assigned to"),
    "source": gettext_lazy("source"),
    "severity": gettext_lazy("severity"),
    "listing": gettext_lazy("listing"),
}


def report_reason_label(code: str) -> str:
    return str(REPORT_REASON_LABELS.get(code, code))


def audit_action_label(action: str) -> str:
    if action in AUDIT_ACTIONS:
        return str(AUDIT_ACTIONS[action])
    prefix, _dot, code = action.partition(".")
    if prefix == "case":
        for choices in (CaseAction, CaseStatus):
            if code in choices.values:
                return _("Case: %(action)s") % {"action": choices(code).label}
    if prefix == "appeal" and code in AppealStatus.values:
        return _("Appeal: %(status)s") % {"status": AppealStatus(code).label}
    if prefix == "claim" and code in ClaimStatus.values:
        return _("Face claim: %(status)s") % {"status": ClaimStatus(code).label}
    return action


def subject_label(subject_type: str) -> str:
    return str(SUBJECT_TYPES.get(subject_type, subject_type))


def _value_text(key: str, value: Any, subject_type: str, currency: str) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key.endswith("_minor") and isinstance(value, int):
        return Money(value, currency).format()
    if key == "status":
        choices = _STATUS_CHOICES.get(subject_type)
        if choices is not None and value in choices.values:
            return str(choices(value).label)
    if key == "source" and value in CaseSource.values:
        return str(CaseSource(value).label)
    if key == "severity" and value in Severity.values:
        return str(Severity(value).label)
    return str(value)


def audit_values_text(values: Mapping[str, Any] | None, subject_type: str = "") -> str:
    """``{'held_minor': 10000, 'currency': 'CNY'}`` -> ``held in escrow: CN¥100.00``."""
    values = dict(values or {})
    currency = str(values.pop("currency", "CNY"))
    parts = [
        f"{_VALUE_KEYS.get(key, key)}: {_value_text(key, value, subject_type, currency)}"
        for key, value in values.items()
    ]
    return list_separator().join(parts)


def audit_money_text(movements) -> str:
    parts = []
    for movement in movements or []:
        if movement.get("kind") == "refund" and "amount_minor" in movement:
            amount = Money(movement["amount_minor"], movement.get("currency", "CNY")).format()
            parts.append(_("Refund %(amount)s") % {"amount": amount})
    return list_separator().join(parts)


_EVIDENCE_KEYS = {
    "reason": gettext_lazy("Reason given"),
    "details": gettext_lazy("Details"),
    "more_details": gettext_lazy("Further reports"),
    "score": gettext_lazy("Match score"),
    "threshold": gettext_lazy("Match threshold"),
    "metric": gettext_lazy("Measure"),
    "kind": gettext_lazy("Kind of match"),
    "matched_protected_person": gettext_lazy("Protected person matched"),
    "flag_id": gettext_lazy("Face-match flag"),
    "enrollment_id": gettext_lazy("Verification"),
    "matched_user_id": gettext_lazy("Matched seller (user id)"),
    "engine_id": gettext_lazy("Face engine"),
    "report": gettext_lazy("Usage report"),
    "listing": gettext_lazy("Listing"),
}
_MATCH_KINDS = {
    "duplicate": gettext_lazy("Matches another seller"),
    "protected": gettext_lazy("Matches a protected person"),
    "distance": gettext_lazy("distance"),
    "euclidean": gettext_lazy("euclidean distance"),
    "cosine": gettext_lazy("cosine similarity"),
}


def evidence_rows(values: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """Case evidence as (label, text) rows; codes in words, empty values left out."""
    rows = []
    for key, value in (values or {}).items():
        if value in ("", None, [], {}):
            continue
        if key == "reason":
            text = report_reason_label(str(value))
        elif isinstance(value, (list, tuple)):
            text = " / ".join(str(v) for v in value)
        else:
            text = str(_MATCH_KINDS.get(value, value)) if isinstance(value, str) else str(value)
        rows.append((str(_EVIDENCE_KEYS.get(key, key.replace("_", " "))), text))
    return rows


def case_title(case) -> str:
    """The case's title in the reader's language where it was made from a reason code."""
    reason = (case.evidence or {}).get("reason")
    if case.source in (CaseSource.USER_REPORT, CaseSource.HOST_REPORT) and reason in REPORT_REASON_LABELS:
        return _("Reported: %(reason)s") % {"reason": REPORT_REASON_LABELS[reason]}
    return case.summary


#: what the automatic check said about one evidence still (codes: usage.evidence_checks.StillVerdict)
STILL_CHECK_LABELS = {
    "licensed_face": gettext_lazy("shows the licensed face"),
    "wrong_face": gettext_lazy("shows a different face"),
    "no_face": gettext_lazy("no face found"),
    "unreadable": gettext_lazy("the image could not be read"),
    "no_template": gettext_lazy("the seller has no verified face to compare with"),
}


def finding_text(finding: Mapping[str, Any]) -> str:
    """One usage-check finding in words; stills are counted from 1 (the stored position counts from 0)."""
    code = str(finding.get("code", ""))
    still_code = code.removeprefix("still_")
    if code.startswith("still_") and still_code in STILL_CHECK_LABELS:
        try:
            number = int(finding.get("message", "")) + 1
        except (TypeError, ValueError):
            return str(STILL_CHECK_LABELS[still_code])
        return _("Still %(number)s: %(check)s") % {"number": number, "check": STILL_CHECK_LABELS[still_code]}
    return str(finding.get("message", ""))
