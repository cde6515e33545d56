from django.core.management.base import BaseCommand, CommandError

from marketplace.demo import DemoRefused, demo_load


class Command(BaseCommand):
    help = "Load demo data for the one-machine run and print the demo logins (DEBUG only)."

    def handle(self, *args, **options):
        try:
            result = demo_load()
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        verified = "yes" if result["seller_verified"] else "NO"
        self.stdout.write(
            f"Demo seller verified by the real liveness flow: {verified}; "
            f"{result['listings']} listings ({result['published']} published)."
        )
        self.stdout.write(self.style.SUCCESS("Demo logins (http://127.0.0.1:8000/accounts/login/):"))
        for username, password, role in result["logins"]:
            self.stdout.write(f"  {role:<10} {username:<24} {password}")
