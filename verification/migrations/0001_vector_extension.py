"""Creates the pgvector extension on PostgreSQL (a no-op on other databases).

makemigrations never adds it: it is written by hand, first, so every later migration
can use ``VectorField`` on PostgreSQL. The database user must be allowed to CREATE EXTENSION.
"""

from django.db import migrations

# Not pgvector.django.VectorExtension: importing it imports django.contrib.postgres, which needs a
# PostgreSQL driver that a SQLite host does not have. Same SQL, PostgreSQL only.
CREATE = "CREATE EXTENSION IF NOT EXISTS vector"


def create_vector_extension(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


class Migration(migrations.Migration):
    initial = True
    dependencies: list = []
    operations = [migrations.RunPython(create_vector_extension, migrations.RunPython.noop, elidable=False)]
