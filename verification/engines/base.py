"""The face-engine interface every engine implements.

An engine turns an RGB image (numpy uint8, H x W x 3) into faces (box, 5 landmarks, score),
a face into a unit-length embedding, and a frame into dense landmarks for liveness.
Embeddings of different engines (or different model hashes) are never compared: every
template is stored with ``engine_id`` and ``model_hash``.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


class FaceEngineConfigurationError(Exception):
    """An engine cannot run as configured (missing model directory, no licence assertion, ...).

    Raised at construction or first load, never at comparison time. The Django layer may re-raise it
    as ``ImproperlyConfigured``; engines stay free of Django imports.
    """


@dataclass(frozen=True)
class DetectedFace:
    """One face found in an image.

    box: (left, top, right, bottom) in pixels of the image given to ``detect``.
    landmarks: 5 x 2 float array: left eye, right eye, nose tip, left mouth corner,
        right mouth corner (subject's left/right as seen in the image: left = smaller x).
    score: detector confidence (engine-specific scale, higher is surer).
    """

    box: tuple[int, int, int, int]
    landmarks: np.ndarray
    score: float

    @property
    def width(self) -> int:
        return self.box[2] - self.box[0]

    @property
    def height(self) -> int:
        return self.box[3] - self.box[1]


class FaceEngine(abc.ABC):
    """Abstract face engine. Subclasses are chosen by dotted path in FACE_MARKET['FACE_ENGINE']."""

    #: stable identifier stored with each template, e.g. "dlib-resnet-v1"
    engine_id: str = ""
    #: "euclidean" (same person when distance < threshold) or "cosine" (same when similarity >= threshold)
    metric: str = "euclidean"
    #: default decision threshold for ``metric``
    threshold: float = 0.0
    #: embedding length
    dimensions: int = 0

    @property
    @abc.abstractmethod
    def model_hash(self) -> str:
        """A short hash of the model files actually loaded (sha256 prefix)."""

    @abc.abstractmethod
    def detect(self, image: np.ndarray) -> list[DetectedFace]:
        """All faces in an RGB uint8 image, largest first."""

    @abc.abstractmethod
    def embed(self, image: np.ndarray, face: DetectedFace) -> np.ndarray:
        """A unit-length float32 embedding of ``face`` in ``image``."""

    def detect_batch(self, images: Sequence[np.ndarray]) -> list[list[DetectedFace]]:
        """``detect`` for several images; engines on an accelerator override it with one batched run."""
        return [self.detect(image) for image in images]

    def embed_batch(self, items: Sequence[tuple[np.ndarray, DetectedFace]]) -> list[np.ndarray]:
        """``embed`` for several (image, face) pairs; overridden where one batched run is faster."""
        return [self.embed(image, face) for image, face in items]

    @abc.abstractmethod
    def dense_landmarks(self, image: np.ndarray) -> np.ndarray | None:
        """N x 3 float32 landmarks (x, y in pixels, z relative depth) of the main face, or None."""

    def dense_landmarks_sequence(self, frames: Sequence[np.ndarray]) -> list[np.ndarray | None]:
        """Dense landmarks for consecutive frames of one capture session.

        Engines may override this with a tracker that carries state from frame to frame (faster and
        steadier than detecting every frame); the default treats frames independently.
        """
        return [self.dense_landmarks(frame) for frame in frames]

    # -- comparison, shared by every engine ----------------------------------------------------

    def score(self, a: np.ndarray, b: np.ndarray) -> float:
        """Distance (euclidean) or similarity (cosine) between two embeddings of this engine."""
        a = np.asarray(a, dtype=np.float32)
        b = np.asarray(b, dtype=np.float32)
        if self.metric == "cosine":
            return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))
        return float(np.linalg.norm(a - b))

    def is_match(self, score: float, threshold: float | None = None) -> bool:
        t = self.threshold if threshold is None else threshold
        return score >= t if self.metric == "cosine" else score < t
