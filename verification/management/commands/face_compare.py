"""Compare faces in photos with the configured engine: for operators and moderators.

Prints JSON: for each pair of images, the distance (euclidean engines) or similarity (cosine engines),
the threshold and whether the engine calls them the same person. Images the intake refuses are listed
with their error code instead. Scores are printed; embeddings never are.
"""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from verification.engine_registry import get_face_engine
from verification.errors import VerificationError
from verification.photos import photo_embedding


class Command(BaseCommand):
    help = "Compare the faces in two or more photos (JSON: score, threshold, same-person verdict per pair)."

    def add_arguments(self, parser):
        parser.add_argument("images", nargs="+", type=Path, help="two or more image files")

    def handle(self, *args, images: list[Path], **options):
        if len(images) < 2:
            raise CommandError("Give at least two images.")
        engine = get_face_engine()
        embeddings, failures = {}, []
        for path in images:
            try:
                _clean, embeddings[str(path)] = photo_embedding(path.read_bytes(), engine=engine)
            except OSError as exc:
                failures.append(
                    {"image": str(path), "code": "unreadable", "message": exc.strerror or type(exc).__name__}
                )
            except VerificationError as exc:
                failures.append({"image": str(path), "code": exc.code, "message": exc.message})
        pairs = []
        for a, b in combinations([str(p) for p in images if str(p) in embeddings], 2):
            score = engine.score(embeddings[a], embeddings[b])
            pairs.append(
                {
                    "a": a,
                    "b": b,
                    engine_score_name(engine.metric): round(score, 4),
                    "threshold": engine.threshold,
                    "same_person": engine.is_match(score),
                }
            )
        report = {
            "engine": engine.engine_id,
            "model_hash": engine.model_hash,
            "metric": engine.metric,
            "pairs": pairs,
            "failed": failures,
        }
        self.stdout.write(json.dumps(report, indent=2))


def engine_score_name(metric: str) -> str:
    return "similarity" if metric == "cosine" else "distance"
