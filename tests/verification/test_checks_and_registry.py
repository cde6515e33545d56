"""System checks (verification.E0xx) and the per-process engine / index registry."""

from __future__ import annotations

import pytest
from django.db import connection

from verification import engine_registry
from verification.checks import check_consent_text, check_face_engine, check_face_index
from verification.engines.base import FaceEngine


class ModelDirEngine(FaceEngine):
    """Shaped like the insightface engine (takes a model directory); never loads anything."""

    engine_id = "model-dir-test"
    dimensions = 4

    def __init__(self, *, model_dir: str, licence_confirmed: bool = False, providers=None, extra: int = 0):
        self.model_dir, self.licence_confirmed, self.providers, self.extra = (
            model_dir,
            licence_confirmed,
            providers,
            extra,
        )

    @property
    def model_hash(self) -> str:
        return "0" * 16

    def detect(self, image):
        return []

    def embed(self, image, face):
        raise NotImplementedError

    def dense_landmarks(self, image):
        return None


ENGINE_PATH = f"{__name__}.ModelDirEngine"


def ids(messages) -> list[str]:
    return sorted(m.id for m in messages)


def test_default_configuration_passes_every_check():
    assert check_face_engine() == [] and check_face_index() == [] and check_consent_text() == []


def test_engine_path_that_does_not_import_is_e001(settings):
    settings.FACE_MARKET = {"FACE_ENGINE": "verification.engines.nowhere.Engine"}
    assert ids(check_face_engine()) == ["verification.E001"]
    settings.FACE_MARKET = {"FACE_ENGINE": "kernel.money.Money"}  # importable, not an engine
    assert ids(check_face_engine()) == ["verification.E001"]


def test_model_directory_engine_needs_directory_and_licence(settings, tmp_path):
    settings.FACE_MARKET = {"FACE_ENGINE": ENGINE_PATH}
    assert ids(check_face_engine()) == ["verification.E002", "verification.E003"]
    settings.FACE_MARKET = {
        "FACE_ENGINE": ENGINE_PATH,
        "FACE_MODEL_DIR": "relative/models",
        "FACE_MODEL_LICENCE_CONFIRMED": True,
    }
    assert ids(check_face_engine()) == ["verification.E002"]
    settings.FACE_MARKET = {
        "FACE_ENGINE": ENGINE_PATH,
        "FACE_MODEL_DIR": str(tmp_path),
        "FACE_MODEL_LICENCE_CONFIRMED": True,
    }
    assert check_face_engine() == []


def test_index_backend_path_must_be_a_face_index(settings):
    settings.FACE_MARKET = {"FACE_INDEX_BACKEND": "verification.index.nowhere.Index"}
    assert ids(check_face_index()) == ["verification.E004"]


@pytest.mark.skipif(connection.vendor == "postgresql", reason="checks the refusal on other databases")
def test_pgvector_backend_on_sqlite_is_e005(settings):
    settings.FACE_MARKET = {"FACE_INDEX_BACKEND": "verification.index.pgvector.PgvectorFaceIndex"}
    assert ids(check_face_index()) == ["verification.E005"]


def test_consent_version_without_a_text_is_e006(settings):
    settings.FACE_MARKET = {"BIOMETRIC_CONSENT_VERSION": "2099-01"}
    assert ids(check_consent_text()) == ["verification.E006"]


def test_registry_builds_once_passes_model_settings_and_resets_on_change(settings, tmp_path):
    settings.FACE_MARKET = {
        "FACE_ENGINE": ENGINE_PATH,
        "FACE_MODEL_DIR": str(tmp_path),
        "FACE_MODEL_LICENCE_CONFIRMED": True,
        "FACE_ENGINE_OPTIONS": {"extra": 7},
        "FACE_EXECUTION_PROVIDERS": ["CPUExecutionProvider"],
    }
    engine = engine_registry.get_face_engine()
    assert isinstance(engine, ModelDirEngine)
    assert (engine.model_dir, engine.licence_confirmed, engine.providers, engine.extra) == (
        str(tmp_path),
        True,
        ["CPUExecutionProvider"],
        7,
    )
    assert engine_registry.get_face_engine() is engine
    settings.FACE_MARKET = {}
    assert type(engine_registry.get_face_engine()).__name__ == "DlibFaceEngine"
    assert type(engine_registry.get_face_index()).__name__ == "ExactFaceIndex"
