from django.core.management.base import BaseCommand, CommandError

from marketplace.demo import DemoRefused, demo_accounts_ensure


class Command(BaseCommand):
    help = "Load demo data for the one-machine run and print the demo logins (DEBUG only)."

    def handle(self, *args, **options):
        try:
            rows = demo_accounts_ensure()
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS("Demo logins (http://127.0.0.1:8000/accounts/login/):"))
        for username, password, role in rows:
            self.stdout.write(f"  {role:<10} {username:<16} {password}")
