"""Words for people: a licence scope, red lines, statuses and reasons in the request's language."""

from __future__ import annotations

import io

import segno
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from listings.vocabulary import (
    Exclusivity,
    Medium,
    Monetisation,
    ReachBand,
    RedLine,
    SensitiveUse,
    Territory,
    UseCategory,
)


def _labels(choices, values) -> str:
    names = dict(choices.choices)
    separator = _(", ")  # Chinese lists use 、
    return separator.join(str(names.get(value, value)) for value in values or []) or _("Not licensed")


def _label(choices, value) -> str:
    return str(dict(choices.choices).get(value, value or _("None")))


def scope_rows(scope: dict) -> list[tuple[str, str]]:
    months = int(scope.get("duration_months") or 0)
    rows = [
        (_("Use categories"), _labels(UseCategory, scope.get("use_categories"))),
        (_("Media"), _labels(Medium, scope.get("media"))),
        (_("Territories"), _labels(Territory, scope.get("territories"))),
        (_("Audience reach"), _label(ReachBand, scope.get("reach_band"))),
        (_("Monetisation"), _label(Monetisation, scope.get("monetisation"))),
        (_("Exclusivity"), _label(Exclusivity, scope.get("exclusivity"))),
        (_("Sensitive uses licensed"), _labels(SensitiveUse, scope.get("sensitive_uses"))),
        (_("AI training on this face"), _("Allowed") if scope.get("ai_training") else _("Not allowed")),
    ]
    if months:
        rows.append((_("Length"), ngettext("%(n)d month", "%(n)d months", months) % {"n": months}))
    return rows


def red_line_rows(red_lines: dict) -> list[str]:
    rows = []
    not_licensed = red_lines.get("sensitive_uses_not_licensed") or []
    if not_licensed:
        rows.append(_("Never for: %(uses)s.") % {"uses": _labels(SensitiveUse, not_licensed)})
    if forbidden := red_lines.get("forbidden_themes") or []:
        rows.append(_("The seller's red lines, never: %(themes)s.") % {"themes": _labels(RedLine, forbidden)})
    if red_lines.get("ai_training") == "forbidden":
        rows.append(_("No training or fine-tuning of AI models on this face."))
    if red_lines.get("sublicensing") == "forbidden":
        rows.append(_("No sublicensing: only the licensee may use the face."))
    rows.append(_("No use outside the scope above."))
    return rows


def status_text(status: str) -> str:
    return {
        "valid": _("Valid now"),
        "revoked": _("Revoked"),
        "suspended": _("Suspended while moderators review the face"),
        "expired": _("Expired"),
        "not_yet_valid": _("Not valid yet"),
    }.get(status, _("Unknown"))


def credential_reason_text(reason: str | None) -> str:
    return {
        None: "",
        "malformed": _("This is not a licence credential."),
        "unknown_key": _("This credential was signed with a key this platform does not publish."),
        "bad_signature": _("This credential has been altered: its signature does not match."),
        "wrong_type": _("This is not a licence credential."),
        "wrong_issuer": _("This credential was issued by another platform."),
        "expired": _("This credential has expired."),
        "not_yet_valid": _("This credential is not valid yet."),
        "revoked": _("This credential has been revoked or replaced."),
        "suspended": _("This credential is suspended."),
        "status_unavailable": _("The credential's live status cannot be read."),
        "wrong_licence": _("This credential is for another licence."),
    }.get(reason, _("This credential cannot be verified."))


FIELD_NAMES = {
    "use_category": gettext_lazy("use category"),
    "medium": gettext_lazy("medium"),
    "territory": gettext_lazy("territory"),
    "expected_views": gettext_lazy("audience reach"),
    "monetisation": gettext_lazy("monetisation"),
    "sensitive_uses": gettext_lazy("sensitive use"),
    "ai_training": gettext_lazy("AI training"),
    "date": gettext_lazy("date"),
}


def consent_reason_text(code: str | None, field: str | None = None) -> str:
    """A consent-check reason for the seller's page, in the reader's language (stored as codes)."""
    if code == "outside_scope":
        return _("Outside the licence: %(field)s") % {"field": FIELD_NAMES.get(field, _("scope"))}
    return {
        "revoked": _("Licence revoked"),
        "expired": _("Licence expired"),
        "not_yet_valid": _("Licence not valid yet"),
        "suspended": _("Licence suspended"),
        "face_mismatch": _("Another person's face"),
        "face_unreadable": _("No clear face in the image"),
        "face_not_comparable": _("Face could not be compared"),
    }.get(code or "", _("Refused"))


def qr_svg(url: str) -> str:
    """An inline SVG QR code of ``url`` (segno: pure Python, no image libraries needed)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=4, border=2, xmldecl=False, svgns=True)
    return out.getvalue().decode()
