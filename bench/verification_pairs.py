"""Face verification accuracy and speed of the offline dlib engine on tests/data/faces/pairs.

Prints genuine-miss and false-match rates at the engine's threshold, the same on dlib's raw descriptors at
0.55 (the customary threshold the engine's unit-vector threshold stands for), a distance table, a small ROC
and photos per second (detect + embed, one process).

    .venv/bin/python bench/verification_pairs.py [--upsample 1] [--max-side 1024]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.verification.face_sequences import DATA, load_rgb  # noqa: E402
from verification.engines.dlib_engine import RAW_THRESHOLD, DlibFaceEngine  # noqa: E402


def rates(genuine: np.ndarray, impostor: np.ndarray, threshold: float) -> tuple[float, float]:
    """(genuine pairs missed, impostor pairs matched) as fractions, same person when distance < threshold."""
    return float(np.mean(genuine >= threshold)), float(np.mean(impostor < threshold))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upsample", type=int, default=1)
    parser.add_argument("--max-side", type=int, default=1024)
    args = parser.parse_args()
    engine = DlibFaceEngine(upsample=args.upsample, max_side=args.max_side)
    engine.model_hash  # noqa: B018 - load the models outside the timing

    folder = DATA / "pairs"
    raw, unit = {}, {}
    started, cpu_started = time.perf_counter(), time.process_time()
    for path in sorted(folder.glob("*.jpg")):
        rgb = load_rgb(path)
        faces = engine.detect(rgb)
        if not faces:
            print(f"no face found in {path.name}")
            continue
        raw[path.name] = engine.descriptor(rgb, faces[0])
        unit[path.name] = raw[path.name] / np.linalg.norm(raw[path.name])
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started

    with (folder / "pairs.csv").open() as stream:
        pairs = [(r["file_x"], r["file_y"], r["Decision"] == "Yes") for r in csv.DictReader(stream)]
    pairs = [p for p in pairs if p[0] in unit and p[1] in unit]

    def distances(table, same):
        return np.array([np.linalg.norm(table[a] - table[b]) for a, b, s in pairs if s == same])

    genuine, impostor = distances(unit, True), distances(unit, False)
    raw_genuine, raw_impostor = distances(raw, True), distances(raw, False)
    norms = np.array([np.linalg.norm(v) for v in raw.values()])

    print(
        f"engine {engine.engine_id} ({engine.model_hash}), upsample={args.upsample}, max_side={args.max_side}"
    )
    print(f"photos: {len(unit)}; pairs: {len(genuine)} genuine, {len(impostor)} impostor")
    print(f"raw descriptor norms: min {norms.min():.3f} median {np.median(norms):.3f} max {norms.max():.3f}")
    miss, false_match = rates(genuine, impostor, engine.threshold)
    print(
        f"unit vectors at {engine.threshold:.3f}: genuine missed {miss:.1%} ({round(miss * len(genuine))}), "
        f"false matches {false_match:.2%} ({round(false_match * len(impostor))})"
    )
    miss, false_match = rates(raw_genuine, raw_impostor, RAW_THRESHOLD)
    print(
        f"raw descriptors at {RAW_THRESHOLD}: genuine missed {miss:.1%} ({round(miss * len(genuine))}), "
        f"false matches {false_match:.2%} ({round(false_match * len(impostor))})"
    )

    print("\ndistances on unit vectors    min    p5   p50   p95   max")
    for name, values in (("genuine", genuine), ("impostor", impostor)):
        q = np.percentile(values, [0, 5, 50, 95, 100])
        print(f"  {name:<26}" + "".join(f"{v:6.3f}" for v in q))
    print("\nROC (unit vectors)   threshold  missed  false-match")
    for threshold in np.arange(0.30, 0.451, 0.01):
        miss, false_match = rates(genuine, impostor, threshold)
        marker = "  <- engine" if abs(threshold - engine.threshold) < 0.005 else ""
        print(f"  {threshold:28.2f}  {miss:6.1%}  {false_match:10.2%}{marker}")
    print(
        f"\nspeed: {len(unit) / wall:.2f} photos/s wall, {len(unit) / cpu:.2f} photos/s per CPU-second "
        f"(detect + embed, photos up to 1024 px)"
    )


if __name__ == "__main__":
    main()
