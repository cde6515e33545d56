"""Creates the pgvector extension on PostgreSQL (a no-op on other databases).

makemigrations never adds it: it is written by hand, first, so every later migration
can use ``VectorField`` on PostgreSQL. The database user must be allowed to CREATE EXTENSION.
"""

from django.db import migrations
from pgvector.django import VectorExtension


class Migration(migrations.Migration):
    initial = True
    dependencies: list = []
    operations = [VectorExtension()]
