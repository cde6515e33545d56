"""The insightface engine with GENERATED STAND-IN models.

No insightface weights can ship with this project (their packs are licensed for non-commercial research
only, and nothing may be downloaded), so these tests build small ONNX graphs with the same signatures:

* a SCRFD-shaped detector (one 1 x 3 x H x W input; 9 outputs: scores, boxes and keypoints for strides
  8, 16 and 32 with 2 anchors). It "sees" a face wherever the image is red (anchor 0) or green
  (anchor 1) on one stride-8 cell, with fixed box and keypoint offsets, so the decoded boxes and
  landmarks are known exactly: this checks letterboxing, normalisation, channel order, anchor layout,
  decoding and NMS;
* an ArcFace-shaped recognizer (1 x 3 x 112 x 112 -> 1 x 512): average-pooling and a fixed random
  projection, so embeddings are deterministic and recomputable in numpy.

They prove the plumbing, not recognition accuracy.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from verification.engines.base import DetectedFace, FaceEngineConfigurationError
from verification.engines.insightface_engine import (
    ARCFACE_TEMPLATE,
    InsightFaceEngine,
    route_models,
    similarity_transform,
)

REPO = Path(__file__).resolve().parents[2]
KPS = np.array([-1, -1, 1, -1, 0, 0, -1, 1, 1, 1], dtype=np.float32)  # keypoint offsets, stride units
PROJECTION = np.random.default_rng(0).normal(size=(588, 512)).astype(np.float32)


def _save(graph: onnx.GraphProto, path: Path) -> Path:
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


def make_detector(path: Path, size: int | None = 320, keypoints: bool = True, batch: int | str = 1) -> Path:
    """``size`` None = symbolic height/width (the engine then uses its det_size); ``batch`` "n" = a
    dynamic batch dimension (the outputs then hold the images' rows one image after the other)."""
    dims = [batch, 3, size, size] if size else [batch, 3, "height", "width"]
    nodes, inits, outputs = [], [], {"score": [], "bbox": [], "kps": []}
    boxes = np.array([[4, 4, 4, 4], [6, 6, 6, 6]], dtype=np.float32)
    inits += [
        numpy_helper.from_array(boxes, "box_deltas"),
        numpy_helper.from_array(np.stack([KPS, 1.5 * KPS]), "kps"),
    ]
    for name, value in (
        ("shape_n1", [-1, 1]),
        ("two", [2]),
        ("one", [1]),
        ("s0", [0]),
        ("s1", [1]),
        ("s2", [2]),
    ):
        inits.append(numpy_helper.from_array(np.array(value, dtype=np.int64), name))
    inits.append(numpy_helper.from_array(np.array(5.0, dtype=np.float32), "five"))
    for s in (8, 16, 32):
        nodes += [
            helper.make_node("AveragePool", ["input.1"], [f"pool{s}"], kernel_shape=[s, s], strides=[s, s]),
            helper.make_node("Slice", [f"pool{s}", "s0", "s2", "s1"], [f"rg{s}"]),  # channels R, G
        ]
        source = f"rg{s}"
        if s != 8:  # only stride 8 may fire
            nodes.append(helper.make_node("Sub", [source, "five"], [f"low{s}"]))
            source = f"low{s}"
        nodes += [
            helper.make_node("Transpose", [source], [f"t{s}"], perm=[0, 2, 3, 1]),
            helper.make_node("Reshape", [f"t{s}", "shape_n1"], [f"score_{s}"]),
            helper.make_node("Shape", [f"score_{s}"], [f"n{s}"]),
            helper.make_node("Slice", [f"n{s}", "s0", "s1", "s0"], [f"n0_{s}"]),
            helper.make_node("Div", [f"n0_{s}", "two"], [f"half{s}"]),
            helper.make_node("Concat", [f"half{s}", "one"], [f"reps{s}"], axis=0),
            helper.make_node("Tile", ["box_deltas", f"reps{s}"], [f"bbox_{s}"]),
            helper.make_node("Tile", ["kps", f"reps{s}"], [f"kps_{s}"]),
        ]
        for kind, width in (("score", 1), ("bbox", 4), ("kps", 10)):
            outputs[kind].append(
                helper.make_tensor_value_info(f"{kind}_{s}", TensorProto.FLOAT, ["n", width])
            )
    graph_outputs = outputs["score"] + outputs["bbox"] + (outputs["kps"] if keypoints else [])
    inp = helper.make_tensor_value_info("input.1", TensorProto.FLOAT, dims)
    return _save(helper.make_graph(nodes, "scrfd_standin", [inp], graph_outputs, inits), path)


def make_recognizer(path: Path, embedded_normalisation: bool = False, width: int = 512) -> Path:
    nodes, inits, source = [], [numpy_helper.from_array(PROJECTION[:, :width], "w")], "data"
    if embedded_normalisation:  # mxnet-style graphs take raw pixels and normalise themselves
        inits += [
            numpy_helper.from_array(np.array(127.5, np.float32), "mean"),
            numpy_helper.from_array(np.array(1 / 127.5, np.float32), "scale"),
        ]
        nodes += [
            helper.make_node("Sub", ["data", "mean"], ["centred"], name="_minusscalar0"),
            helper.make_node("Mul", ["centred", "scale"], ["scaled"], name="_mulscalar0"),
        ]
        source = "scaled"
    nodes += [
        helper.make_node("AveragePool", [source], ["pooled"], kernel_shape=[8, 8], strides=[8, 8]),
        helper.make_node("Flatten", ["pooled"], ["flat"]),
        helper.make_node("MatMul", ["flat", "w"], ["fc1"]),
    ]
    inp = helper.make_tensor_value_info("data", TensorProto.FLOAT, ["n", 3, 112, 112])
    out = helper.make_tensor_value_info("fc1", TensorProto.FLOAT, ["n", width])
    return _save(helper.make_graph(nodes, "arcface_standin", [inp], [out], inits), path)


def make_other(path: Path) -> Path:
    """A landmark-model-shaped graph (192 x 192 input), to be ignored by the router."""
    inp = helper.make_tensor_value_info("data", TensorProto.FLOAT, [1, 3, 192, 192])
    out = helper.make_tensor_value_info("pooled", TensorProto.FLOAT, [1, 3, 1, 1])
    node = helper.make_node("GlobalAveragePool", ["data"], ["pooled"])
    return _save(helper.make_graph([node], "other", [inp], [out]), path)


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    make_detector(tmp_path / "det_standin.onnx")
    make_recognizer(tmp_path / "rec_standin.onnx")
    make_other(tmp_path / "landmark_standin.onnx")
    return tmp_path


def scene() -> np.ndarray:
    """640 x 480 black image, a red face at x 320-352, y 192-208 and a green one at x 96-112, y 288-304."""
    image = np.zeros((480, 640, 3), dtype=np.uint8)
    image[192:208, 320:352] = (255, 0, 0)  # covers two stride-8 cells after the 0.5 letterbox scale
    image[288:304, 96:112] = (0, 255, 0)
    return image


def reference_embedding(crop: np.ndarray, mean: float = 127.5, std: float = 127.5) -> np.ndarray:
    blob = ((crop.astype(np.float32) - mean) / std).transpose(2, 0, 1)
    out = blob.reshape(3, 14, 8, 14, 8).mean(axis=(2, 4)).reshape(-1) @ PROJECTION
    return out / np.linalg.norm(out)


def test_routing(model_dir):
    route = route_models(model_dir)
    assert not route.recognizer_normalises
    assert route.detector.name == "det_standin.onnx" and route.recognizer.name == "rec_standin.onnx"
    assert [p.name for p in route.ignored] == ["landmark_standin.onnx"]
    engine = InsightFaceEngine(str(model_dir), licence_confirmed=True)
    assert engine.load() == route
    assert (
        len(engine.model_hash) == 16
        and engine.model_hash == InsightFaceEngine(str(model_dir), True).model_hash
    )


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"a.onnx": "rec", "b.onnx": "rec", "d.onnx": "det"}, "exactly one recognizer"),
        ({"d.onnx": "det_nokps", "r.onnx": "rec"}, "exactly one detector"),
        ({"d.onnx": "det", "r.onnx": "rec256"}, "exactly one recognizer"),
        ({"d.onnx": "det", "r.onnx": "rec", "junk.onnx": "junk"}, "not a readable ONNX model"),
    ],
)
def test_routing_refuses_ambiguous_or_unusable_directories(tmp_path, files, message):
    makers = {
        "det": make_detector,
        "det_nokps": lambda p: make_detector(p, keypoints=False),
        "rec": make_recognizer,
        "rec256": lambda p: make_recognizer(p, width=256),
        "junk": lambda p: p.write_bytes(b"not a model"),
    }
    for name, kind in files.items():
        makers[kind](tmp_path / name)
    engine = InsightFaceEngine(str(tmp_path), licence_confirmed=True)
    with pytest.raises(FaceEngineConfigurationError, match=message):
        engine.load()


