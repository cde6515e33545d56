"""Reads of the marketplace app, one module per area; import from here."""

from marketplace.accounts.selectors import user_has_role, user_roles
from marketplace.moderation.selectors import (
    AUDIT_CSV_HEADER,
    audit_log,
    audit_log_csv_rows,
    case_evidence,
    case_for_viewer,
    cases_of_seller,
    moderation_queue,
    related_cases,
    seller_history,
)
from marketplace.purchases.selectors import (
    licence_for_viewer,
    licence_receipt,
    licences_of_buyer,
    licences_of_seller,
    order_for_buyer,
    orders_of_buyer,
)
from marketplace.usage.revocation_selectors import (
    licence_revocation,
    revocation_licences,
    revocations_visible_to,
)
from marketplace.usage.selectors import (
    dispute_for_viewer,
    disputes_open,
    disputes_visible_to,
    evidence_still_for_viewer,
    licence_reportable_by,
    notifications_of,
    usage_report_for_viewer,
    usage_reports_of_buyer,
    usage_reports_to_review,
    usage_reports_visible_to,
)

__all__ = [
    "dispute_for_viewer",
    "disputes_open",
    "disputes_visible_to",
    "evidence_still_for_viewer",
    "licence_reportable_by",
    "notifications_of",
    "usage_report_for_viewer",
    "usage_reports_of_buyer",
    "usage_reports_to_review",
    "usage_reports_visible_to",
    "licence_for_viewer",
    "licence_receipt",
    "licences_of_buyer",
    "licences_of_seller",
    "order_for_buyer",
    "orders_of_buyer",
    "user_has_role",
    "user_roles",
]
__all__ += [
    "AUDIT_CSV_HEADER",
    "audit_log",
    "audit_log_csv_rows",
    "case_evidence",
    "case_for_viewer",
    "cases_of_seller",
    "moderation_queue",
    "related_cases",
    "seller_history",
]
__all__ += ["licence_revocation", "revocation_licences", "revocations_visible_to"]
