"""On PostgreSQL only: the HNSW indexes move to half-precision storage.

Measured in bench/face_index_search.py: at 1M x 512 a full-precision graph is about twice the size
(it no longer fits a 2 GB ``maintenance_work_mem`` build) and every distance reads twice the bytes. The
backend re-ranks the half-precision candidates on the full-precision column, so results and scores stay
float32-exact. On a large existing table this migration rebuilds the index: raise
``maintenance_work_mem`` for the session that runs it (README, "Scaling the face index"). The graph is
built with m 24 / ef_construction 128 (pgvector's defaults are 16 / 64), which the benchmark needed to
reach recall@10 0.99 at 1M faces.
"""

from django.db import migrations

TABLE = "fm_verification_facetemplate"
SHAPES = [(128, "euclidean", "l2_ops"), (512, "cosine", "cosine_ops")]
#: storage -> index name prefix (migration 0003 named the full-precision ones)
PREFIX = {"vector": "fm_face_vec_hnsw", "halfvec": "fm_face_half_hnsw"}


def index_ddl(dims, metric, ops, kind):
    return (
        f"CREATE INDEX IF NOT EXISTS {PREFIX[kind]}_{metric}_{dims} ON {TABLE} "
        f"USING hnsw ((embedding_vec::{kind}({dims})) {kind}_{ops}) WITH (m = 24, ef_construction = 128) "
        f"WHERE dimensions = {dims} AND metric = '{metric}'"
    )


def swap(schema_editor, new, old):
    if schema_editor.connection.vendor != "postgresql":
        return
    for dims, metric, ops in SHAPES:
        schema_editor.execute(index_ddl(dims, metric, ops, new))
        schema_editor.execute(f"DROP INDEX IF EXISTS {PREFIX[old]}_{metric}_{dims}")


def to_halfvec(apps, schema_editor):
    swap(schema_editor, "halfvec", "vector")


def to_vector(apps, schema_editor):
    swap(schema_editor, "vector", "halfvec")


class Migration(migrations.Migration):
    dependencies = [("fm_verification", "0006_guided_challenge")]
    operations = [migrations.RunPython(to_halfvec, to_vector, elidable=False)]