def test_detection_decodes_the_planted_faces(model_dir):
    engine = InsightFaceEngine(str(model_dir), licence_confirmed=True)
    faces = engine.detect(scene())
    assert len(faces) == 2  # the red face fires on two neighbouring anchors: NMS keeps one
    green, red = faces  # largest first: anchor 1 has the larger box
    # det input 320 x 320, scale 0.5: red anchor at det (160, 96) +- 4 x 8 px; green at (48, 144) +- 6 x 8
    assert red.box == (256, 128, 384, 256) and green.box == (0, 192, 192, 384)
    np.testing.assert_allclose(red.landmarks, (np.array([160, 96]) + 8 * KPS.reshape(5, 2)) * 2)
    np.testing.assert_allclose(green.landmarks, (np.array([48, 144]) + 12 * KPS.reshape(5, 2)) * 2)
    assert red.score == pytest.approx(127.5 / 128)
    assert engine.detect(np.zeros((480, 640, 3), np.uint8)) == []
    # BGR input would put red in the third channel, which the stand-in ignores: RGB order is what it sees
    assert len(engine.detect(np.ascontiguousarray(scene()[..., ::-1]))) == 1


def test_dynamic_detector_uses_det_size(tmp_path):
    make_detector(tmp_path / "det.onnx", size=None)
    make_recognizer(tmp_path / "rec.onnx")
    engine = InsightFaceEngine(str(tmp_path), licence_confirmed=True, det_size=(320, 320))
    assert [f.box for f in engine.detect(scene())] == [(0, 192, 192, 384), (256, 128, 384, 256)]
    wide = InsightFaceEngine(str(tmp_path), licence_confirmed=True, det_size=(640, 640))
    green = wide.detect(scene())[
        0
    ]  # scale 1: the green patch covers cells (12..13, 36..37); NMS keeps the first
    assert green.box == (48, 240, 144, 336)


