"""Batched detection and embedding of the insightface engine, on the generated stand-in models of
test_insightface_engine.py (plumbing, not accuracy). Session runs are counted by wrapping the real
onnxruntime session's ``run`` (a spy: every call still runs the model)."""

from __future__ import annotations

import numpy as np
import pytest

from verification.engines.base import FaceEngineConfigurationError
from verification.engines.insightface_engine import InsightFaceEngine

from .test_insightface_engine import make_detector, make_recognizer, scene


def counted(engine: InsightFaceEngine, role: str) -> list[int]:
    session = engine._load()[role]
    calls = [0]

    class Counting:
        def __getattr__(self, name):
            return getattr(session, name)

        def run(self, *args, **kwargs):
            calls[0] += 1
            return session.run(*args, **kwargs)

    engine._load()[role] = Counting()
    return calls


@pytest.fixture
def batching_dir(tmp_path):
    make_detector(tmp_path / "det.onnx", batch="n")
    make_recognizer(tmp_path / "rec.onnx")
    return tmp_path


def images() -> list[np.ndarray]:
    moved = np.roll(scene(), 40, axis=1)
    return [scene(), np.zeros((480, 640, 3), np.uint8), moved, scene()[:, ::-1].copy()]


def test_detect_batch_matches_one_by_one_in_one_run(batching_dir):
    engine = InsightFaceEngine(str(batching_dir), licence_confirmed=True)
    one_by_one = [engine.detect(image) for image in images()]
    assert [len(f) for f in one_by_one] == [2, 0, 1, 2]
    runs = counted(engine, "det")
    batched = engine.detect_batch(images())
    assert runs[0] == 1
    assert [[f.box for f in faces] for faces in batched] == [[f.box for f in faces] for faces in one_by_one]
    for got, want in zip(batched, one_by_one, strict=True):
        for a, b in zip(got, want, strict=True):
            np.testing.assert_allclose(a.landmarks, b.landmarks)
            assert a.score == pytest.approx(b.score)


def test_batches_are_capped_and_a_fixed_batch_export_runs_image_by_image(batching_dir, tmp_path):
    capped = InsightFaceEngine(str(batching_dir), licence_confirmed=True, max_batch=3)
    runs = counted(capped, "det")
    assert len(capped.detect_batch(images() * 2)) == 8 and runs[0] == 3  # 3 + 3 + 2

    fixed_dir = tmp_path / "fixed"
    fixed_dir.mkdir()
    make_detector(fixed_dir / "det.onnx")  # batch dimension fixed at 1, like many exports
    make_recognizer(fixed_dir / "rec.onnx")
    fixed = InsightFaceEngine(str(fixed_dir), licence_confirmed=True)
    runs = counted(fixed, "det")
    assert [len(f) for f in fixed.detect_batch(images())] == [2, 0, 1, 2] and runs[0] == 4


def test_embed_batch_matches_one_by_one(batching_dir):
    engine = InsightFaceEngine(str(batching_dir), licence_confirmed=True, max_batch=4)
    pairs = [(image, face) for image in images() for face in engine.detect(image)]
    assert len(pairs) == 5
    single = [engine.embed(image, face) for image, face in pairs]
    runs = counted(engine, "rec")
    batched = engine.embed_batch(pairs)
    assert runs[0] == 2  # 4 + 1
    np.testing.assert_allclose(np.stack(batched), np.stack(single), rtol=1e-5, atol=1e-6)
    assert all(abs(np.linalg.norm(e) - 1.0) < 1e-5 for e in batched)
    assert engine.embed_batch([]) == []


def test_max_batch_must_be_positive(batching_dir):
    with pytest.raises(FaceEngineConfigurationError, match="max_batch"):
        InsightFaceEngine(str(batching_dir), licence_confirmed=True, max_batch=0)
