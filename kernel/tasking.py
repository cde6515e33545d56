"""The base class of every plugin Celery task: tasks run in the host's Celery app, or inline.

A host with no broker configured (no ``CELERY_BROKER_URL``, or no Celery app at all) would otherwise
send the plugin's tasks to Celery's default broker (``amqp://localhost``) and lose them silently.
Here they run inline instead; the services enqueue them on commit, so that is "inline after commit".

Part of the kernel: it imports no app, so every app's ``tasks.py`` uses it.
"""

from __future__ import annotations

import logging

from celery import Task

logger = logging.getLogger("face_market.tasks")


def broker_configured(app) -> bool:
    # Celery's Settings.broker_url reads the CELERY_BROKER_URL environment variable first.
    return bool(app.conf.broker_url)


class PluginTask(Task):
    def apply_async(self, args=None, kwargs=None, **options):
        if self.app.conf.task_always_eager or broker_configured(self.app):
            return super().apply_async(args, kwargs, **options)
        result = self.apply(args, kwargs, **options)
        if result.failed():
            # the type only: arguments and messages may carry personal data
            logger.error("task %s failed inline: %s", self.name, type(result.result).__name__)
        return result
