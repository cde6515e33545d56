"""Exact search in process with numpy, over templates loaded from the database (any database).

Each process keeps one matrix per (engine_id, model_hash). Before every search it reads
``FaceIndexVersion`` (one row, replaced in the same transaction as every template change); when it moved,
the matrix is reloaded. So a template added or withdrawn by another process is seen at the next search,
inside the caller's transaction, with no cache invalidation message to lose. Templates must therefore
be written through the services (``face_template_enroll`` / ``face_template_withdraw``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from .base import FaceHit, FaceIndex


@dataclass(frozen=True)
class _Matrix:
    signature: str
    vectors: np.ndarray  # n x d float32
    squared_norms: np.ndarray  # n
    ids: np.ndarray
    kinds: np.ndarray
    user_ids: np.ndarray  # -1 where none
    person_ids: np.ndarray  # -1 where none


class ExactFaceIndex(FaceIndex):
    def __init__(self) -> None:
        self._matrices: dict[tuple[str, str], _Matrix] = {}
        self._lock = threading.Lock()

    # the database is the index: nothing to do on add/remove, the signature notices the change
    def add(self, template) -> None:
        return None

    def remove(self, template) -> None:
        return None

    def rebuild(self) -> int:
        with self._lock:
            self._matrices.clear()
        from ..models import FaceTemplate

        return FaceTemplate.objects.filter(is_active=True).count()

    def search(
        self, embedding, *, engine_id, model_hash, metric, k=10, exclude_user_id=None
    ) -> list[FaceHit]:
        query = self._check_query(embedding, metric, k)
        matrix = self._matrix(engine_id, model_hash)
        if matrix.vectors.shape[0] == 0:
            return []
        if matrix.vectors.shape[1] != query.shape[0]:
            raise ValueError("query embedding has the wrong number of dimensions for this model")
        dots = matrix.vectors @ query
        if metric == "cosine":
            scores = dots / np.maximum(np.sqrt(matrix.squared_norms) * np.linalg.norm(query), 1e-12)
        else:
            scores = np.sqrt(np.maximum(matrix.squared_norms + float(query @ query) - 2.0 * dots, 0.0))
        # lower is better from here on, so one partial selection serves both metrics
        costs = -scores if metric == "cosine" else scores.copy()
        if exclude_user_id is not None:
            costs[matrix.user_ids == exclude_user_id] = np.inf
        count = costs.shape[0]
        # argpartition is O(n): no full sort of every template for ten hits
        candidates = np.argpartition(costs, k - 1)[:k] if k < count else np.arange(count)
        candidates = candidates[np.isfinite(costs[candidates])]
        ranked = candidates[np.argsort(costs[candidates], kind="stable")]
        return [
            FaceHit(
                template_id=int(matrix.ids[i]),
                kind=str(matrix.kinds[i]),
                subject_user_id=None if matrix.user_ids[i] < 0 else int(matrix.user_ids[i]),
                protected_person_id=None if matrix.person_ids[i] < 0 else int(matrix.person_ids[i]),
                score=float(scores[i]),
            )
            for i in ranked
        ]

    # -- loading ---------------------------------------------------------------------------------

    def _matrix(self, engine_id: str, model_hash: str) -> _Matrix:
        from ..models import FaceIndexVersion, FaceTemplate

        signature = FaceIndexVersion.current()
        templates = FaceTemplate.objects.filter(engine_id=engine_id, model_hash=model_hash, is_active=True)
        key = (engine_id, model_hash)
        cached = self._matrices.get(key)
        if cached is not None and cached.signature == signature:
            return cached
        rows = list(
            templates.order_by("pk").values_list(
                "pk", "kind", "subject_user_id", "protected_person_id", "dimensions", "embedding"
            )
        )
        dims = rows[0][4] if rows else 0
        vectors = np.empty((len(rows), dims), dtype=np.float32)
        for i, row in enumerate(rows):
            if row[4] != dims:
                raise ValueError(f"templates of {engine_id} have mixed dimensions")
            vectors[i] = np.frombuffer(bytes(row[5]), dtype="<f4")
        matrix = _Matrix(
            signature=signature,
            vectors=vectors,
            squared_norms=np.einsum("ij,ij->i", vectors, vectors),
            ids=np.array([r[0] for r in rows], dtype=np.int64),
            kinds=np.array([r[1] for r in rows], dtype=object),
            user_ids=np.array([-1 if r[2] is None else r[2] for r in rows], dtype=np.int64),
            person_ids=np.array([-1 if r[3] is None else r[3] for r in rows], dtype=np.int64),
        )
        with self._lock:
            self._matrices[key] = matrix
        return matrix
