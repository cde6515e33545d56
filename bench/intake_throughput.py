"""Photos per second through image_intake (+ embedding) against the bare engine on the same photos.

The bare engine gets pre-decoded arrays at the intake's working size (detect + embed only); intake also
reads the bytes, checks them, decodes, applies EXIF orientation, re-encodes a clean JPEG and measures
sharpness and pose. The ratio of the two is intake's overhead. Peak memory: tracemalloc's peak of Python
and numpy allocations during the intake loop, and the process's maximum resident set size.

    .venv/bin/python bench/intake_throughput.py [--rounds 2]
"""

from __future__ import annotations

import argparse
import io
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.verification.face_sequences import DATA  # noqa: E402
from verification.engines.base import DetectedFace, FaceEngine  # noqa: E402
from verification.engines.dlib_engine import DlibFaceEngine  # noqa: E402
from verification.intake import IntakeLimits, image_intake  # noqa: E402

SINGLE_FACE_PEOPLE = (
    "obama.jpg",
    "obama2.jpg",
    "biden.jpg",
    "kit_harington1.jpg",
    "rose_leslie1.jpg",
    "alex_lacamoire1.jpg",
    "lin_manuel_miranda.jpg",
)


def decoded(data: bytes, max_side: int) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        upright = ImageOps.exif_transpose(image).convert("RGB")
    upright.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return np.asarray(upright)


class StubEngine(FaceEngine):
    """Answers instantly with a fixed frontal face: what remains is intake's own work."""

    engine_id, dimensions = "stub", 2

    @property
    def model_hash(self) -> str:
        return "stub"

    def detect(self, image: np.ndarray) -> list[DetectedFace]:
        h, w = image.shape[:2]
        s = min(h, w) / 2
        eyes_y, cx = h / 2 - s / 6, w / 2
        marks = np.float32(
            [
                [cx - s / 5, eyes_y],
                [cx + s / 5, eyes_y],
                [cx, h / 2],
                [cx - s / 6, h / 2 + s / 5],
                [cx + s / 6, h / 2 + s / 5],
            ]
        )
        return [
            DetectedFace(
                box=(int(cx - s / 2), int(h / 2 - s / 2), int(cx + s / 2), int(h / 2 + s / 2)),
                landmarks=marks,
                score=1.0,
            )
        ]

    def embed(self, image: np.ndarray, face: DetectedFace) -> np.ndarray:
        return np.float32([1.0, 0.0])

    def dense_landmarks(self, image: np.ndarray) -> np.ndarray | None:
        return None


def timed(fn, items, rounds: int) -> tuple[float, float]:
    """(wall, CPU) seconds per item, best round of ``rounds`` (the machine is shared)."""
    best_wall = best_cpu = float("inf")
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        for item in items:
            fn(item)
        best_wall = min(best_wall, (time.perf_counter() - wall) / len(items))
        best_cpu = min(best_cpu, (time.process_time() - cpu) / len(items))
    return best_wall, best_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    engine = DlibFaceEngine()
    limits = IntakeLimits()
    paths = sorted((DATA / "pairs").glob("*.jpg")) + [DATA / "people" / n for n in SINGLE_FACE_PEOPLE]
    blobs = [p.read_bytes() for p in paths]
    arrays = [decoded(b, limits.working_max_side) for b in blobs]
    image_intake(blobs[0], engine=engine, embed=True)  # load the models outside the timing

    def bare(rgb: np.ndarray) -> None:
        engine.embed(rgb, engine.detect(rgb)[0])

    def intake(data: bytes) -> None:
        image_intake(data, engine=engine, limits=limits, embed=True)

    bare_wall, bare_cpu = timed(bare, arrays, args.rounds)
    intake_wall, intake_cpu = timed(intake, blobs, args.rounds)

    stub, lenient = StubEngine(), IntakeLimits(min_sharpness=0.0)
    own_wall, own_cpu = timed(lambda d: image_intake(d, engine=stub, limits=lenient), blobs, args.rounds)
    phone = io.BytesIO()
    Image.open(paths[0]).convert("RGB").resize((4000, 3000)).save(phone, "JPEG", quality=92)
    phone_wall, _ = timed(lambda d: image_intake(d, engine=stub, limits=lenient), [phone.getvalue()], 3)

    tracemalloc.start()
    for data in blobs:
        intake(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    size_mb = sum(map(len, blobs)) / 1e6
    print(
        f"{len(blobs)} photos ({size_mb:.1f} MB of JPEG, up to {max(max(a.shape) for a in arrays)} px), "
        f"best of {args.rounds} rounds, one process"
    )
    print(
        f"  bare engine (detect + embed on decoded arrays): {1 / bare_wall:5.2f} photos/s wall, "
        f"{1 / bare_cpu:5.2f} per CPU-second"
    )
    print(
        f"  image_intake + embedding:                       {1 / intake_wall:5.2f} photos/s wall, "
        f"{1 / intake_cpu:5.2f} per CPU-second"
    )
    print(
        f"  intake overhead: x{intake_wall / bare_wall:.2f} wall, x{intake_cpu / bare_cpu:.2f} CPU "
        f"({(intake_cpu - bare_cpu) * 1000:.0f} ms CPU a photo)"
    )
    print(
        f"  intake's own work (instant stub engine): {own_cpu * 1000:.1f} ms CPU a photo; "
        f"a 12-megapixel phone JPEG ({len(phone.getvalue()) / 1e6:.1f} MB): {phone_wall * 1000:.0f} ms wall"
    )
    print(f"  peak traced allocation during intake: {peak / 1e6:.1f} MB; process max RSS {max_rss_mb:.0f} MB")


if __name__ == "__main__":
    main()
