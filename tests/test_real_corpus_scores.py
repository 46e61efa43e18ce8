"""The real published forms of fixtures/real (124 forms, 23 provinces), read and scored against their
hand-written truth per format: what the kind of form must give, not what one file gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fixtures.faults import build_without_flow
from fixtures.real_flattened import write_flattened
from fixtures.real_score import DEFAULT_TRUTH, rates, score
from fixtures.real_traditional import write_traditional

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "inbox"
# the floor each format must hold: docx/pdf are the forms' tables rebuilt with their merges; txt is the
# text as web pages publish it (flattened, glued, cut short)
FLOORS = {
    "docx": {"recall": 0.95, "precision": 0.98, "level1": 0.95, "level2": 0.95, "values": 0.95, "budgets": 0.95},
    "pdf": {"recall": 0.95, "precision": 0.98, "level1": 0.95, "level2": 0.95, "values": 0.95, "budgets": 0.95},
    # (budgets: 0.84 on the 124 forms, those taken last among them mostly unread)
    "txt": {"recall": 0.85, "precision": 0.98, "level1": 0.93, "level2": 0.93, "values": 0.94, "budgets": 0.78},
}


@pytest.fixture(scope="module")
def corpus_scores(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("real-corpus")
    shutil.copytree(CORPUS, work / "inbox")
    return score(build_without_flow(work / "inbox", work / "out"), DEFAULT_TRUTH)


@pytest.mark.parametrize("fmt", sorted(FLOORS))
def test_real_forms_meet_their_floor(corpus_scores: dict, fmt: str):
    counts = corpus_scores[fmt]
    got = rates(counts)
    low = {k: got[k] for k, floor in FLOORS[fmt].items() if got[k] is None or got[k] < floor}
    assert not low, f"{fmt}: below the floor {low} (all: {got})"


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_no_real_table_form_is_ok_with_a_row_or_project_lost(corpus_scores: dict, fmt: str):
    assert corpus_scores[fmt]["silent"] == 0


def test_published_text_is_never_ok_with_a_row_lost(corpus_scores: dict):
    """Text that cannot be read with confidence is partial, never ok with a row or project lost."""
    assert corpus_scores["txt"]["silent"] == 0


# the floor of each flattening of the same real grids (fixtures/real_flattened.py): pipe rows keep every
# cell; a rowspan copy writes a merged cell once, one cell per line and space-separated rows lose the blanks,
# so fewer rows can be placed with certainty; a stream of cells loses the rows too
FLATTENED_FLOORS = {
    "pipe": {"recall": 0.98, "precision": 0.98, "budgets": 0.95, "values": 0.95},
    "rowspan": {"recall": 0.98, "precision": 0.98, "budgets": 0.95, "values": 0.95},
    "bare": {"recall": 0.95, "precision": 0.96, "budgets": 0.92, "values": 0.95},
    "cells": {"recall": 0.98, "precision": 0.98, "budgets": 0.95, "values": 0.95},
    "spaces": {"recall": 0.97, "precision": 0.98, "budgets": 0.95, "values": 0.92},
    "ideographic": {"recall": 0.97, "precision": 0.98, "budgets": 0.95, "values": 0.92},
    "tabs": {"recall": 0.98, "precision": 0.98, "budgets": 0.95, "values": 0.94},
    # the cell stream: one cell per line, or the whole table on one line, every blank cell dropped
    "lines": {"recall": 0.95, "precision": 0.96, "budgets": 0.92, "values": 0.93},
    "oneline": {"recall": 0.94, "precision": 0.96, "budgets": 0.92, "values": 0.93},
    # every cell glued to the next: many rows cannot be cut with confidence, and are said, not guessed
    "glued": {"recall": 0.55, "precision": 0.85, "budgets": 0.64, "values": 0.87},
}


@pytest.mark.parametrize("layout", sorted(FLATTENED_FLOORS))
def test_real_forms_flattened_as_other_pages_do_meet_their_floor(tmp_path: Path, layout: str):
    """The real grids written as web text in a layout their own pages did not use, scored against the same
    truth: nothing stored `ok` with a row lost, and the floor held."""
    write_flattened(tmp_path / "inbox", layout)
    counts = score(build_without_flow(tmp_path / "inbox", tmp_path / "out"), DEFAULT_TRUTH)["txt"]
    got = rates(counts)
    low = {k: got[k] for k, floor in FLATTENED_FLOORS[layout].items() if got[k] is None or got[k] < floor}
    assert not low, f"{layout}: below the floor {low} (all: {got})"
    assert counts["silent"] == 0



def test_real_forms_republished_in_traditional_characters_read_as_the_published_text(tmp_path: Path):
    """Mirror sites reprint forms in traditional characters (指標, 數量指標, 大於等於, 萬元): every published text of the
    corpus so converted reads as its simplified original does, the names and units given back as written."""
    write_traditional(tmp_path / "inbox", tmp_path / "truth")
    counts = score(build_without_flow(tmp_path / "inbox", tmp_path / "out"), tmp_path / "truth")["txt"]
    got = rates(counts)
    low = {k: got[k] for k, floor in FLOORS["txt"].items() if got[k] is None or got[k] < floor}
    assert not low, f"traditional: below the floor {low} (all: {got})"
    assert counts["silent"] == 0
