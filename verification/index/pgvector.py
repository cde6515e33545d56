"""pgvector HNSW search on PostgreSQL.

Migration 0003 adds ``embedding_vec vector`` to the template table (PostgreSQL only) with one partial
HNSW expression index per (dimensions, metric); this backend fills that column from the float32 bytes
and queries it with the same cast and predicate so the planner uses the index. ``FaceTemplate.embedding``
stays the source of truth: ``rebuild()`` re-derives the column (e.g. after switching from the exact
backend). A template leaves the index by clearing its vector (HNSW does not index NULLs).

Storage (``FACE_INDEX_OPTIONS['storage']``): ``halfvec`` (the default, migration 0006) indexes the
column cast to half precision: the graph is half the size (1M x 512 fits in memory) and each distance
reads half the bytes. The HNSW scan returns ``rerank_candidates`` rows in half precision, which are then
re-ranked on the full-precision column, so the order and scores returned are float32-exact.
``vector`` indexes full precision (migration 0003's indexes). ``ef_search`` and pgvector 0.8's iterative
scan (``relaxed_order``: the outer query re-orders anyway) are set per query.
"""

from __future__ import annotations

import threading

import numpy as np
from django.db import connection, transaction

from .base import FaceHit, FaceIndex

TABLE = "fm_verification_facetemplate"
#: metric -> (pgvector distance operator, operator class)
OPERATORS = {"euclidean": ("<->", "vector_l2_ops"), "cosine": ("<=>", "vector_cosine_ops")}
#: storage -> (index name prefix, operator-class prefix); ``vector`` is migration 0003's naming
STORAGES = {"vector": ("fm_face_vec_hnsw", "vector"), "halfvec": ("fm_face_half_hnsw", "halfvec")}
#: graph degree and build-time candidate list of the indexes the backend creates (pgvector's defaults
#: are 16 and 64; bench/face_index_search.py measures what they cost and buy at 1M faces)
#: measured at 1M x 512: m 24 / ef_construction 128 reached recall@10 0.991 (ef_search 400) where
#: 16 / 64 stopped at 0.978 (ef_search 800), for a 1.7x longer build and a 1.2x larger graph
HNSW_M = 24
HNSW_EF_CONSTRUCTION = 128


def index_name(dims: int, metric: str, storage: str = "halfvec") -> str:
    return f"{STORAGES[storage][0]}_{metric}_{int(dims)}"


def index_ddl(
    dims: int,
    metric: str,
    storage: str = "halfvec",
    *,
    table: str = TABLE,
    m: int = HNSW_M,
    ef_construction: int = HNSW_EF_CONSTRUCTION,
) -> str:
    """The partial HNSW expression index for one (dimensions, metric) in one storage."""
    _operator, ops = OPERATORS[metric]
    kind = STORAGES[storage][1]
    ops = ops.replace("vector_", f"{kind}_", 1)
    return (
        f"CREATE INDEX IF NOT EXISTS {index_name(dims, metric, storage)} ON {table} "
        f"USING hnsw ((embedding_vec::{kind}({int(dims)})) {ops}) "
        f"WITH (m = {int(m)}, ef_construction = {int(ef_construction)}) "
        f"WHERE dimensions = {int(dims)} AND metric = '{metric}'"
    )


def vector_literal(vector: np.ndarray) -> str:
    """pgvector's text form, '[x,y,...]', with float32 round-trip precision."""
    return "[" + ",".join(f"{x:.9g}" for x in np.asarray(vector, dtype=np.float32).reshape(-1)) + "]"


