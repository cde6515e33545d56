"""The offline dlib engine with its real weights on real photos (tests/data/faces/pairs)."""

from __future__ import annotations

import csv
import hashlib

import numpy as np
import pytest

from tests.verification.face_sequences import DATA, load_rgb
from verification.engines.dlib_engine import RAW_THRESHOLD, DlibFaceEngine, _model_files

pytestmark = pytest.mark.faces
PAIRS = DATA / "pairs"


@pytest.fixture(scope="module")
def engine() -> DlibFaceEngine:
    return DlibFaceEngine()


@pytest.fixture(scope="module")
def photos(engine):
    """name -> (unit embedding, raw descriptor) of the largest face of every pairs photo."""
    out = {}
    for path in sorted(PAIRS.glob("*.jpg")):
        rgb = load_rgb(path)
        faces = engine.detect(rgb)
        assert faces, f"no face in {path.name}"
        raw = engine.descriptor(rgb, faces[0])  # one network pass; embed() is this, normalised
        out[path.name] = (raw / np.linalg.norm(raw), raw)
    return out


@pytest.fixture(scope="module")
def pairs():
    with (PAIRS / "pairs.csv").open() as stream:
        return [(r["file_x"], r["file_y"], r["Decision"] == "Yes") for r in csv.DictReader(stream)]


def test_identity_of_the_engine(engine):
    assert engine.engine_id == "dlib-resnet-v1"
    assert engine.metric == "euclidean"
    assert engine.dimensions == 128
    # 0.55 on dlib's raw descriptors, expressed on unit vectors (raw norms: median 1.56)
    assert engine.threshold == pytest.approx(0.353, abs=1e-3)


def test_pairs_at_the_configured_threshold(engine, photos, pairs):
    genuine = [engine.score(photos[a][0], photos[b][0]) for a, b, same in pairs if same]
    impostor = [engine.score(photos[a][0], photos[b][0]) for a, b, same in pairs if not same]
    assert (len(genuine), len(impostor)) == (38, 262)
    false_matches = sum(engine.is_match(d) for d in impostor)
    misses = sum(not engine.is_match(d) for d in genuine)
    assert false_matches == 0
    assert misses <= 0.03 * len(genuine)  # measured: 1 of 38


def test_unit_threshold_decides_like_raw_055(engine, photos, pairs):
    """Normalising changed the scale, not the decisions: raw descriptors at 0.55 agree on every pair."""
    for a, b, _ in pairs:
        raw = float(np.linalg.norm(photos[a][1] - photos[b][1]))
        unit = engine.score(photos[a][0], photos[b][0])
        assert (raw < RAW_THRESHOLD) == engine.is_match(unit), (a, b)


def test_embeddings_are_unit_length_and_raw_descriptors_are_not(engine, photos):
    rgb = load_rgb(PAIRS / "img2.jpg")
    embedding = engine.embed(rgb, engine.detect(rgb)[0])
    assert embedding.dtype == np.float32
    np.testing.assert_allclose(embedding, photos["img2.jpg"][0], atol=1e-6)
    units = np.array([v[0] for v in photos.values()])
    raws = np.array([v[1] for v in photos.values()])
    assert units.shape == (25, 128) and units.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(units, axis=1), 1.0, atol=1e-5)
    norms = np.linalg.norm(raws, axis=1)
    assert 1.3 < norms.min() and norms.max() < 1.7


def test_model_hash_is_stable_and_covers_the_loaded_files(engine):
    assert DlibFaceEngine(upsample=0).model_hash == engine.model_hash
    import dlib

    digest = hashlib.sha256(f"dlib-{dlib.__version__}".encode())
    for path in _model_files():
        digest.update(path.read_bytes())
    assert engine.model_hash == digest.hexdigest()[:16]


def test_detection_layout(engine):
    rgb = load_rgb(PAIRS / "img1.jpg")
    face = engine.detect(rgb)[0]
    left_eye, right_eye, nose, mouth_left, mouth_right = face.landmarks
    assert face.landmarks.shape == (5, 2)
    assert left_eye[0] < nose[0] < right_eye[0]
    assert mouth_left[0] < mouth_right[0] and nose[1] < mouth_left[1]
    x0, y0, x1, y1 = face.box
    assert all(x0 <= x <= x1 and y0 <= y <= y1 for x, y in face.landmarks[:3])


def test_max_side_only_affects_detection(engine):
    """Shrinking for detection maps boxes back to full-size coordinates: same person, close boxes."""
    rgb = load_rgb(PAIRS / "img1.jpg")
    small = DlibFaceEngine(max_side=400)
    a, b = engine.detect(rgb)[0], small.detect(rgb)[0]
    assert np.abs(np.subtract(a.box, b.box)).max() < 0.15 * a.width
    assert engine.is_match(engine.score(engine.embed(rgb, a), small.embed(rgb, b)))


def test_dense_landmarks(engine):
    rgb = load_rgb(PAIRS / "img1.jpg")
    points = engine.dense_landmarks(rgb)
    assert points is not None and points.shape == (478, 3) and points.dtype == np.float32
    face = engine.detect(rgb)[0]
    nose = points[1]
    assert face.box[0] < nose[0] < face.box[2] and face.box[1] < nose[1] < face.box[3]
    assert engine.dense_landmarks(np.full((200, 200, 3), 127, np.uint8)) is None
    assert engine.detect(np.full((200, 200, 3), 127, np.uint8)) == []
