"""Verification throughput: liveness decisions a minute through a real Celery worker vs the bare engine.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/face_market \
        .venv/bin/python bench/verification_throughput.py [--sessions 12] [--concurrency 2]

In its own scratch database (``<name>_bench_verify``, dropped at the end) and Redis database
(``--redis-db``, purged before and after) it starts a real ``celery worker`` (prefork, ``--concurrency``
processes) with the site's settings, warms each worker process up (models load on first use), then
prepares ``--sessions`` real enrollments through the services (consent, reference photo, challenge,
the real clip's frames) in one transaction, so that all their decision tasks reach the broker at
the same instant on commit. It prints the decisions a minute and frames a second from that commit to
the last decision, and, on the same frames in this process (one core), the bare engine calls a
decision makes: JPEG decode, MediaPipe FaceMesh on every frame, dlib detection + embedding on the
sampled frames and on the reference photo. Their ratio is the cost of the task, the database, the
index search and the broker around the models.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._pg import bench_database  # noqa: E402

CLIP_FRAMES_DIR = ROOT / "tests" / "data" / "faces" / "video_frames"
PHOTO = ROOT / "tests" / "data" / "faces" / "people" / "lin_manuel_miranda.jpg"
CLIP_START = 5
CLIP_ACTIONS = ["turn_right", "turn_left", "turn_right"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=12)
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes (prefork)")
    parser.add_argument("--redis-db", type=int, default=14)
    parser.add_argument("--bare-runs", type=int, default=3)
    return parser.parse_args()


def start_worker(env: dict, concurrency: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "celery", "-A", "facemarket_site.celery", "worker"]
    command += [
        f"--concurrency={concurrency}",
        "--pool=prefork",
        "--loglevel=WARNING",
        "--prefetch-multiplier=1",
    ]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for_worker(proc: subprocess.Popen) -> None:
    from celery import current_app

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("the celery worker exited at start")
        if current_app.control.ping(timeout=1.0):
            return
    raise RuntimeError("the celery worker did not answer a ping within 90 s")


def prepare(count: int, frames: list[bytes], photo: bytes, first: int) -> list[int]:
    """``count`` enrollments up to their frames, in ONE transaction: the tasks leave on its commit."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from marketplace.services import user_role_grant
    from verification import services
    from verification.consent import current_version
    from verification.models import Enrollment

    ids = []
    with transaction.atomic():
        for n in range(first, first + count):
            user = get_user_model().objects.create_user(f"bench-seller-{n}", password=secrets.token_hex(8))
            user_role_grant(user=user, role="seller")
            services.biometric_consent_record(user=user, text_version=current_version())
            enrollment = services.enrollment_start(user=user)
            services.reference_photo_add(enrollment=enrollment, data=photo, actor=user)
            enrollment = services.liveness_challenge_issue(enrollment=enrollment, actor=user)
            Enrollment.objects.filter(pk=enrollment.pk).update(challenge_actions=CLIP_ACTIONS)
            services.liveness_frames_submit(
                enrollment=enrollment, nonce=enrollment.challenge_nonce, frames=frames, actor=user
            )
            ids.append(enrollment.pk)
    return ids


def wait_decided(ids: list[int], timeout: float) -> dict[str, int]:
    from verification.models import Enrollment

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = Enrollment.objects.filter(pk__in=ids, decided_at__isnull=False)
        if rows.count() == len(ids):
            statuses: dict[str, int] = {}
            for status in rows.values_list("status", flat=True):
                statuses[status] = statuses.get(status, 0) + 1
            return statuses
        time.sleep(0.2)
    raise RuntimeError(f"not all {len(ids)} sessions were decided within {timeout:.0f} s")


