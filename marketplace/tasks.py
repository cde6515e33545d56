"""Celery tasks of the marketplace app: thin, idempotent, take ids, call a service."""

import os

from celery import shared_task

from kernel.tasking import PluginTask
from marketplace.trust.tasks import trust_licence_sync_task  # noqa: F401  (registers it with the worker)


@shared_task(base=PluginTask, name="face_market.ping")
def ping(token: str) -> dict:
    """Round-trip probe for health checks and the broker integration test."""
    return {"token": token, "pid": os.getpid()}


@shared_task(base=PluginTask, name="face_market.orders_expire")
def orders_expire() -> int:
    """Periodic: end unpaid checkouts past their time."""
    from marketplace.services import orders_expire as expire

    return expire()


@shared_task(base=PluginTask, name="face_market.usage_report_check")
def usage_report_check_task(report_id: int) -> str:
    """Run a submitted usage report's automatic checks (a no-op once they ran)."""
    from marketplace.services import usage_report_check

    report = usage_report_check(report_id=report_id)
    return report.status if report is not None else "missing"


@shared_task(base=PluginTask, name="face_market.usage_reports_auto_approve")
def usage_reports_auto_approve() -> int:
    """Periodic: approve in-scope reports whose review window passed."""
    from marketplace.services import usage_reports_auto_approve as approve

    return approve()


@shared_task(base=PluginTask, name="face_market.usage_deadlines")
def usage_deadlines() -> dict:
    """Periodic: remind buyers of reports due, escalate overdue ones to moderators."""
    from marketplace.services import usage_overdue_escalate, usage_reminders_send

    return {"reminded": usage_reminders_send(), "escalated": usage_overdue_escalate()}


@shared_task(base=PluginTask, name="face_market.licences_expire")
def licences_expire() -> int:
    """Periodic: licences past their end date expire, with a renewal offer."""
    from marketplace.services import licences_expire as expire

    return expire()


@shared_task(base=PluginTask, name="face_market.revocations_apply")
def revocations_apply() -> int:
    """Periodic: revocations whose notice period ended end their licences, refunding unused time."""
    from marketplace.services import revocations_apply as apply

    return apply()


@shared_task(base=PluginTask, name="face_market.project_requests_default")
def project_requests_default() -> int:
    """Periodic: project requests the seller did not answer in time take the listing's default outcome."""
    from marketplace.access.services import project_requests_default as apply_default

    return apply_default()


@shared_task(base=PluginTask, name="face_market.moderation.face_match_flags_sync")
def face_match_flags_sync() -> int:
    """Periodic: open a moderation case for each new face-index flag (idempotent by flag id)."""
    from marketplace.services import moderation_cases_sync_from_verification

    return moderation_cases_sync_from_verification()


@shared_task(base=PluginTask, name="face_market.moderation.face_claims_decide")
def face_claims_decide() -> int:
    """Periodic: decide the face claims whose claimant's verification has its verdict."""
    from marketplace.services import face_claims_decide_pending

    return face_claims_decide_pending()
