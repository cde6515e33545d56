"""The one place a licence change reaches the trust surface (credential issue, status flip).

Called from the licence call sites not yet on the outbox, one line each; a moderation hold or release of
a listing arrives as the ``listing.held_for_review`` / ``listing.review_released`` outbox events
(``marketplace.domain_events``). It runs after the surrounding transaction commits, so a rolled-back
change leaves the credentials alone.
"""

from __future__ import annotations

from django.db import transaction


def trust_on_licence_changed(licence_id: int) -> None:
    from marketplace.trust.tasks import trust_licence_sync_task

    transaction.on_commit(lambda: trust_licence_sync_task.delay(licence_id))


def trust_on_usage_report_filed(report_id: int) -> None:
    """Stills carrying our label are matched to their licence after the report is committed."""
    from marketplace.trust.tasks import labelled_stills_match_task

    transaction.on_commit(lambda: labelled_stills_match_task.delay(report_id))
