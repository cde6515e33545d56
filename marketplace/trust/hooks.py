"""The one place a licence or listing change reaches the trust surface (credential issue, status flip).

Called from the existing licence call sites (issue, revocation, expiry, takedown, moderation holds),
one line each. It runs after the surrounding transaction commits, so a rolled-back change leaves the
credentials alone; the kernel's outbox can later register ``trust_on_licence_changed`` as its handler.
"""

from __future__ import annotations

from django.db import transaction


def trust_on_licence_changed(licence_id: int) -> None:
    from marketplace.trust.tasks import trust_licence_sync_task

    transaction.on_commit(lambda: trust_licence_sync_task.delay(licence_id))


def trust_on_listing_changed(listing_id: int) -> None:
    """A moderation hold or release of a listing suspends or restores its licences' credentials."""
    from marketplace.models import Licence

    for licence_id in Licence.objects.filter(listing_id=listing_id).values_list("pk", flat=True):
        trust_on_licence_changed(licence_id)


def trust_on_usage_report_filed(report_id: int) -> None:
    """Stills carrying our label are matched to their licence after the report is committed."""
    from marketplace.trust.tasks import labelled_stills_match_task

    transaction.on_commit(lambda: labelled_stills_match_task.delay(report_id))
