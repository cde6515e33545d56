import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "facemarket_site.settings")
application = get_wsgi_application()

# Refuse to serve with an unsafe configuration: WSGI servers do not run system checks themselves.
from django.core.management import call_command  # noqa: E402

call_command("check", deploy=False, fail_level="ERROR")
