"""Real frame sequences and synthetic presentation attacks for the liveness tests and benchmarks.

Genuine material is the real video in tests/data/faces/video_frames (see the README there): a
performer turning his head to his right, then to his left, then to his right again (measured, see
test_liveness.py). Attacks are made here from real still photos: a flat print moved, rotated and tilted
in 3-D in front of a fixed camera, rendered with an exact plane-to-image homography and re-encoded as
JPEG like a webcam frame. They are idealised (no lens distortion, no glare, no bending of the print).
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image

DATA = Path(__file__).resolve().parents[1] / "data" / "faces"
FRAMES_DIR = DATA / "video_frames"
FRAME_SIZE = (480, 360)  # width, height of the extracted video frames


def load_rgb(path: Path | str) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def video_frames() -> list[np.ndarray]:
    """The 43 real frames, in order (every 3rd frame of the clip: about 10 frames/s)."""
    return [load_rgb(p) for p in sorted(FRAMES_DIR.glob("frame_*.jpg"))]


#: index of the first extracted frame where the performer faces the camera (clip frame 097)
NEUTRAL_START = 5


def genuine_variants(frames: list[np.ndarray]) -> list[tuple[str, list[np.ndarray], list[str]]]:
    """Trimmed, time-scaled and mirrored versions of the real clip, each with the challenge it performs.

    All start at the neutral pose (frame 097), as a session does once the page has asked the user to look
    at the camera; from there the performer turns right, left, right (mirrored: left, right, left). Time
    scales: every frame (10 frames/s), every 2nd (5/s), 2 of every 3 (6.7/s), each frame twice (slow motion).
    """
    scalings = {
        "x1": lambda w: w,
        "every2nd": lambda w: w[::2],
        "drop3rd": lambda w: [f for i, f in enumerate(w) if i % 3 != 2],
        "doubled": lambda w: [f for f in w for _ in range(2)],
    }
    out = []
    for end in (41, 42, 43):
        for scale_name, scale in scalings.items():
            window = scale(frames[NEUTRAL_START:end])
            out.append((f"097-{end}/{scale_name}", window, ["turn_right", "turn_left", "turn_right"]))
            mirrored = [np.ascontiguousarray(f[:, ::-1]) for f in window]
            out.append(
                (f"097-{end}/{scale_name}/mirrored", mirrored, ["turn_left", "turn_right", "turn_left"])
            )
    return out


def face_print(photo: np.ndarray, box: tuple[int, int, int, int], size: int = 260) -> np.ndarray:
    """A square "print" of the face region (1.8 x the face box), as an attacker would hold it."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    half = 0.9 * max(box[2] - box[0], box[3] - box[1])
    src = np.float32([[cx - half, cy - half], [cx + half, cy - half], [cx - half, cy + half]])
    dst = np.float32([[0, 0], [size, 0], [0, size]])
    return cv2.warpAffine(
        photo, cv2.getAffineTransform(src, dst), (size, size), borderMode=cv2.BORDER_REFLECT
    )


