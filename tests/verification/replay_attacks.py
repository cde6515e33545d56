"""Screen-replay and bent-print presentation attacks, generated from the real clip and real photos.

``screen_replay``: the real clip (a real, three-dimensional head) played on a phone or monitor held in
front of the camera. The panel is rendered at its own resolution with an RGB sub-pixel stripe, a
raised black level and a cool white point, framed by a bezel, seen in perspective (the screen tilted
and moved by hand), resampled by the camera (which makes the moire), with a glare spot and rolling
refresh bands, then camera noise and JPEG like a webcam frame.

``bent_photo_attack``: a print curved about its vertical axis (a cylinder), which gives a flat print
some parallax, tilted and moved as in ``face_sequences.photo_attack``.

Idealised in their own ways (one display model, one lens); what detects them is measured on these only.
"""

from __future__ import annotations

import cv2
import numpy as np

from .face_sequences import FRAME_SIZE, _background, _plane_homography, _smooth


def _panel(frame: np.ndarray, panel_px: int, rng_params: dict) -> np.ndarray:
    """The frame as the display shows it: ``panel_px`` pixels wide, each an R, G, B stripe triple."""
    h, w = frame.shape[:2]
    rows = round(panel_px * h / w)
    shown = cv2.resize(frame, (panel_px, rows), interpolation=cv2.INTER_AREA).astype(np.float32)
    shown = rng_params["black"] + shown * (1.0 - rng_params["black"] / 255.0)
    shown *= rng_params["white"]
    sub = np.repeat(np.repeat(shown, 3, axis=1), 3, axis=0)
    stripes = np.zeros((1, 3 * panel_px, 3), np.float32)
    for channel in range(3):
        stripes[0, channel::3, channel] = 1.0
    sub *= stripes * 1.05 + 0.65  # each sub-pixel lit in its colour, the others dim: mean 1
    bezel = round(0.06 * sub.shape[1])
    framed = np.full((sub.shape[0] + 2 * bezel, sub.shape[1] + 2 * bezel, 3), 18.0, np.float32)
    framed[bezel:-bezel, bezel:-bezel] = sub
    return framed.clip(0, 255)


def screen_replay(
    clip: list[np.ndarray], rng: np.random.Generator, *, panel_px: int | None = None
) -> list[np.ndarray]:
    """The clip's frames replayed on a simulated screen held in front of a fixed camera."""
    n = len(clip)
    w, h = FRAME_SIZE
    params = {
        "black": rng.uniform(8, 25),
        "white": np.array([rng.uniform(0.85, 0.95), rng.uniform(0.9, 1.0), 1.0], np.float32),
    }
    panel_px = panel_px or int(rng.choice([360, 480, 640]))
    yaw, pitch = _smooth(rng, n, rng.uniform(3, 15)), _smooth(rng, n, rng.uniform(3, 12))
    roll = _smooth(rng, n, rng.uniform(0, 5))
    tx, ty = _smooth(rng, n, 10), _smooth(rng, n, 8)
    cover = rng.uniform(0.8, 1.1)  # the screen's share of the camera's width
    band_period, band_depth = rng.uniform(25, 60), rng.uniform(0.04, 0.10)
    band_speed = rng.uniform(0.15, 0.45)
    glare_x, glare_y = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h
    glare_amp, glare_r = rng.uniform(30, 80), rng.uniform(25, 60)
    background = _background(rng)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    frames = []
    for i, source in enumerate(clip):
        panel = _panel(source, panel_px, params)
        size = panel.shape[1]
        square = np.zeros((size, size, 3), np.float32)
        top = (size - panel.shape[0]) // 2
        square[top : top + panel.shape[0]] = panel
        hom = _plane_homography(size, yaw[i], pitch[i], roll[i], tx[i], ty[i], cover * w / size)
        warped = cv2.warpPerspective(square, hom, (w, h), flags=cv2.INTER_LINEAR)
        shape = np.zeros((size, size), np.uint8)
        shape[top : top + panel.shape[0]] = 255
        mask = cv2.warpPerspective(shape, hom, (w, h))[..., None] > 127
        image = np.where(mask, warped, background.astype(np.float32))
        bands = 1.0 + band_depth * np.sin(2 * np.pi * (ys / band_period + band_speed * i))
        image = image * bands[..., None]
        gx, gy = glare_x + 3 * np.sin(i / 5), glare_y + 2 * np.cos(i / 7)
        glare = glare_amp * np.exp(-((xs - gx) ** 2 + (ys - gy) ** 2) / (2 * glare_r**2))
        image = image + glare[..., None] * mask
        noisy = image + rng.normal(0, 2.0, image.shape)
        ok, jpeg = cv2.imencode(".jpg", noisy.clip(0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, 85])
        frames.append(cv2.imdecode(jpeg, cv2.IMREAD_UNCHANGED))
    return frames


