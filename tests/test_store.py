"""The local store's output lock: one writing run per output folder, on every platform (filelock)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.store.local import StoreError, output_lock


def test_a_second_run_on_the_same_folder_is_refused_until_the_first_ends(tmp_path: Path):
    out = tmp_path / "out"
    with output_lock(out):
        with pytest.raises(StoreError, match="another jixiao run is writing to .*out; wait for it to finish"):
            with output_lock(out):
                pass
        with output_lock(tmp_path / "other"):  # another folder is not blocked
            pass
    with output_lock(out):  # released when the first run ended
        pass


def test_the_lock_is_released_when_the_run_fails(tmp_path: Path):
    with pytest.raises(RuntimeError):
        with output_lock(tmp_path):
            raise RuntimeError("the run died")
    with output_lock(tmp_path):
        pass
