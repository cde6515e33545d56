import importlib

from django.db import migrations, models

guard = importlib.import_module("listings.migrations.0002_search_index_and_sold_terms_guard")


def sold_terms_guard_again(apps, schema_editor):
    # SQLite adds this column by rebuilding the table, which drops its triggers: put the guard back
    if schema_editor.connection.vendor == "sqlite":
        for statement in guard.SQLITE_DROP + guard.SQLITE_TRIGGERS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("fm_listings", "0006_exclusivity_reservations")]

    operations = [
        migrations.AddField(
            model_name="licencetermstemplate",
            name="red_lines",
            field=models.JSONField(
                blank=True, default=list, verbose_name="red lines (roles and themes never allowed)"
            ),
        ),
        migrations.AddField(
            model_name="licencetermsversion",
            name="red_lines",
            field=models.JSONField(
                blank=True, default=list, verbose_name="red lines (roles and themes never allowed)"
            ),
        ),
        migrations.RunPython(sold_terms_guard_again, migrations.RunPython.noop),
    ]