def test_embedding_alignment_and_normalisation(model_dir):
    engine = InsightFaceEngine(str(model_dir), licence_confirmed=True)
    rng = np.random.default_rng(1)
    image = rng.integers(0, 256, size=(300, 400, 3), dtype=np.uint8)
    # landmarks placed by a known similarity: the aligned crop must undo exactly that transform
    angle, scale, shift = np.radians(17), 1.7, np.array([120.0, 60.0])
    rot = scale * np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    face = DetectedFace(
        box=(100, 50, 300, 250), landmarks=(ARCFACE_TEMPLATE @ rot.T + shift).astype(np.float32), score=0.9
    )
    crop = engine.align(image, face)
    assert crop.shape == (112, 112, 3) and crop.dtype == np.uint8
    matrix = similarity_transform(face.landmarks, ARCFACE_TEMPLATE)
    np.testing.assert_allclose(matrix[:, :2], np.linalg.inv(rot), atol=1e-6)
    mapped = face.landmarks @ matrix[:, :2].T + matrix[:, 2]
    np.testing.assert_allclose(mapped, ARCFACE_TEMPLATE, atol=1e-3)
    embedding = engine.embed(image, face)
    assert embedding.shape == (512,) and embedding.dtype == np.float32
    assert np.linalg.norm(embedding) == pytest.approx(1.0, abs=1e-5)
    np.testing.assert_allclose(embedding, reference_embedding(crop), atol=1e-4)
    assert engine.score(embedding, embedding) == pytest.approx(1.0) and engine.is_match(1.0)


def test_recognizer_with_embedded_normalisation_gets_raw_pixels(tmp_path):
    make_detector(tmp_path / "det.onnx")
    make_recognizer(tmp_path / "rec.onnx", embedded_normalisation=True)
    engine = InsightFaceEngine(str(tmp_path), licence_confirmed=True)
    assert engine.load().recognizer_normalises
    image = scene()
    face = engine.detect(image)[0]
    np.testing.assert_allclose(
        engine.embed(image, face), reference_embedding(engine.align(image, face)), atol=1e-4
    )


