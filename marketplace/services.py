"""Writes of the marketplace app, one module per area; import from here."""

from marketplace.accounts.notifications import notification_mark_read, notify, notify_moderators
from marketplace.accounts.services import (
    role_groups_sync,
    signup_needs_username,
    user_role_grant,
    user_role_revoke,
    user_signup,
)
from marketplace.moderation.appeals import SameModerator, appeal_decide, appeal_file
from marketplace.moderation.audit import audit_record
from marketplace.moderation.face_claims import face_claim_decide, face_claim_start, face_claims_decide_pending
from marketplace.moderation.flags import moderation_cases_sync_from_verification
from marketplace.moderation.services import (
    moderation_case_act,
    moderation_case_assign,
    moderation_case_open,
    moderation_report_file,
)
from marketplace.moderation.takedown import TakedownResult, listing_takedown
from marketplace.purchases.services import (
    CheckoutRefused,
    licence_escrow_refund,
    licence_escrow_release,
    licence_issue_for_payment,
    order_create,
    order_payment_failed,
    orders_expire,
)
from marketplace.usage.deadlines import (
    licence_first_use_declare,
    licences_expire,
    usage_overdue_escalate,
    usage_reminders_send,
)
from marketplace.usage.disputes import dispute_open, dispute_resolve
from marketplace.usage.revocation import revocation_request, revocations_apply
from marketplace.usage.services import (
    usage_report_approve,
    usage_report_check,
    usage_report_file,
    usage_report_reject,
    usage_report_top_up_paid,
    usage_report_top_up_start,
    usage_reports_auto_approve,
)
from marketplace.usage.suspension import licence_suspend, licence_suspension_resolve

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
