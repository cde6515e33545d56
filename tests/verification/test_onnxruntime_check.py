"""verification.E007: onnxruntime and onnxruntime-gpu must not share an environment.

The distribution lookup is the edge of the outside world (what pip installed), so it is replaced by
a fake ``importlib.metadata.version`` here; the check itself runs for real.
"""

from importlib import metadata

from verification.checks import check_one_onnxruntime, installed_onnxruntimes


def fake_versions(monkeypatch, installed: dict[str, str]):
    def version(name):
        if name not in installed:
            raise metadata.PackageNotFoundError(name)
        return installed[name]

    monkeypatch.setattr(metadata, "version", version)


def test_this_environment_has_exactly_one_onnxruntime():
    assert len(installed_onnxruntimes()) == 1
    assert check_one_onnxruntime() == []


def test_both_runtimes_installed_is_an_error(monkeypatch):
    fake_versions(monkeypatch, {"onnxruntime": "1.31.1", "onnxruntime-gpu": "1.31.1"})
    (error,) = check_one_onnxruntime()
    assert error.id == "verification.E007" and "onnxruntime-gpu==1.31.1" in error.msg


def test_the_gpu_runtime_alone_is_fine(monkeypatch):
    fake_versions(monkeypatch, {"onnxruntime-gpu": "1.31.1"})
    assert check_one_onnxruntime() == []
