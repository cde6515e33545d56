"""Intake quality codes on the project's photo sets, on small crops, and on degraded copies of them.

Sets: the 25 pair photos (tests/data/faces/pairs), the single-person photos (people/), every 4th frame
of the real clip (video_frames/), and 150 x 150 px crops of each (the face box times 1.6: the size of a
face in a typical evidence still). Each image is also tested blurred (Gaussian, sigma = eye distance /
25 and / 15), darkened (pixel values x 0.25) and as a 100 x 100 px crop (eyes about 20 px apart:
below the documented minimum). Prints accepted / refused by code per set, and the range of the quality
numbers behind the thresholds in verification/intake.py.

    .venv/bin/python bench/intake_quality.py
"""

from __future__ import annotations

import io
import sys
from collections import Counter
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import django  # noqa: E402
from django.conf import settings  # noqa: E402

if not settings.configured:  # messages are lazy translations: give them a (minimal) Django
    settings.configure(USE_I18N=False)
    django.setup()

from tests.verification.face_sequences import DATA, face_crop, load_rgb  # noqa: E402
from verification.engines.dlib_engine import DlibFaceEngine  # noqa: E402
from verification.intake import IntakeError, image_intake  # noqa: E402


def jpeg(rgb: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def outcome(engine, rgb: np.ndarray) -> tuple[str, dict]:
    try:
        return "accepted", image_intake(jpeg(rgb), engine=engine).quality
    except IntakeError as error:
        return error.code, {}


def sources() -> dict[str, list[Path]]:
    people = [
        p for p in sorted((DATA / "people").glob("*.jpg")) if p.stem not in ("two_people", "obama_and_biden")
    ]
    return {
        "pairs": sorted((DATA / "pairs").glob("*.jpg")),
        "people": people,
        "clip frames": sorted((DATA / "video_frames").glob("frame_*.jpg"))[::4],
    }


def main() -> None:
    engine = DlibFaceEngine()
    table: dict[str, Counter] = {}
    sharpness: dict[str, list[float]] = {}
    for set_name, paths in sources().items():
        for path in paths:
            rgb = load_rgb(path)
            faces = engine.detect(rgb)
            variants = {set_name: rgb}
            if faces:
                variants[f"{set_name}, 150 px crops"] = face_crop(rgb, faces[0].box, 150)
                variants[f"{set_name}, 100 px crops"] = face_crop(rgb, faces[0].box, 100)
            for name, image in list(variants.items()):
                if name.endswith("100 px crops"):
                    continue
                found = engine.detect(image)
                iod = float(np.linalg.norm(found[0].landmarks[1] - found[0].landmarks[0])) if found else 40
                variants[f"{name}, blurred iod/25"] = cv2.GaussianBlur(image, (0, 0), iod / 25)
                variants[f"{name}, blurred iod/15"] = cv2.GaussianBlur(image, (0, 0), iod / 15)
                variants[f"{name}, darkened"] = (image.astype(np.float32) * 0.25).astype(np.uint8)
            for name, image in variants.items():
                code, quality = outcome(engine, image)
                table.setdefault(name, Counter())[code] += 1
                if "sharpness" in quality:
                    sharpness.setdefault(name, []).append(quality["sharpness"])
    print("intake outcome per set (dlib engine, default IntakeLimits):")
    for name, counts in table.items():
        total = sum(counts.values())
        codes = ", ".join(f"{code} {n}" for code, n in counts.most_common() if code != "accepted")
        print(f"  {name:38s} accepted {counts['accepted']:3d}/{total:<3d} refused: {codes or 'none'}")
    print("\nsharpness ratio of accepted images (threshold in IntakeLimits.min_sharpness):")
    for name, values in sharpness.items():
        print(f"  {name:38s} {min(values):.2f}-{max(values):.2f} (median {np.median(values):.2f})")


if __name__ == "__main__":
    main()
