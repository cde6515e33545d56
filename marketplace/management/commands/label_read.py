"""Read the C2PA and GB 45438-2025 labels of a media file and verify the licence credential inside."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Print the labels of FILE as JSON (implicit AIGC label, C2PA manifest, credential verdict)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file: str, **options):
        from marketplace.trust.api import label_report
        from marketplace.trust.labels import LabelRefused

        try:
            report = label_report(Path(file).read_bytes())
        except (OSError, LabelRefused) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False, default=str))
        if not (report.get("credential") or {}).get("valid"):
            sys.exit(1)