def bare_session_seconds(frames: list[bytes], photo: bytes, samples: int, runs: int) -> float:
    """The engine calls of one decision, nothing else (median of ``runs``)."""
    import statistics

    from verification.engines.dlib_engine import DlibFaceEngine
    from verification.photos import decode_frame

    engine = DlibFaceEngine()
    reference = decode_frame(photo)
    engine.embed(reference, engine.detect(reference)[0])  # load the models before timing
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        decoded = [decode_frame(f) for f in frames]
        engine.dense_landmarks_sequence(decoded)
        step = max(1, len(decoded) // max(1, samples))
        for image in decoded[::step][:samples]:
            faces = engine.detect(image)
            if faces:
                engine.embed(image, faces[0])
        engine.embed(reference, engine.detect(reference)[0])
        timings.append(time.perf_counter() - began)
    return statistics.median(timings)


def main() -> None:
    args = parse_args()
    frames = [p.read_bytes() for p in sorted(CLIP_FRAMES_DIR.glob("frame_*.jpg"))[CLIP_START:]]
    photo = PHOTO.read_bytes()
    broker = f"redis://127.0.0.1:6379/{args.redis_db}"
    with bench_database("verify"):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "facemarket_site.settings",
            "CELERY_BROKER_URL": broker,
            "SECRET_KEY": secrets.token_urlsafe(48),
            "LOG_LEVEL": "WARNING",
            "DB_CONN_MAX_AGE": "60",
            "ALLOWED_HOSTS": "127.0.0.1",
        }
        env.pop("DEBUG", None)
        os.environ.update(
            {
                k: env[k]
                for k in ("DJANGO_SETTINGS_MODULE", "CELERY_BROKER_URL", "SECRET_KEY", "ALLOWED_HOSTS")
            }
        )
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        import django
        import redis

        django.setup()
        redis.Redis.from_url(broker).flushdb()
        worker = start_worker(env, args.concurrency)
        try:
            wait_for_worker(worker)
            warm = prepare(args.concurrency * 2, frames, photo, first=0)
            wait_decided(warm, timeout=300)
            began = time.perf_counter()
            ids = prepare(args.sessions, frames, photo, first=len(warm))
            committed = time.perf_counter()
            statuses = wait_decided(ids, timeout=60 + 60 * args.sessions)
            elapsed = time.perf_counter() - committed
        finally:
            worker.terminate()
            worker.wait(timeout=30)
            redis.Redis.from_url(broker).flushdb()
        from verification.models import Enrollment

        samples = [
            int(m.get("identity_samples", 0))
            for m in Enrollment.objects.filter(pk__in=ids).values_list("metrics", flat=True)
        ]
    per_session = max(set(samples), key=samples.count) if samples else 3
    bare = bare_session_seconds(frames, photo, per_session, args.bare_runs)
    load = os.getloadavg()[0]
    worker_rate = args.sessions / elapsed
    print(
        f"verification throughput, {args.sessions} sessions of {len(frames)} frames (the real clip), "
        f"dlib + MediaPipe engine, load average {load:.1f} on {os.cpu_count()} CPUs"
    )
    print(
        f"  Celery worker ({args.concurrency} prefork processes, Redis broker, PostgreSQL): "
        f"{worker_rate * 60:6.1f} decisions/min, {worker_rate * len(frames):6.1f} frames/s "
        f"({elapsed:.1f} s from commit to the last decision; outcomes {statuses}; "
        f"{committed - began:.1f} s to prepare them, not counted)"
    )
    print(
        f"  bare engine calls, 1 process:                       {60 / bare:6.1f} decisions/min, "
        f"{len(frames) / bare:6.1f} frames/s (decode + FaceMesh on {len(frames)} frames, dlib detect + "
        f"embed on {per_session} sampled frames and the reference photo: {bare * 1000:.0f} ms a session)"
    )
    print(
        f"  per process: worker {worker_rate * 60 / args.concurrency:.1f} vs bare {60 / bare:.1f} "
        f"decisions/min ({(60 / bare) / (worker_rate * 60 / args.concurrency):.2f}x: the task, database, "
        "face-index search and broker around the models)"
    )


if __name__ == "__main__":
    main()
