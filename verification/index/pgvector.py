"""pgvector HNSW search on PostgreSQL.

Migration 0003 adds ``embedding_vec vector`` to the template table (PostgreSQL only) with one partial
HNSW expression index per (dimensions, metric); this backend fills that column from the float32 bytes
and queries it with the same cast and predicate so the planner uses the index. ``FaceTemplate.embedding``
stays the source of truth: ``rebuild()`` re-derives the column (e.g. after switching from the exact
backend). A template leaves the index by clearing its vector (HNSW does not index NULLs).
"""

from __future__ import annotations

import threading

import numpy as np
from django.db import connection, transaction

from .base import FaceHit, FaceIndex

TABLE = "fm_verification_facetemplate"
#: metric -> (pgvector distance operator, operator class)
OPERATORS = {"euclidean": ("<->", "vector_l2_ops"), "cosine": ("<=>", "vector_cosine_ops")}


def vector_literal(vector: np.ndarray) -> str:
    """pgvector's text form, '[x,y,...]', with float32 round-trip precision."""
    return "[" + ",".join(f"{x:.9g}" for x in np.asarray(vector, dtype=np.float32).reshape(-1)) + "]"


class PgvectorFaceIndex(FaceIndex):
    #: HNSW candidate list size per query (pgvector's default is 40); higher = better recall, slower
    ef_search = 100

    def __init__(self, *, ef_search: int | None = None) -> None:
        if connection.vendor != "postgresql":
            raise RuntimeError("PgvectorFaceIndex needs PostgreSQL with pgvector (check verification.E005)")
        if ef_search is not None:
            self.ef_search = int(ef_search)
        self._indexed: set[tuple[int, str]] = set()
        self._iterative_scan: bool | None = None
        self._lock = threading.Lock()

    # -- writes ------------------------------------------------------------------------------------

    def add(self, template) -> None:
        self.ensure_hnsw_index(int(template.dimensions), template.metric)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {TABLE} SET embedding_vec = %s::vector WHERE id = %s AND is_active",  # noqa: S608
                [vector_literal(template.vector()), template.pk],
            )

    def remove(self, template) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET embedding_vec = NULL WHERE id = %s", [template.pk])  # noqa: S608

    @transaction.atomic
    def rebuild(self, *, batch_size: int = 2000) -> int:
        from ..models import FaceTemplate

        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET embedding_vec = NULL WHERE NOT is_active")  # noqa: S608
        done = 0
        active = FaceTemplate.objects.filter(is_active=True).order_by("pk")
        for dims, metric in active.values_list("dimensions", "metric").distinct():
            self.ensure_hnsw_index(int(dims), metric)
        rows = active.values_list("pk", "embedding").iterator(chunk_size=batch_size)
        batch: list = []
        for pk, blob in rows:
            batch.append((pk, vector_literal(np.frombuffer(bytes(blob), dtype="<f4"))))
            if len(batch) >= batch_size:
                done += self._write_batch(batch)
                batch = []
        if batch:
            done += self._write_batch(batch)
        return done

    def _write_batch(self, batch: list) -> int:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {TABLE} SET embedding_vec = %s::vector WHERE id = %s",  # noqa: S608
                [(literal, pk) for pk, literal in batch],
            )
        return len(batch)

    def ensure_hnsw_index(self, dims: int, metric: str) -> None:
        """Create the partial HNSW index for (dims, metric) unless it exists (0003 made the usual two)."""
        key = (int(dims), metric)
        if key in self._indexed:
            return
        _operator, ops = OPERATORS[metric]
        name = f"fm_face_vec_hnsw_{metric}_{key[0]}"
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [name])
            if cursor.fetchone() is None:
                # DDL refuses to run while the transaction has deferred FK checks pending (the template
                # row was just inserted): run those checks now
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {name} ON {TABLE} "
                    f"USING hnsw ((embedding_vec::vector({key[0]})) {ops}) "
                    "WITH (m = 16, ef_construction = 64) "
                    f"WHERE dimensions = {key[0]} AND metric = '{metric}'"
                )
        with self._lock:
            self._indexed.add(key)

    # -- reads -------------------------------------------------------------------------------------

    def search(
        self, embedding, *, engine_id, model_hash, metric, k=10, exclude_user_id=None
    ) -> list[FaceHit]:
        query = self._check_query(embedding, metric, k)
        dims = int(query.shape[0])
        operator, _ops = OPERATORS[metric]
        # dims and metric are inlined (an int and a fixed word) so the planner can match the partial index
        distance = f"(embedding_vec::vector({dims}) {operator} %s::vector({dims}))"
        where = [
            f"dimensions = {dims}",
            f"metric = '{metric}'",
            "embedding_vec IS NOT NULL",
            "is_active",
            "engine_id = %s",
            "model_hash = %s",
        ]
        params: list = [vector_literal(query), engine_id, model_hash]
        if exclude_user_id is not None:
            where.append("subject_user_id IS DISTINCT FROM %s")
            params.append(exclude_user_id)
        sql = (
            f"SELECT id, kind, subject_user_id, protected_person_id, {distance} AS distance "  # noqa: S608
            f"FROM {TABLE} WHERE {' AND '.join(where)} ORDER BY {distance} LIMIT {int(k)}"
        )
        params.append(params[0])
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL hnsw.ef_search = {max(int(self.ef_search), int(k))}")
            if self._supports_iterative_scan(cursor):
                # keeps scanning the graph when filters drop candidates (pgvector >= 0.8)
                cursor.execute("SET LOCAL hnsw.iterative_scan = strict_order")
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return [
            FaceHit(
                template_id=int(pk),
                kind=kind,
                subject_user_id=user_id,
                protected_person_id=person_id,
                score=1.0 - float(distance) if metric == "cosine" else float(distance),
            )
            for pk, kind, user_id, person_id, distance in rows
        ]

    def _supports_iterative_scan(self, cursor) -> bool:
        if self._iterative_scan is None:
            cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
            row = cursor.fetchone()
            version = tuple(int(part) for part in (row[0] if row else "0").split(".")[:2])
            self._iterative_scan = version >= (0, 8)
        return self._iterative_scan
