"""Where portfolio originals live: a private storage that has no URL at all.

Originals are biometric source material. They sit under ``<MEDIA_ROOT>/private/`` and can only be
read through the permission-checked view ``listings:photo_original``; ``.url`` raises, so no template
or serializer can leak a direct link. Deployments must not expose ``<MEDIA_ROOT>/private/`` on a web
server. The location follows ``MEDIA_ROOT`` lazily, so tests that move media stay isolated.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateMediaStorage(FileSystemStorage):
    @property
    def base_location(self) -> str:  # type: ignore[override]
        return os.path.join(settings.MEDIA_ROOT, "private")

    @property
    def location(self) -> str:  # type: ignore[override]
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> None:  # type: ignore[override]
        return None  # FileSystemStorage.url() raises "not accessible via a URL"

    def deconstruct(self):
        return ("listings.storage.PrivateMediaStorage", (), {})


_private_storage = PrivateMediaStorage()


def private_storage() -> PrivateMediaStorage:
    """Callable given to ``FileField(storage=...)`` (so migrations store a reference, not a path)."""
    return _private_storage