def face_crop(rgb: np.ndarray, box, side: int, margin: float = 1.6) -> np.ndarray:
    """A ``side`` x ``side`` crop centred on the face box, ``margin`` times its size, area-resampled."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    half = margin * max(box[2] - box[0], box[3] - box[1]) / 2
    src = np.float32([[cx - half, cy - half], [cx + half, cy - half], [cx - half, cy + half]])
    dst = np.float32([[0, 0], [side, 0], [0, side]])
    affine = cv2.getAffineTransform(src, dst)
    return cv2.warpAffine(rgb, affine, (side, side), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REFLECT)


def _plane_homography(
    print_size: int,
    yaw: float,
    pitch: float,
    roll: float,
    tx: float,
    ty: float,
    scale: float,
    focal: float = 700.0,
) -> np.ndarray:
    """Homography taking print pixels to image pixels for a print rotated in 3-D (degrees)."""
    ry, rp, rr = np.radians([yaw, pitch, roll])
    r_y = np.array([[np.cos(ry), 0, np.sin(ry)], [0, 1, 0], [-np.sin(ry), 0, np.cos(ry)]])
    r_x = np.array([[1, 0, 0], [0, np.cos(rp), -np.sin(rp)], [0, np.sin(rp), np.cos(rp)]])
    r_z = np.array([[np.cos(rr), -np.sin(rr), 0], [np.sin(rr), np.cos(rr), 0], [0, 0, 1]])
    rot = r_z @ r_x @ r_y
    w, h = FRAME_SIZE
    k = np.array([[focal, 0, w / 2], [0, focal, h / 2], [0, 0, 1]])
    centre = np.array([[1, 0, -print_size / 2], [0, 1, -print_size / 2], [0, 0, 1]])
    extrinsic = np.column_stack([rot[:, 0], rot[:, 1], [tx, ty, focal / scale]])
    return k @ extrinsic @ centre


def _background(rng: np.random.Generator) -> np.ndarray:
    w, h = FRAME_SIZE
    low = rng.uniform(40, 200, size=(6, 8, 3)).astype(np.float32)
    return cv2.resize(low, (w, h), interpolation=cv2.INTER_CUBIC).clip(0, 255).astype(np.uint8)


def _smooth(rng: np.random.Generator, n: int, amplitude: float) -> np.ndarray:
    """A smooth random trajectory: two sinusoids of random frequency and phase."""
    t = np.linspace(0, 1, n)
    out = np.zeros(n)
    for _ in range(2):
        out += (
            rng.uniform(0.3, 0.7)
            * amplitude
            * np.sin(2 * np.pi * rng.uniform(0.3, 1.5) * t + rng.uniform(0, 6.3))
        )
    return out


def photo_attack(
    print_img: np.ndarray, rng: np.random.Generator, n: int = 30, mimic: list[str] | None = None
) -> list[np.ndarray]:
    """``n`` frames of a flat print moved in front of a fixed camera.

    Without ``mimic`` the print wanders (move, roll, tilt up to about 45 degrees). With ``mimic`` (a
    challenge) the attacker also tilts it hard at the right moments: about the vertical axis for the
    turns (either sign, 30-55 degrees), about the horizontal axis for a nod; a blink cannot be shown.
    """
    yaw = _smooth(rng, n, rng.uniform(10, 45))
    pitch = _smooth(rng, n, rng.uniform(5, 35))
    roll = _smooth(rng, n, rng.uniform(0, 20))
    tx, ty = _smooth(rng, n, 40), _smooth(rng, n, 25)
    scale = 1.0 + _smooth(rng, n, 0.1)
    if mimic:
        lead = n // 6
        seg = (n - lead) // len(mimic)
        for j, action in enumerate(mimic):
            bump = np.zeros(n)
            bump[lead + j * seg : lead + (j + 1) * seg] = np.sin(np.linspace(0, np.pi, seg))
            if action.startswith("turn"):
                yaw += rng.choice([-1, 1]) * rng.uniform(30, 55) * bump
            elif action == "nod":
                pitch += rng.choice([-1, 1]) * rng.uniform(25, 45) * bump
    base_scale = rng.uniform(0.7, 1.2)
    background = _background(rng)
    size = print_img.shape[0]
    w, h = FRAME_SIZE
    frames = []
    for i in range(n):
        hom = _plane_homography(size, yaw[i], pitch[i], roll[i], tx[i], ty[i], scale[i] * base_scale)
        warped = cv2.warpPerspective(print_img, hom, (w, h))
        mask = cv2.warpPerspective(np.full((size, size), 255, np.uint8), hom, (w, h))
        frame = np.where(mask[..., None] > 127, warped, background)
        noisy = np.clip(frame.astype(np.int16) + rng.normal(0, 2.0, frame.shape).astype(np.int16), 0, 255)
        ok, jpeg = cv2.imencode(".jpg", noisy.astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, 85])
        frames.append(cv2.imdecode(jpeg, cv2.IMREAD_UNCHANGED))
    return frames
