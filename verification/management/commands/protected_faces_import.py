"""Import a folder of photos into the protected-person registry: one person (and template) per photo."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from verification.errors import VerificationError
from verification.models import ProtectedPerson
from verification.services import protected_face_import


class Command(BaseCommand):
    help = (
        "Each photo in FOLDER becomes a protected person named after the file, with one face template. "
        "A photo must show exactly one clear face; others are reported as skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument(
            "--reason", choices=ProtectedPerson.Reason.values, default=ProtectedPerson.Reason.PUBLIC_FIGURE
        )

    def handle(self, *args, folder: Path, reason: str, **options):
        try:
            report = protected_face_import(folder=folder, reason=reason)
        except VerificationError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            json.dumps(
                {
                    "added": [{"file": name, "protected_person": pk} for name, pk in report.added],
                    "skipped": [{"file": name, "code": code} for name, code in report.skipped],
                },
                indent=2,
            )
        )
