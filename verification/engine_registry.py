"""The configured face engine and face index, built once per process.

Loading an engine reads model files (dlib: about a second; insightface: more), so each process builds it
on first use and keeps it. Changing ``FACE_MARKET`` (tests' ``settings`` fixture, ``override_settings``)
drops both, so the next call builds from the new settings.
"""

from __future__ import annotations

import inspect
import threading

from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

from verification.conf import verification_settings

from .engines.base import FaceEngine, FaceEngineConfigurationError

_lock = threading.Lock()
_engine: FaceEngine | None = None
_index = None


def engine_options(engine_class: type) -> dict:
    """Constructor keywords for ``engine_class``: FACE_ENGINE_OPTIONS, plus the model-directory settings
    for engines that take them (insightface), so a deployment sets those in one obvious place."""
    options = dict(verification_settings.FACE_ENGINE_OPTIONS or {})
    parameters = inspect.signature(engine_class).parameters
    if "model_dir" in parameters:
        options.setdefault("model_dir", verification_settings.FACE_MODEL_DIR)
        options.setdefault("licence_confirmed", bool(verification_settings.FACE_MODEL_LICENCE_CONFIRMED))
        if "providers" in parameters:
            options.setdefault("providers", list(verification_settings.FACE_EXECUTION_PROVIDERS))
    return options


def get_face_engine() -> FaceEngine:
    """The engine named by FACE_MARKET['FACE_ENGINE'], shared by every caller in this process."""
    global _engine
    engine = _engine
    if engine is not None:
        return engine
    with _lock:
        if _engine is None:
            engine_class = verification_settings.FACE_ENGINE
            if not (isinstance(engine_class, type) and issubclass(engine_class, FaceEngine)):
                raise ImproperlyConfigured("FACE_MARKET['FACE_ENGINE'] must name a FaceEngine subclass.")
            try:
                _engine = engine_class(**engine_options(engine_class))
            except FaceEngineConfigurationError as exc:  # engines stay free of Django: translate here
                raise ImproperlyConfigured(f"The face engine cannot start: {exc}") from exc
        return _engine


def get_face_index():
    """The face-index backend named by FACE_MARKET['FACE_INDEX_BACKEND'] (one instance per process)."""
    global _index
    index = _index
    if index is not None:
        return index
    with _lock:
        if _index is None:
            from .index.base import FaceIndex

            index_class = verification_settings.FACE_INDEX_BACKEND
            if not (isinstance(index_class, type) and issubclass(index_class, FaceIndex)):
                raise ImproperlyConfigured(
                    "FACE_MARKET['FACE_INDEX_BACKEND'] must name a FaceIndex subclass."
                )
            _index = index_class(**dict(verification_settings.FACE_INDEX_OPTIONS or {}))
        return _index


def reset() -> None:
    """Forget the built engine and index (the next call rebuilds them from the settings)."""
    global _engine, _index
    with _lock:
        _engine = None
        _index = None


def _on_setting_changed(*, setting: str, **kwargs) -> None:
    if setting == "FACE_MARKET":
        reset()


setting_changed.connect(_on_setting_changed)
