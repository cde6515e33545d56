"""Start signing licence credentials with a new database key; the old one stays published while needed."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Rotate the database credential-signing key (only when keys are not configured in settings)."

    def handle(self, *args, **options):
        from marketplace.trust.keys import signing_key_rotate

        key = signing_key_rotate()
        self.stdout.write(f"now signing with {key.kid}")
