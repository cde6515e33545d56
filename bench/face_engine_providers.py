"""Faces a second through the insightface engine's batched embedding, per execution provider and batch.

    .venv/bin/python bench/face_engine_providers.py [--batches 1,8,32] [--seconds 8]

No ArcFace weights can ship with this project, so the recognizer is GENERATED with ArcFace-R50's shape
(insightface's IResNet-50: 3x3 stem, 3/4/14/3 basic blocks of 64/128/256/512 channels with PReLU and
batch norms, a 512 x 7 x 7 -> 512 fully connected layer; about 43.6M parameters, 6.3 GFLOPs a face)
and RANDOM weights: it measures speed, not accuracy. The detector is the tests' small SCRFD-shaped
stand-in (the engine needs one in its model directory; detection is not timed here).

Every provider this onnxruntime build offers is measured (CPU here; CUDA / TensorRT where
``onnxruntime-gpu`` runs on a GPU): the engine is built with that provider alone, and the provider the
sessions REALLY run on (``InsightFaceEngine.active_providers``) is printed beside each figure, since
onnxruntime falls back to the CPU silently. It runs unchanged on a GPU machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.verification.test_insightface_engine import make_detector  # noqa: E402
from verification.engines.base import DetectedFace  # noqa: E402
from verification.engines.insightface_engine import ARCFACE_TEMPLATE, InsightFaceEngine  # noqa: E402

LAYERS = ((64, 3), (128, 4), (256, 14), (512, 3))


class GraphBuilder:
    def __init__(self, rng: np.random.Generator):
        self.rng, self.nodes, self.inits, self.count, self.params = rng, [], [], 0, 0

    def name(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def weight(self, array: np.ndarray, prefix: str) -> str:
        from onnx import numpy_helper

        name = self.name(prefix)
        self.inits.append(numpy_helper.from_array(array.astype(np.float32), name))
        self.params += array.size
        return name

    def node(self, op: str, inputs: list[str], prefix: str, **attrs) -> str:
        from onnx import helper

        out = self.name(prefix)
        self.nodes.append(helper.make_node(op, inputs, [out], name=out, **attrs))
        return out

    def conv(self, x: str, cin: int, cout: int, k: int, stride: int, gain: float = 1.0) -> str:
        std = gain * np.sqrt(2.0 / (cin * k * k))
        w = self.weight(self.rng.standard_normal((cout, cin, k, k), dtype=np.float32) * std, "w")
        b = self.weight(np.zeros(cout), "b")
        pad = k // 2
        return self.node("Conv", [x, w, b], "conv", kernel_shape=[k, k], strides=[stride] * 2, pads=[pad] * 4)

    def bn(self, x: str, channels: int) -> str:
        params = [self.weight(v, "bn") for v in (np.ones(channels), np.zeros(channels))]
        params += [self.weight(v, "bn") for v in (np.zeros(channels), np.ones(channels))]
        return self.node("BatchNormalization", [x, *params], "bn", epsilon=1e-5)

    def prelu(self, x: str, channels: int) -> str:
        return self.node("PRelu", [x, self.weight(np.full((channels, 1, 1), 0.25), "slope")], "prelu")


def make_arcface_r50(path: Path, seed: int = 0) -> int:
    """Write an IResNet-50-shaped recognizer (N x 3 x 112 x 112 -> N x 512); returns its parameters."""
    import onnx
    from onnx import TensorProto, helper

    g = GraphBuilder(np.random.default_rng(seed))
    x = g.prelu(g.bn(g.conv("data", 3, 64, 3, 1), 64), 64)
    inplanes = 64
    for planes, blocks in LAYERS:
        for i in range(blocks):
            stride = 2 if i == 0 else 1
            y = g.bn(x, inplanes)
            y = g.prelu(g.bn(g.conv(y, inplanes, planes, 3, 1), planes), planes)
            y = g.bn(g.conv(y, planes, planes, 3, stride, gain=0.2), planes)  # small: residuals stay finite
            shortcut = x
            if stride != 1 or inplanes != planes:
                shortcut = g.bn(g.conv(x, inplanes, planes, 1, stride), planes)
            x = g.node("Add", [y, shortcut], "add")
            inplanes = planes
    x = g.node("Flatten", [g.bn(x, 512)], "flat", axis=1)
    fc = g.weight(g.rng.standard_normal((512, 512 * 7 * 7), dtype=np.float32) / np.sqrt(512 * 49), "fc")
    x = g.node("Gemm", [x, fc, g.weight(np.zeros(512), "b")], "gemm", transB=1)
    x = g.bn(x, 512)
    inp = helper.make_tensor_value_info("data", TensorProto.FLOAT, ["n", 3, 112, 112])
    out = helper.make_tensor_value_info(x, TensorProto.FLOAT, ["n", 512])
    model = helper.make_model(
        helper.make_graph(g.nodes, "arcface_r50_shape", [inp], [out], g.inits),
        opset_imports=[helper.make_opsetid("", 13)],
    )
    model.ir_version = 8
    onnx.save(model, str(path))
    return g.params


def faces(count: int, rng: np.random.Generator) -> list[tuple[np.ndarray, DetectedFace]]:
    """Images with a face at known landmarks (the ArcFace template on a 224 px image: a 2x crop)."""
    items = []
    for _ in range(count):
        image = rng.integers(0, 256, size=(224, 224, 3), dtype=np.uint8)
        face = DetectedFace(box=(0, 0, 224, 224), landmarks=ARCFACE_TEMPLATE * 2.0, score=1.0)
        items.append((image, face))
    return items


def main() -> None:
    import onnxruntime as ort

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", default="1,8,32")
    parser.add_argument("--seconds", type=float, default=8.0, help="time per provider and batch size")
    parser.add_argument("--providers", default="", help="comma-separated; default: every available one")
    args = parser.parse_args()
    batches = [int(b) for b in args.batches.split(",")]
    available = ort.get_available_providers()
    # Azure's provider calls a remote endpoint: not a local execution provider to measure
    providers = [p for p in args.providers.split(",") if p] or [
        p for p in available if p != "AzureExecutionProvider"
    ]
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = Path(tmp)
        make_detector(model_dir / "det_standin.onnx")
        params = make_arcface_r50(model_dir / "arcface_r50_shape.onnx")
        size_mb = (model_dir / "arcface_r50_shape.onnx").stat().st_size / 2**20
        print(
            f"ArcFace-R50-shaped recognizer, RANDOM weights (speed, not accuracy): {params / 1e6:.1f}M "
            f"parameters, {size_mb:.0f} MB; onnxruntime {ort.__version__} "
            f"({', '.join(available)} available); load average {os.getloadavg()[0]:.1f} on "
            f"{os.cpu_count()} CPUs"
        )
        print(f"{'provider requested':>26} {'really used':>26} {'batch':>5} | {'faces/s':>8} {'ms/batch':>9}")
        rng = np.random.default_rng(0)
        for provider in providers:
            for batch in batches:
                engine = InsightFaceEngine(
                    str(model_dir), licence_confirmed=True, providers=[provider], max_batch=batch
                )
                items = faces(batch, rng)
                engine.embed_batch(items)  # load and warm up (CUDA / TensorRT build kernels here)
                runs, began = 0, time.perf_counter()
                while time.perf_counter() - began < args.seconds or runs < 2:
                    engine.embed_batch(items)
                    runs += 1
                elapsed = time.perf_counter() - began
                used = engine.active_providers[0]
                print(
                    f"{provider:>26} {used:>26} {batch:>5} | {runs * batch / elapsed:>8.1f} "
                    f"{elapsed / runs * 1000:>9.1f}"
                )
    print("faces/s = embeddings a second through InsightFaceEngine.embed_batch (align + normalise + run).")


if __name__ == "__main__":
    main()
