"""On PostgreSQL only: a pgvector copy of each template's embedding, with HNSW indexes.

Why a raw column and not ``VectorField``: ``VectorField`` cannot exist on SQLite, and the default
install runs on SQLite. ``FaceTemplate.embedding`` (float32 bytes) stays the source of truth on every
database; on PostgreSQL this migration adds ``embedding_vec vector`` to the same table, which the pgvector
index backend fills (``PgvectorFaceIndex.add`` / ``rebuild``) and Django's ORM never selects.

The column has no fixed dimension because engines differ (dlib 128-d euclidean, ArcFace 512-d cosine).
HNSW needs a fixed dimension, so each (dimensions, metric) gets a partial expression index, the pattern
pgvector documents for mixed dimensions; the backend's query repeats the same cast and predicate.
Further (dimensions, metric) pairs are indexed by the backend on first use.
"""

from django.db import migrations

INDEXES = [(128, "euclidean", "vector_l2_ops"), (512, "cosine", "vector_cosine_ops")]
TABLE = "fm_verification_facetemplate"


def add_vector_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS embedding_vec vector NULL")
    for dims, metric, ops in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS fm_face_vec_hnsw_{metric}_{dims} ON {TABLE} "
            f"USING hnsw ((embedding_vec::vector({dims})) {ops}) WITH (m = 16, ef_construction = 64) "
            f"WHERE dimensions = {dims} AND metric = '{metric}'"
        )


def drop_vector_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS embedding_vec")


class Migration(migrations.Migration):
    dependencies = [("fm_verification", "0002_templates_and_enrollments")]
    operations = [migrations.RunPython(add_vector_column, drop_vector_column, elidable=False)]
