"""Thin Celery tasks of the trust surface: ids in, one idempotent service call."""

from celery import shared_task

from kernel.tasking import PluginTask


@shared_task(base=PluginTask, name="marketplace.trust.licence_sync")
def trust_licence_sync_task(licence_id: int) -> None:
    from marketplace.trust.services import trust_licence_sync

    trust_licence_sync(licence_id=licence_id)


@shared_task(base=PluginTask, name="marketplace.trust.labelled_stills_match")
def labelled_stills_match_task(report_id: int) -> None:
    from marketplace.trust.still_matching import labelled_stills_match

    labelled_stills_match(report_id=report_id)