def test_providers(model_dir):
    engine = InsightFaceEngine(str(model_dir), licence_confirmed=True)
    assert engine.providers == ["CPUExecutionProvider"]  # CUDA requested by default, not available here
    assert engine.active_providers == ["CPUExecutionProvider"]
    explicit = InsightFaceEngine(str(model_dir), licence_confirmed=True, providers=["CPUExecutionProvider"])
    assert explicit.active_providers == ["CPUExecutionProvider"]
    with pytest.raises(FaceEngineConfigurationError, match="providers"):
        InsightFaceEngine(str(model_dir), licence_confirmed=True, providers=["CUDAExecutionProvider"])


def test_identity_of_the_engine(model_dir):
    engine = InsightFaceEngine(str(model_dir), licence_confirmed=True)
    assert (engine.engine_id, engine.metric, engine.dimensions, engine.threshold) == (
        "insightface-arcface",
        "cosine",
        512,
        0.40,
    )
    assert InsightFaceEngine(str(model_dir), True, threshold=0.5).threshold == 0.5


@pytest.mark.parametrize("licence", [False, None, "yes", 1])
def test_refuses_without_licence_assertion(model_dir, licence):
    with pytest.raises(FaceEngineConfigurationError, match="non-commercial"):
        InsightFaceEngine(str(model_dir), licence_confirmed=licence)


def test_refuses_bad_model_dirs(tmp_path, model_dir, monkeypatch):
    monkeypatch.chdir(model_dir.parent)
    (tmp_path / "empty").mkdir()
    (tmp_path / "a_file").write_bytes(b"x")
    for bad, message in [
        (model_dir.name, "absolute"),  # relative, although it exists from here
        ("buffalo_l", "absolute"),  # what insightface would treat as a pack name to download
        (str(tmp_path / "missing"), "not a directory"),
        (str(tmp_path / "a_file"), "not a directory"),
        (str(tmp_path / "empty"), "no .onnx"),
    ]:
        with pytest.raises(FaceEngineConfigurationError, match=message):
            InsightFaceEngine(bad, licence_confirmed=True)


def test_never_reaches_insightface_download_code(model_dir, monkeypatch):
    import importlib
    import socket

    # (``import insightface.utils.download as x`` would give the function insightface.utils re-exports)
    zoo, utils, download, storage = (
        importlib.import_module(f"insightface.{name}")
        for name in ("model_zoo.model_zoo", "utils", "utils.download", "utils.storage")
    )

    def forbidden(*args, **kwargs):
        raise AssertionError("insightface download code was called")

    # Every insightface download path (FaceAnalysis -> ensure_available -> download, get_model ->
    # download_onnx, model_store) ends in storage.download_file; the socket is the last net.

    for module, name in [
        (storage, "download"),
        (storage, "download_onnx"),
        (storage, "ensure_available"),
        (storage, "download_file"),
        (download, "download_file"),
        (utils, "download"),
        (utils, "download_onnx"),
        (utils, "ensure_available"),
        (zoo, "download_onnx"),
    ]:
        monkeypatch.setattr(module, name, forbidden)
    monkeypatch.setattr(socket.socket, "connect", forbidden)
    engine = InsightFaceEngine(str(model_dir), licence_confirmed=True)
    face = engine.detect(scene())[0]
    assert engine.embed(scene(), face).shape == (512,)


def test_engine_module_does_not_import_insightface(model_dir):
    """Not even an import: insightface's own loaders are what download."""
    code = (
        "import sys, numpy as np\n"
        "from verification.engines.insightface_engine import InsightFaceEngine\n"
        f"e = InsightFaceEngine({str(model_dir)!r}, licence_confirmed=True)\n"
        "e.embed(np.zeros((200, 200, 3), np.uint8), e.detect(np.zeros((200, 200, 3), np.uint8)) or\n"
        "    __import__('verification.engines.base', fromlist=['x']).DetectedFace((0, 0, 99, 99),\n"
        "    np.array([[30, 40], [70, 40], [50, 60], [35, 80], [65, 80]], np.float32), 1.0))\n"
        "assert 'insightface' not in sys.modules, 'insightface was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True, timeout=120)
