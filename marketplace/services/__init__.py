"""Writes of the marketplace app, one module per area; import from here."""

from .accounts import role_groups_sync, signup_needs_username, user_role_grant, user_role_revoke, user_signup
from .appeals import SameModerator, appeal_decide, appeal_file
from .audit import audit_record
from .disputes import dispute_open, dispute_resolve
from .face_claims import face_claim_decide, face_claim_start, face_claims_decide_pending
from .moderation import (
    moderation_case_act,
    moderation_case_assign,
    moderation_case_open,
    moderation_cases_sync_from_verification,
    moderation_report_file,
)
from .notifications import notification_mark_read, notify, notify_moderators
from .purchases import (
    CheckoutRefused,
    licence_escrow_refund,
    licence_escrow_release,
    licence_issue_for_payment,
    order_create,
    order_payment_failed,
    orders_expire,
)
from .revocation import revocation_request, revocations_apply
from .suspension import licence_suspend, licence_suspension_resolve
from .takedown import TakedownResult, listing_takedown
from .usage import (
    usage_report_approve,
    usage_report_check,
    usage_report_file,
    usage_report_reject,
    usage_report_top_up_paid,
    usage_report_top_up_start,
    usage_reports_auto_approve,
)
from .usage_deadlines import (
    licence_first_use_declare,
    licences_expire,
    usage_overdue_escalate,
    usage_reminders_send,
)

__all__ = [
    "CheckoutRefused",
    "dispute_open",
    "dispute_resolve",
    "licence_first_use_declare",
    "licences_expire",
    "revocation_request",
    "licence_suspend",
    "licence_suspension_resolve",
    "revocations_apply",
    "usage_overdue_escalate",
    "usage_reminders_send",
    "usage_report_approve",
    "usage_report_check",
    "usage_report_file",
    "usage_report_reject",
    "usage_report_top_up_paid",
    "usage_report_top_up_start",
    "usage_reports_auto_approve",
    "licence_escrow_refund",
    "licence_escrow_release",
    "notification_mark_read",
    "notify",
    "notify_moderators",
    "licence_issue_for_payment",
    "order_create",
    "order_payment_failed",
    "orders_expire",
    "role_groups_sync",
    "user_role_grant",
    "user_role_revoke",
    "signup_needs_username",
    "user_signup",
]
__all__ += [
    "SameModerator",
    "TakedownResult",
    "appeal_decide",
    "appeal_file",
    "audit_record",
    "face_claim_decide",
    "face_claim_start",
    "face_claims_decide_pending",
    "listing_takedown",
    "moderation_case_act",
    "moderation_case_assign",
    "moderation_case_open",
    "moderation_cases_sync_from_verification",
    "moderation_report_file",
]
