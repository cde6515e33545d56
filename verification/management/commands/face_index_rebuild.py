"""Re-derive the face index backend's own structure from the templates (e.g. after switching backend)."""

from django.core.management.base import BaseCommand

from verification.engine_registry import get_face_index


class Command(BaseCommand):
    help = "Rebuild the configured face index from the stored face templates."

    def handle(self, *args, **options):
        count = get_face_index().rebuild()
        self.stdout.write(f"{type(get_face_index()).__name__}: {count} active templates indexed")
