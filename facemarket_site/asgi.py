import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "facemarket_site.settings")
application = get_asgi_application()

from django.core.management import call_command  # noqa: E402

call_command("check", deploy=False, fail_level="ERROR")
