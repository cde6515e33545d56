"""The face-index interface every backend implements.

Templates live in ``FaceTemplate`` (the source of truth, any database); a backend may keep a derived,
faster structure (pgvector's HNSW column) that ``add`` / ``remove`` / ``rebuild`` keep in step.
A search only ever compares vectors of one ``engine_id`` and ``model_hash``: embeddings of different
models live in unrelated spaces, so a distance between them means nothing.

Nothing here assumes SQL: a backend on a distributed vector engine (README, "Scaling the face index")
keeps its own collection keyed by template id with the filter fields as payload. Since ``add`` and
``remove`` run inside the caller's transaction, such a backend must defer its writes to
``transaction.on_commit`` (and let ``rebuild`` repair what a crash lost), or a rolled-back enrollment
would stay findable.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass

import numpy as np

METRICS = ("euclidean", "cosine")


@dataclass(frozen=True)
class FaceHit:
    """One template close to the query. ``score`` is a distance (euclidean) or similarity (cosine)."""

    template_id: int
    kind: str
    subject_user_id: int | None
    protected_person_id: int | None
    score: float


class FaceIndex(abc.ABC):
    """Abstract face index; backends are chosen by dotted path (FACE_MARKET['FACE_INDEX_BACKEND'])."""

    @abc.abstractmethod
    def add(self, template) -> None:
        """Make an active ``FaceTemplate`` findable (called in the transaction that saves it)."""

    @abc.abstractmethod
    def remove(self, template) -> None:
        """Make a template unfindable (called when it is deactivated or about to be deleted)."""

    @abc.abstractmethod
    def search(
        self,
        embedding: np.ndarray,
        *,
        engine_id: str,
        model_hash: str,
        metric: str,
        k: int = 10,
        exclude_user_id: int | None = None,
    ) -> list[FaceHit]:
        """The ``k`` active templates of this engine and model closest to ``embedding``, best first,
        leaving out ``exclude_user_id``'s own templates (a seller never matches themself)."""

    def rebuild(self) -> int:
        """Re-derive the backend's own structure from ``FaceTemplate``; returns templates indexed."""
        return 0

    @staticmethod
    def _check_query(embedding: np.ndarray, metric: str, k: int) -> np.ndarray:
        if metric not in METRICS:
            raise ValueError(f"unknown metric {metric!r}")
        if k < 1:
            raise ValueError("k must be at least 1")
        vector = np.asarray(embedding, dtype=np.float32).reshape(-1)
        if not np.all(np.isfinite(vector)):
            raise ValueError("query embedding has non-finite values")
        return vector
