"""Usage reports, per-use approval, revocation and disputes (issue 6). Maintained by hand: see 0004."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("fm_marketplace", "0002_orders_and_licences")]
    operations: list = []
