"""The int8 recognition model: made once from the wheel's float model, kept in the cache folder and
reused; any failure leaves the float model in use. And the line recognizer's CTC decoding."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import numpy as np
import pytest

from jixiao.extractors.ocr import quantize
from jixiao.extractors.ocr.engine import model_paths
from jixiao.extractors.ocr.recognizer import LineRecognizer, ctc_decode


@pytest.fixture(scope="module")
def float_model() -> Path:
    return model_paths()["rec"]


@pytest.fixture(scope="module")
def built(float_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder in which the int8 model has been made by the real quantizer."""
    folder = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JIXIAO_CACHE_DIR", str(folder))
        model = quantize.int8_model(float_model, 0.85)
    assert model.parent == folder and model.name.startswith("PP-OCRv6_rec_small.int8-")
    return folder


def test_int8_model_is_made_once_and_reused(built: Path, float_model: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(built))

    def no_rebuild(*args):
        raise AssertionError("the cached int8 model was built again")

    model = quantize.int8_model(float_model, 0.85, build=no_rebuild)
    assert model.parent == built and model.stat().st_size < float_model.stat().st_size / 2
    assert not list(built.glob("tmp*"))  # the build's work folder is gone


def test_int8_model_reads_lines_as_the_float_model_does(built: Path, float_model: Path,
                                                         monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(built))
    lines = quantize.calibration_lines()
    assert len(lines) >= 40 and {line.shape[0] for line in lines} == {48}
    exact, quick = LineRecognizer(float_model), LineRecognizer(quantize.int8_model(float_model, 0.85))
    readings = [(exact.read(line), quick.read(line)) for line in lines]
    assert sum(a[0] == b[0] for a, b in readings) >= 0.85 * len(lines)
    assert all(abs(a[1] - b[1]) < 0.1 for a, b in readings if a[0] == b[0])


def test_a_new_float_model_gets_its_own_int8_copy(built: Path, float_model: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch):
    """The copy is keyed by the float model's bytes: a changed model (a new rapidocr) builds anew."""
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(built))
    changed = tmp_path / float_model.name
    changed.write_bytes(float_model.read_bytes() + b"\0")  # same graph, other bytes
    made = []
    monkeypatch.setattr(quantize, "_agreement", lambda *args: 1.0)
    model = quantize.int8_model(changed, 0.85, build=lambda source, target, lines: (
        made.append(source), shutil.copyfile(source, target)))
    assert made == [changed] and model.parent == built
    assert model != quantize.int8_model(float_model, 0.85)


def test_a_failed_build_leaves_the_float_model_and_is_not_retried(float_model: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  caplog: pytest.LogCaptureFixture):
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path))
    calls = []

    def broken(source, target, lines):
        calls.append(1)
        target.write_bytes(b"half a model")
        raise RuntimeError("quantizer crashed")

    with caplog.at_level(logging.WARNING):
        assert quantize.int8_model(float_model, 0.85, build=broken) == float_model
    assert "quantizer crashed" in caplog.text and "float recognition model" in caplog.text
    assert not list(tmp_path.glob("*.onnx"))  # nothing half-written is left to be loaded later
    assert quantize.int8_model(float_model, 0.85, build=broken) == float_model and calls == [1]
    for note in tmp_path.glob("*.failed"):  # deleting the note tries again
        note.unlink()
    quantize.int8_model(float_model, 0.85, build=broken)
    assert calls == [1, 1]


def test_an_int8_model_that_reads_otherwise_is_not_used(float_model: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        caplog: pytest.LogCaptureFixture):
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(quantize, "_agreement", lambda *args: 0.5)
    calls = []

    def build(source, target, lines):
        calls.append(1)
        shutil.copyfile(source, target)

    with caplog.at_level(logging.WARNING):
        assert quantize.int8_model(float_model, 0.85, build=build) == float_model
    assert "50.0% of the calibration lines" in caplog.text
    assert quantize.int8_model(float_model, 0.85, build=build) == float_model and calls == [1]
    assert not list(tmp_path.glob("*.onnx"))


def test_an_unwritable_cache_folder_leaves_the_float_model(float_model: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(blocker / "jixiao"))
    assert quantize.int8_model(float_model, 0.85) == float_model


def test_cache_folder_defaults_to_the_users_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.delenv("JIXIAO_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert quantize.cache_dir() == tmp_path / "jixiao"
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path / "mine"))
    assert quantize.cache_dir() == tmp_path / "mine"


def test_ctc_decoding_keeps_repeats_split_by_a_blank():
    characters = ["", "0", "1", " "]
    steps = [0, 2, 2, 0, 1, 1, 0, 1, 0, 0, 3, 1]  # "1", blank, "0", blank, "0", blank, " ", "0"
    probabilities = np.full((len(steps), 4), 0.1, np.float32)
    probabilities[np.arange(len(steps)), steps] = 0.7
    text, confidence = ctc_decode(probabilities, characters)
    assert text == "100 0" and confidence == pytest.approx(0.7)
    assert ctc_decode(np.eye(4, dtype=np.float32)[[0, 0]], characters) == ("", 0.0)