def _bend(print_img: np.ndarray, curvature: float) -> tuple[np.ndarray, np.ndarray]:
    """The print as seen head-on after bending it round a vertical cylinder (the middle comes forward,
    the sides recede and foreshorten); returns the image and its mask."""
    size = print_img.shape[0]
    x = (np.arange(size, dtype=np.float32) - size / 2) / (size / 2)  # -1..1 across the print
    angle = x * curvature  # arc length to angle on the cylinder
    seen_x = np.sin(angle) / max(np.sin(curvature), 1e-6)  # where each column appears, -1..1
    map_x = np.interp(x, seen_x, np.arange(size, dtype=np.float32)).astype(np.float32)
    # perspective: the receding sides shrink vertically a little
    depth = 1.0 + 0.25 * (1 - np.cos(np.interp(x, seen_x, angle)))
    ys = (np.arange(size, dtype=np.float32)[:, None] - size / 2) * depth[None, :] + size / 2
    bent = cv2.remap(print_img, np.repeat(map_x[None, :], size, 0), ys.astype(np.float32), cv2.INTER_LINEAR)
    mask = cv2.remap(
        np.full((size, size), 255, np.uint8),
        np.repeat(map_x[None, :], size, 0),
        ys.astype(np.float32),
        cv2.INTER_NEAREST,
        borderValue=0,
    )
    return bent, mask


def bent_photo_attack(
    print_img: np.ndarray, rng: np.random.Generator, n: int = 30, mimic: list[str] | None = None
) -> list[np.ndarray]:
    """A print bent round a cylinder (curvature varying over time: the attacker flexes it) and moved."""
    yaw = _smooth(rng, n, rng.uniform(10, 40))
    pitch = _smooth(rng, n, rng.uniform(5, 25))
    roll = _smooth(rng, n, rng.uniform(0, 15))
    tx, ty = _smooth(rng, n, 30), _smooth(rng, n, 20)
    curvature = 0.6 + 0.4 * np.abs(_smooth(rng, n, 1.0))
    if mimic:
        lead, seg = n // 6, (n - n // 6) // len(mimic)
        for j, action in enumerate(mimic):
            bump = np.zeros(n)
            bump[lead + j * seg : lead + (j + 1) * seg] = np.sin(np.linspace(0, np.pi, seg))
            if action.startswith("turn"):
                yaw += (1 if action == "turn_left" else -1) * rng.uniform(30, 50) * bump
            elif action == "nod":
                pitch += rng.uniform(25, 40) * bump
    base_scale = rng.uniform(0.8, 1.2)
    background = _background(rng)
    size = print_img.shape[0]
    w, h = FRAME_SIZE
    frames = []
    for i in range(n):
        bent, shape = _bend(print_img, float(curvature[i]))
        hom = _plane_homography(size, yaw[i], pitch[i], roll[i], tx[i], ty[i], base_scale)
        warped = cv2.warpPerspective(bent, hom, (w, h))
        mask = cv2.warpPerspective(shape, hom, (w, h))
        frame = np.where(mask[..., None] > 127, warped, background)
        noisy = np.clip(frame.astype(np.int16) + rng.normal(0, 2.0, frame.shape).astype(np.int16), 0, 255)
        ok, jpeg = cv2.imencode(".jpg", noisy.astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, 85])
        frames.append(cv2.imdecode(jpeg, cv2.IMREAD_UNCHANGED))
    return frames