class PgvectorFaceIndex(FaceIndex):
    #: HNSW candidate list size per query (pgvector's default is 40); higher = better recall, slower.
    #: 400 reached recall@10 0.991 at 1M x 512 in bench/face_index_search.py (README, scaling); the
    #: search runs in the decision task, where 20 ms is nothing next to the face models
    ef_search = 400
    #: rows the half-precision scan hands to the full-precision re-rank (at least k)
    rerank_candidates = 40
    storage = "halfvec"

    def __init__(
        self,
        *,
        ef_search: int | None = None,
        storage: str | None = None,
        rerank_candidates: int | None = None,
    ) -> None:
        if connection.vendor != "postgresql":
            raise RuntimeError("PgvectorFaceIndex needs PostgreSQL with pgvector (check verification.E005)")
        if ef_search is not None:
            self.ef_search = int(ef_search)
        if rerank_candidates is not None:
            self.rerank_candidates = int(rerank_candidates)
        if storage is not None:
            if storage not in STORAGES:
                raise ValueError(f"unknown face-index storage {storage!r} (one of {sorted(STORAGES)})")
            self.storage = storage
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
        name = index_name(key[0], metric, self.storage)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [name])
            if cursor.fetchone() is None:
                # DDL refuses to run while the transaction has deferred FK checks pending (the template
                # row was just inserted): run those checks now
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(index_ddl(key[0], metric, self.storage))
        with self._lock:
            self._indexed.add(key)

    # -- reads -------------------------------------------------------------------------------------

    def search(
        self, embedding, *, engine_id, model_hash, metric, k=10, exclude_user_id=None
    ) -> list[FaceHit]:
        query = self._check_query(embedding, metric, k)
        sql, params = self.search_sql(query, engine_id, model_hash, metric, k, exclude_user_id)
        with transaction.atomic(), connection.cursor() as cursor:
            candidates = max(int(k), int(self.rerank_candidates)) if self.storage == "halfvec" else int(k)
            cursor.execute(f"SET LOCAL hnsw.ef_search = {max(int(self.ef_search), candidates)}")
            if self._supports_iterative_scan(cursor):
                # keeps scanning the graph when filters (engine, model, excluded seller) drop candidates;
                # relaxed order is enough where the outer query re-ranks the candidates
                order = "relaxed_order" if self.storage == "halfvec" else "strict_order"
                cursor.execute(f"SET LOCAL hnsw.iterative_scan = {order}")
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

    def search_sql(self, query, engine_id, model_hash, metric, k, exclude_user_id=None):
        """The query the planner answers from the partial HNSW index (dims and metric inlined: an int
        and a fixed word, so the planner can match the index's predicate)."""
        dims = int(query.shape[0])
        operator, _ops = OPERATORS[metric]
        kind = STORAGES[self.storage][1]
        literal = vector_literal(query)
        where = [
            f"dimensions = {dims}",
            f"metric = '{metric}'",
            "embedding_vec IS NOT NULL",
            "is_active",
            "engine_id = %s",
            "model_hash = %s",
        ]
        params: list = [engine_id, model_hash]
        if exclude_user_id is not None:
            where.append("subject_user_id IS DISTINCT FROM %s")
            params.append(exclude_user_id)
        columns = "id, kind, subject_user_id, protected_person_id"
        exact = f"(embedding_vec::vector({dims}) {operator} %s::vector({dims}))"
        scan = f"(embedding_vec::{kind}({dims}) {operator} %s::{kind}({dims}))"
        filters = " AND ".join(where)
        if self.storage == "vector":
            sql = (
                f"SELECT {columns}, {exact} AS distance FROM {TABLE} "  # noqa: S608
                f"WHERE {filters} ORDER BY {exact} LIMIT {int(k)}"
            )
            return sql, [literal, *params, literal]
        candidates = max(int(k), int(self.rerank_candidates))
        sql = (
            f"SELECT {columns}, {exact} AS distance FROM ("  # noqa: S608
            f"SELECT {columns}, embedding_vec FROM {TABLE} WHERE {filters} "
            f"ORDER BY {scan} LIMIT {candidates}) AS candidates ORDER BY distance LIMIT {int(k)}"
        )
        return sql, [literal, *params, literal]

    def _supports_iterative_scan(self, cursor) -> bool:
        if self._iterative_scan is None:
            cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
            row = cursor.fetchone()
            version = tuple(int(part) for part in (row[0] if row else "0").split(".")[:2])
            self._iterative_scan = version >= (0, 8)
        return self._iterative_scan
