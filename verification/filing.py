"""How many faces the service stores, against the facial-recognition filing line.

The security rules for facial-recognition technology (in force since 2025-06-01) require a filing
with the authorities once a service stores the faces of 100,000 people. Every stored template counts
(sellers' and protected people's, active or not: a row is a stored face); the check warns from
``FACE_TEMPLATE_FILING_WARN_FRACTION`` of the line so there is time to file.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError

from .conf import verification_settings
from .models import FaceTemplate


@dataclass(frozen=True)
class FilingStatus:
    stored: int
    threshold: int
    warn_at: int

    @property
    def warn(self) -> bool:
        return self.stored >= self.warn_at

    @property
    def filing_required(self) -> bool:
        return self.stored >= self.threshold

    @property
    def percent(self) -> int:
        return self.stored * 100 // max(self.threshold, 1)


def face_template_filing_status() -> FilingStatus:
    threshold = int(verification_settings.FACE_TEMPLATE_FILING_THRESHOLD)
    fraction = float(verification_settings.FACE_TEMPLATE_FILING_WARN_FRACTION)
    stored = FaceTemplate.objects.count()
    return FilingStatus(stored=stored, threshold=threshold, warn_at=int(threshold * fraction))


@register(Tags.database)
def check_face_template_filing(app_configs=None, databases=None, **kwargs) -> list:
    """``manage.py check --database default``: warns as the stored faces approach the filing line."""
    if not databases:
        return []
    try:
        status = face_template_filing_status()
    except DatabaseError:  # ``migrate`` runs database checks before the table exists
        return []
    if not status.warn:
        return []
    what = "the filing is required now" if status.filing_required else "prepare the filing"
    return [
        Warning(
            f"{status.stored} face templates stored ({status.percent}% of the {status.threshold} "
            f"filing line of the facial-recognition rules): {what}.",
            hint="See the staff page 'Stored faces' and file with the cyberspace authority.",
            id="verification.W301",
        )
    ]
