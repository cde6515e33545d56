"""System checks of the verification app (stable ids ``verification.E0xx``).

They read the dotted paths and import the classes but never build an engine: loading models is slow and
belongs to the first request or task, not to every management command.
"""

from __future__ import annotations

import inspect
import os

from django.core.checks import Error, register
from django.db import connections
from django.utils.module_loading import import_string

from verification.conf import verification_settings


def _import(attr: str):
    path = verification_settings.raw(attr)
    if not isinstance(path, str):
        return path, None
    try:
        return import_string(path), None
    except ImportError as exc:
        return None, f"FACE_MARKET[{attr!r}] = {path!r} cannot be imported: {exc}"


@register()
def check_face_engine(app_configs=None, **kwargs) -> list:
    from .engines.base import FaceEngine

    engine_class, problem = _import("FACE_ENGINE")
    if engine_class is None or not (isinstance(engine_class, type) and issubclass(engine_class, FaceEngine)):
        return [
            Error(
                problem or "FACE_MARKET['FACE_ENGINE'] is not a FaceEngine subclass.",
                hint="Use verification.engines.dlib_engine.DlibFaceEngine (offline) or "
                "verification.engines.insightface_engine.InsightFaceEngine.",
                id="verification.E001",
            )
        ]
    if "model_dir" not in inspect.signature(engine_class).parameters:
        return []
    errors = []
    options = verification_settings.FACE_ENGINE_OPTIONS or {}
    model_dir = options.get("model_dir") or verification_settings.FACE_MODEL_DIR
    if not model_dir or not os.path.isabs(str(model_dir)) or not os.path.isdir(str(model_dir)):
        errors.append(
            Error(
                "The face engine needs an existing absolute model directory (FACE_MODEL_DIR).",
                hint="Point FACE_MODEL_DIR at the directory holding the engine's .onnx files; "
                "the engine never downloads models.",
                id="verification.E002",
            )
        )
    if not (options.get("licence_confirmed") or verification_settings.FACE_MODEL_LICENCE_CONFIRMED):
        errors.append(
            Error(
                "The deployment has not confirmed it holds a licence for the face models it loads.",
                hint="insightface's published model packs are for non-commercial research only. Set "
                "FACE_MODEL_LICENCE_CONFIRMED=true only if you hold a licence for the models in "
                "FACE_MODEL_DIR.",
                id="verification.E003",
            )
        )
    return errors


@register()
def check_face_index(app_configs=None, databases=None, **kwargs) -> list:
    from .index.base import FaceIndex
    from .index.pgvector import PgvectorFaceIndex

    index_class, problem = _import("FACE_INDEX_BACKEND")
    if index_class is None or not (isinstance(index_class, type) and issubclass(index_class, FaceIndex)):
        return [
            Error(
                problem or "FACE_MARKET['FACE_INDEX_BACKEND'] is not a FaceIndex subclass.",
                hint="Use verification.index.exact.ExactFaceIndex (any database) or "
                "verification.index.pgvector.PgvectorFaceIndex (PostgreSQL).",
                id="verification.E004",
            )
        ]
    if issubclass(index_class, PgvectorFaceIndex) and connections["default"].vendor != "postgresql":
        return [
            Error(
                "The pgvector face index needs PostgreSQL, but the default database is "
                f"{connections['default'].vendor}.",
                hint="Set DATABASE_URL to PostgreSQL with pgvector, or use ExactFaceIndex.",
                id="verification.E005",
            )
        ]
    return []


@register()
def check_consent_text(app_configs=None, **kwargs) -> list:
    from .consent import TEXTS

    version = verification_settings.raw("BIOMETRIC_CONSENT_VERSION")
    if version not in TEXTS:
        return [
            Error(
                f"No biometric consent text for BIOMETRIC_CONSENT_VERSION {version!r}.",
                hint="Add the text to verification/consent.py TEXTS under that version.",
                id="verification.E006",
            )
        ]
    return []


#: onnxruntime distributions that install the same ``onnxruntime`` package: two of them in one
#: environment overwrite each other's files, and which one answers an import is an accident
ONNXRUNTIME_DISTRIBUTIONS = ("onnxruntime", "onnxruntime-gpu")


def installed_onnxruntimes() -> list[str]:
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in ONNXRUNTIME_DISTRIBUTIONS:
        try:
            found.append(f"{name}=={version(name)}")
        except PackageNotFoundError:
            continue
    return found


@register()
def check_one_onnxruntime(app_configs=None, **kwargs) -> list:
    found = installed_onnxruntimes()
    if len(found) > 1:
        return [
            Error(
                f"Both {' and '.join(found)} are installed in this environment.",
                hint="Keep one: the 'gpu' extra brings onnxruntime-gpu; uninstall both, then install "
                "only the one you want (README, 'GPU extra').",
                id="verification.E007",
            )
        ]
    return []
