"""Production engine: SCRFD detector + ArcFace recognizer (512-d, cosine) on onnxruntime.

The ONNX files come from a directory the deployment provides. insightface's published model packs
are licensed for non-commercial research only, so the deployment must assert that it holds a licence
for the models it points at (``licence_confirmed=True``).

This module never imports insightface: insightface fetches model packs from the internet when a name
is not an existing directory (and its downloader has no timeout). The two files are routed by their
input/output signatures and run directly on onnxruntime, with the same pre- and post-processing as
insightface 2.1 (``model_zoo/scrfd.py``, ``model_zoo/arcface_onnx.py``, ``utils/face_align.py``).

Threshold: cosine similarity 0.40 by default, insightface 2.1's own default for deciding that a face
is a registered person (``app/privateframe/base_config.py``; PersonAnalysis uses 0.45 plus a margin).
No weights can ship with this project, so validate it on the deployment's own models and data.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from .base import DetectedFace, FaceEngine, FaceEngineConfigurationError
from .mediapipe_mesh import FaceMeshRunner, MeshLandmarks

logger = logging.getLogger(__name__)
DEFAULT_PROVIDERS = ("CUDAExecutionProvider", "CPUExecutionProvider")
#: the five ArcFace landmarks (eyes, nose tip, mouth corners) in a 112 x 112 aligned crop
ARCFACE_TEMPLATE = np.array(
    [[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655], [70.7299, 92.2041]],
    dtype=np.float32,
)
#: detector output count -> feature strides (score, box and keypoint maps per stride)
_SCRFD_STRIDES = {9: (8, 16, 32), 15: (8, 16, 32, 64, 128)}


@dataclass(frozen=True)
class ModelRoute:
    """Which file of the model directory does what; the other files are ignored."""

    detector: Path
    recognizer: Path
    ignored: tuple[Path, ...]
    #: insightface's rule: a recognizer graph that starts by subtracting and multiplying (mxnet
    #: conversions) normalises its own input and takes raw 0..255 pixels
    recognizer_normalises: bool = False


def _dims(value_info: Any) -> list[int | str]:
    return [
        d.dim_value if d.dim_value > 0 else (d.dim_param or "?")
        for d in value_info.type.tensor_type.shape.dim
    ]


def route_models(model_dir: Path) -> ModelRoute:
    """Assign roles by signature: SCRFD with keypoints (one N x 3 x H x W input, 9 or 15 outputs) and an
    ArcFace recognizer (one N x 3 x 112 x 112 input, one output of 512 values)."""
    import onnx

    detectors, recognizers, ignored = [], [], []
    for path in sorted(model_dir.glob("*.onnx")):
        try:
            graph = onnx.load(str(path), load_external_data=False).graph
        except Exception as exc:  # whatever the parser objects to, the directory is misconfigured
            raise FaceEngineConfigurationError(f"{path.name} is not a readable ONNX model") from exc
        initializers = {t.name for t in graph.initializer}
        inputs = [i for i in graph.input if i.name not in initializers]
        shape = _dims(inputs[0]) if len(inputs) == 1 else []
        if len(shape) != 4 or shape[1] != 3:
            ignored.append(path)
        elif len(graph.output) in _SCRFD_STRIDES:
            detectors.append(path)
        elif shape[2:] == [112, 112] and len(graph.output) == 1 and _dims(graph.output[0])[-1:] == [512]:
            names = [n.name for n in graph.node[:8]]
            normalises = any(n.startswith(("Sub", "_minus")) for n in names) and any(
                n.startswith(("Mul", "_mul")) for n in names
            )
            recognizers.append((path, normalises))
        else:
            ignored.append(path)
    for role, found in (
        ("detector (SCRFD with keypoints)", detectors),
        ("recognizer (ArcFace 512-d)", recognizers),
    ):
        if len(found) != 1:
            names = ", ".join(p.name if isinstance(p, Path) else p[0].name for p in found) or "none"
            raise FaceEngineConfigurationError(f"{model_dir} needs exactly one {role}; found: {names}")
    ((recognizer, normalises),) = recognizers
    return ModelRoute(detectors[0], recognizer, tuple(ignored), normalises)


def similarity_transform(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """2 x 3 least-squares similarity (rotation, uniform scale, shift) taking ``src`` to ``dst`` (Umeyama)."""
    src, dst = np.asarray(src, np.float64), np.asarray(dst, np.float64)
    mu_s, mu_d = src.mean(axis=0), dst.mean(axis=0)
    s_c, d_c = src - mu_s, dst - mu_d
    u, sig, vt = np.linalg.svd(d_c.T @ s_c / len(src))
    d = np.array([1.0, -1.0 if np.linalg.det(u) * np.linalg.det(vt) < 0 else 1.0])
    rot = u @ np.diag(d) @ vt
    scale = float((sig * d).sum() / ((s_c**2).sum() / len(src)))
    return np.hstack([scale * rot, (mu_d - scale * rot @ mu_s)[:, None]])


def _nms(boxes: np.ndarray, scores: np.ndarray, threshold: float) -> list[int]:
    x1, y1, x2, y2 = boxes.T
    areas = (x2 - x1 + 1) * (y2 - y1 + 1)
    order = np.argsort(-scores, kind="stable")
    keep = []
    while order.size:
        i, rest = order[0], order[1:]
        keep.append(int(i))
        w = np.maximum(0.0, np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest]) + 1)
        h = np.maximum(0.0, np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest]) + 1)
        inter = w * h
        order = rest[inter / (areas[i] + areas[rest] - inter) <= threshold]
    return keep


class InsightFaceEngine(MeshLandmarks, FaceEngine):
    """SCRFD + ArcFace from an explicit, licensed model directory (never downloads)."""

    engine_id = "insightface-arcface"
    metric = "cosine"
    threshold = 0.40
    dimensions = 512

    def __init__(
        self,
        model_dir: str,
        licence_confirmed: bool,
        providers: list[str] | None = None,
        *,
        threshold: float | None = None,
        det_size: tuple[int, int] = (640, 640),
        det_threshold: float = 0.5,
        nms_threshold: float = 0.4,
        threads: int = 0,
        max_batch: int = 16,
    ):
        if licence_confirmed is not True:
            raise FaceEngineConfigurationError(
                "insightface's published models are licensed for non-commercial research only: pass "
                "licence_confirmed=True only if the deployment holds a licence for the models in model_dir"
            )
        if not isinstance(model_dir, str | os.PathLike) or not os.path.isabs(model_dir):
            raise FaceEngineConfigurationError("model_dir must be an absolute path to an existing directory")
        self.model_dir = Path(model_dir)
        if not self.model_dir.is_dir():
            raise FaceEngineConfigurationError(f"model_dir {self.model_dir} is not a directory")
        if not any(self.model_dir.glob("*.onnx")):
            raise FaceEngineConfigurationError(f"model_dir {self.model_dir} holds no .onnx files")
        import onnxruntime as ort

        available = set(ort.get_available_providers())
        wanted = list(DEFAULT_PROVIDERS if providers is None else providers)
        self.providers = [p for p in wanted if p in available]
        if wanted and self.providers[:1] != wanted[:1]:
            logger.info("insightface engine: %s is not in this onnxruntime build", wanted[0])
        if not self.providers:
            raise FaceEngineConfigurationError(f"none of the providers {wanted} is available here")
        if threshold is not None:
            self.threshold = float(threshold)
        self.det_size = (int(det_size[0]), int(det_size[1]))
        self.det_threshold = float(det_threshold)
        self.nms_threshold = float(nms_threshold)
        self.threads = int(threads)
        if int(max_batch) < 1:
            raise FaceEngineConfigurationError("max_batch must be at least 1")
        self.max_batch = int(max_batch)
        self._mesh = FaceMeshRunner()
        self._lock = threading.Lock()
        self._loaded: dict[str, Any] | None = None

    # -- loading ---------------------------------------------------------------------------------

    def _load(self) -> dict[str, Any]:
        with self._lock:
            if self._loaded is None:
                import onnxruntime as ort

                route = route_models(self.model_dir)
                options = ort.SessionOptions()
                options.intra_op_num_threads = self.threads
                det = ort.InferenceSession(str(route.detector), options, providers=self.providers)
                rec = ort.InferenceSession(str(route.recognizer), options, providers=self.providers)
                h, w = det.get_inputs()[0].shape[2:4]
                digest = hashlib.sha256()
                for path in (route.detector, route.recognizer):
                    digest.update(path.read_bytes())
                self._loaded = {
                    "route": route,
                    "det": det,
                    "rec": rec,
                    "det_input": (w, h) if isinstance(w, int) and isinstance(h, int) else self.det_size,
                    "rec_norm": (0.0, 1.0) if route.recognizer_normalises else (127.5, 127.5),
                    "rec_size": int(rec.get_inputs()[0].shape[2]),
                    "hash": digest.hexdigest()[:16],
                    "det_batches": _dynamic_batch(det),
                    "rec_batches": _dynamic_batch(rec),
                }
                active = [p for s in (det, rec) for p in s.get_providers()]
                if self.providers[0] not in active:
                    # onnxruntime falls back silently (a CUDA build without a usable GPU runs on CPU)
                    logger.warning(
                        "insightface engine: %s requested, running on %s", self.providers[0], active[0]
                    )
            return self._loaded

    def load(self) -> ModelRoute:
        """Route and load the models now (otherwise done on first use); returns the routing."""
        return self._load()["route"]

    @property
    def active_providers(self) -> list[str]:
        """Execution providers the sessions really run on (not merely requested)."""
        loaded = self._load()
        out: list[str] = []
        for session in (loaded["det"], loaded["rec"]):
            out += [p for p in session.get_providers() if p not in out]
        return out

    @property
    def model_hash(self) -> str:
        return self._load()["hash"]

    # -- detection -------------------------------------------------------------------------------

    def detect(self, image: np.ndarray) -> list[DetectedFace]:
        return self.detect_batch([image])[0]

    def detect_batch(self, images: Sequence[np.ndarray]) -> list[list[DetectedFace]]:
        """Faces of each image, largest first; one detector run per ``max_batch`` images where the
        detector's batch dimension is dynamic (image by image where the export fixed it at 1)."""
        loaded = self._load()
        in_w, in_h = loaded["det_input"]
        prepared = [self._letterbox(image, in_w, in_h) for image in images]
        session = loaded["det"]
        name = session.get_inputs()[0].name
        step = self.max_batch if loaded["det_batches"] else 1
        results: list[list[DetectedFace]] = []
        for start in range(0, len(prepared), step):
            chunk = prepared[start : start + step]
            outputs = session.run(None, {name: np.stack([blob for blob, _s, _hw in chunk])})
            for b, (_blob, scale, (height, width)) in enumerate(chunk):
                mine = [_batch_item(out, b, len(chunk)) for out in outputs]
                results.append(self._faces(mine, in_w, in_h, scale, width, height))
        return results

    @staticmethod
    def _letterbox(image: np.ndarray, in_w: int, in_h: int) -> tuple[np.ndarray, float, tuple[int, int]]:
        if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise ValueError("expected an RGB uint8 image of shape H x W x 3")
        height, width = image.shape[:2]
        if height / width > in_h / in_w:
            new_h, new_w = in_h, max(1, int(in_h * width / height))
        else:
            new_w, new_h = in_w, max(1, int(in_w * height / width))
        canvas = np.zeros((in_h, in_w, 3), dtype=np.uint8)
        canvas[:new_h, :new_w] = cv2.resize(image, (new_w, new_h))
        blob = ((canvas.astype(np.float32) - 127.5) / 128.0).transpose(2, 0, 1)
        return blob, new_h / height, (height, width)

    def _faces(
        self, outputs: list[np.ndarray], in_w: int, in_h: int, scale: float, width: int, height: int
    ) -> list[DetectedFace]:
        boxes, kps, scores = self._decode(outputs, in_w, in_h)
        if not len(scores):
            return []
        keep = _nms(boxes, scores, self.nms_threshold)
        faces = []
        for i in keep:
            x1, y1, x2, y2 = boxes[i] / scale
            box = (
                max(0, int(round(x1))),
                max(0, int(round(y1))),
                min(width, int(round(x2))),
                min(height, int(round(y2))),
            )
            if box[2] - box[0] >= 2 and box[3] - box[1] >= 2:
                faces.append(
                    DetectedFace(
                        box=box, landmarks=(kps[i] / scale).astype(np.float32), score=float(scores[i])
                    )
                )
        return sorted(faces, key=lambda f: f.width * f.height, reverse=True)

    def _decode(
        self, outputs: list[np.ndarray], in_w: int, in_h: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """SCRFD outputs [scores x n, boxes x n, keypoints x n] (n strides) to image-space candidates."""
        strides = _SCRFD_STRIDES[len(outputs)]
        n = len(strides)
        all_boxes, all_kps, all_scores = [], [], []
        for j, stride in enumerate(strides):
            scores, deltas, kdeltas = (outputs[j + k * n] for k in range(3))
            if scores.ndim == 3:  # batched export: (1, anchors, c)
                scores, deltas, kdeltas = scores[0], deltas[0], kdeltas[0]
            scores = scores.reshape(-1)
            fh, fw = in_h // stride, in_w // stride
            anchors = scores.size // (fh * fw)
            centres = np.stack(np.mgrid[:fh, :fw][::-1], axis=-1).reshape(-1, 2).astype(np.float32) * stride
            centres = np.repeat(centres, anchors, axis=0)
            hit = scores >= self.det_threshold
            d = deltas.reshape(-1, 4)[hit] * stride
            c = centres[hit]
            all_boxes.append(np.hstack([c - d[:, :2], c + d[:, 2:]]))
            all_kps.append(c[:, None, :] + kdeltas.reshape(-1, 5, 2)[hit] * stride)
            all_scores.append(scores[hit])
        return np.vstack(all_boxes), np.vstack(all_kps), np.concatenate(all_scores)

    # -- embedding -------------------------------------------------------------------------------

    def align(self, image: np.ndarray, face: DetectedFace) -> np.ndarray:
        """The ArcFace crop: the 5 landmarks warped onto the template by a similarity transform."""
        size = self._load()["rec_size"]
        matrix = similarity_transform(face.landmarks, ARCFACE_TEMPLATE * (size / 112.0))
        return cv2.warpAffine(image, matrix, (size, size), borderValue=0.0)

    def embed(self, image: np.ndarray, face: DetectedFace) -> np.ndarray:
        return self.embed_batch([(image, face)])[0]

    def embed_batch(self, items: Sequence[tuple[np.ndarray, DetectedFace]]) -> list[np.ndarray]:
        """Unit embeddings of (image, face) pairs; one recognizer run per ``max_batch`` faces."""
        loaded = self._load()
        mean, std = loaded["rec_norm"]
        session = loaded["rec"]
        name = session.get_inputs()[0].name
        step = self.max_batch if loaded["rec_batches"] else 1
        crops = [
            ((self.align(image, face).astype(np.float32) - mean) / std).transpose(2, 0, 1)
            for image, face in items
        ]
        embeddings: list[np.ndarray] = []
        for start in range(0, len(crops), step):
            chunk = np.stack(crops[start : start + step])
            out = session.run(None, {name: chunk})[0].reshape(len(chunk), -1).astype(np.float32)
            for row in out:
                norm = float(np.linalg.norm(row))
                if not np.isfinite(norm) or norm == 0.0:
                    raise ValueError("the recognizer returned a degenerate embedding")
                embeddings.append(row / norm)
        return embeddings


def _batch_item(output: np.ndarray, index: int, batch: int) -> np.ndarray:
    """Image ``index``'s share of one detector output: batched exports give (N, anchors, c); the
    others flatten the batch into the rows, image after image (N * anchors, c)."""
    if output.ndim == 3:
        return output[index : index + 1]
    rows = output.shape[0] // batch
    return output[index * rows : (index + 1) * rows]


def _dynamic_batch(session) -> bool:
    first = session.get_inputs()[0].shape[0]
    return not (isinstance(first, int) and first == 1)
