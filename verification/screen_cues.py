"""Screen cues: signs that the camera is filming a display (a replayed video), not a person.

A video of the real person replayed on a phone or monitor is three-dimensional inside the screen, so
the parallax test of ``liveness`` cannot catch it. Two things a display adds can be measured:

- moire: the display's regular pixel grid, resampled by the camera, leaves narrow peaks in the spatial
  spectrum of the face region (a face and its surroundings have a smooth, falling spectrum). Score:
  the highest peak over the median power of the ring 0.06-0.45 cycles per pixel, per colour channel,
  median over the session's frames. It fades when the display's pixels are much finer than the
  camera's (a high-resolution phone filmed from afar).
- refresh banding: a display refreshing out of step with the camera's rolling shutter lays horizontal
  bands over the frame that roll from frame to frame. Score: in the row profile of the log ratio of
  consecutive frames, the share of power in one period of 12-80 rows (75th percentile over the pairs).

Measured (bench/liveness_decide.py): the real clip's sessions moire 300-600, banding 0.10-0.12;
simulated screen replays (tests/verification/replay_attacks.py) moire 280-34,000, banding 0.48-0.64.
These are measured on one simulated display model: a real deployment should re-measure them on
recordings of real screens. Pure functions, no Django.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np


def _face_region(frame: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    x0, y0 = landmarks[:, :2].min(axis=0)
    x1, y1 = landmarks[:, :2].max(axis=0)
    cx, cy, half = (x0 + x1) / 2, (y0 + y1) / 2, 0.75 * max(x1 - x0, y1 - y0)
    h, w = frame.shape[:2]
    left, top = int(max(cx - half, 0)), int(max(cy - half, 0))
    right, bottom = int(min(cx + half, w)), int(min(cy + half, h))
    return frame[top:bottom, left:right]


def moire_ratio(frame: np.ndarray, landmarks: np.ndarray) -> float:
    """Highest narrow spectral peak of the face region over the ring's median power (see above)."""
    region = _face_region(frame, landmarks)
    if min(region.shape[:2]) < 24:
        return 0.0
    window = np.outer(np.hanning(region.shape[0]), np.hanning(region.shape[1]))
    fy = np.fft.fftfreq(region.shape[0])[:, None]
    fx = np.fft.fftfreq(region.shape[1])[None, :]
    radius = np.hypot(fx, fy)
    ring = (radius > 0.06) & (radius < 0.45)
    best = 0.0
    for channel in range(region.shape[2]):
        grey = region[..., channel].astype(np.float32)
        detail = grey - cv2.GaussianBlur(grey, (0, 0), 2.0)
        power = np.abs(np.fft.fft2(detail * window)) ** 2
        best = max(best, float(power[ring].max() / max(np.median(power[ring]), 1e-9)))
    return best


def banding_score(previous: np.ndarray, current: np.ndarray) -> float:
    """Share of the row profile's power (log ratio of two frames) in its strongest 12-80 row period."""
    a = cv2.cvtColor(previous, cv2.COLOR_RGB2GRAY).astype(np.float32) + 8.0
    b = cv2.cvtColor(current, cv2.COLOR_RGB2GRAY).astype(np.float32) + 8.0
    profile = np.median(np.log(b) - np.log(a), axis=1)
    trend = np.convolve(profile, np.ones(81) / 81, mode="same")
    profile = (profile - trend)[40:-40]
    if profile.size < 64:
        return 0.0
    power = np.abs(np.fft.rfft(profile * np.hanning(profile.size))) ** 2
    freq = np.fft.rfftfreq(profile.size)
    band = (freq > 1 / 80) & (freq < 1 / 12)
    return float(power[band].max() / (power[1:].sum() + 1e-12))


def screen_cues(frames: Sequence[np.ndarray], landmarks: Sequence[np.ndarray | None]) -> dict[str, float]:
    """Session scores: ``moire_ratio`` (median over frames with a face), ``banding_score``."""
    moire = [moire_ratio(f, p) for f, p in zip(frames, landmarks, strict=True) if p is not None]
    pairs = [banding_score(a, b) for a, b in zip(frames, frames[1:], strict=False) if a.shape == b.shape]
    return {
        "moire_ratio": float(np.median(moire)) if moire else 0.0,
        "banding_score": float(np.percentile(pairs, 75)) if pairs else 0.0,
    }
