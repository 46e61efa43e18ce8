"""Targets across documents and years: an inbox of two years (inbox/<year>/<township>/…) with each
township's target forms and its 自评表 gives the `results` and `target_history` tables and their checks.

Generated inboxes (fixtures/years.py) carry the 自评表 in docx, xlsx, txt and pdf, renamed projects,
moved codes, missing actuals and actuals in other units; the shared sample is scored with its scorer.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from fixtures.faults import build_without_flow
from fixtures.years import SELF_EVALUATION_FORMATS, build_years_inbox
from fixtures.years_truth import TRACKED_RULES, score_against_truth
from tests.conftest import require_shared

TABLES = ("results", "target_history", "checks", "documents")


def _tables(out: Path) -> dict[str, list[dict]]:
    return {t: pq.read_table(out / "parquet" / f"{t}.parquet").to_pylist() for t in TABLES}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict]:
    """A four-township, two-year inbox (one 自评表 format per township) read and published once."""
    root = tmp_path_factory.mktemp("years")
    truth = build_years_inbox(root / "inbox", seed=5, n_townships=len(SELF_EVALUATION_FORMATS))
    build_without_flow(root / "inbox", root / "out")
    return root / "inbox", root / "out", truth


def test_generated_inbox_covers_every_self_evaluation_format(generated: tuple[Path, Path, dict]) -> None:
    inbox, out, truth = generated
    documents = {d["source_path"]: d for d in _tables(out)["documents"]}
    evaluations = [d for d in truth["documents"] if d["kind"] == "self_evaluation"]
    assert sorted(d["format"] for d in evaluations) == sorted(SELF_EVALUATION_FORMATS)
    for expected in truth["documents"]:
        got = documents[expected["path"]]
        assert got["status"] in ("ok", "partial"), got
        assert (got["township"], got["year"]) == (expected["township"], expected["year"])
        assert got["superseded_by"] is None  # a 自评表 never supersedes the target form beside it
        if expected["kind"] == "self_evaluation":
            assert got["form_kind"] == "self_evaluation"
            assert got["n_indicators"] == expected["n_indicators"]


def test_generated_results_history_and_checks_match_the_truth(generated: tuple[Path, Path, dict]) -> None:
    _, out, truth = generated
    scores = score_against_truth(_tables(out), truth)
    for part, (recall, precision) in scores.items():
        assert recall >= 0.97 and precision >= 0.97, (part, recall, precision)
    outcomes = {r["outcome"] for r in truth["results"]}
    assert {"met", "missed", "no_actual", "not_comparable"} <= outcomes  # the kinds the test is about
    assert {"new", "unchanged", "raised", "dropped"} <= {r["change"] for r in truth["target_history"]}


def test_no_error_checks_from_the_year_level(generated: tuple[Path, Path, dict]) -> None:
    """Years are history, not year_mismatch; a code in a target form and its 自评表 is no duplicate."""
    _, out, _ = generated
    rules = {c["rule"] for c in _tables(out)["checks"]}
    assert not rules & {"year_mismatch", "duplicate_project_code", "superseded", "township_mismatch"}


def test_one_year_alone_gives_no_checks_across_years(generated: tuple[Path, Path, dict], tmp_path: Path) -> None:
    inbox, _, truth = generated
    first = min(truth["years"])
    for document in truth["documents"]:
        if document["year"] == first and document["kind"] == "target":
            target = tmp_path / "inbox" / document["township"] / Path(document["path"]).name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(inbox / document["path"], target)
    tables = _tables(build_without_flow(tmp_path / "inbox", tmp_path / "out"))
    assert tables["results"] == []
    assert {r["change"] for r in tables["target_history"]} == {"new"}
    assert not {c["rule"] for c in tables["checks"]} & set(TRACKED_RULES)


def test_results_command_lists_and_filters(generated: tuple[Path, Path, dict]) -> None:
    from jixiao.cli import app

    _, out, truth = generated
    missed = [r for r in truth["results"] if r["outcome"] == "missed"]
    township = missed[0]["township"]
    shown = CliRunner().invoke(app, ["results", "--out", str(out), "--township", township, "--outcome", "missed"],
                               env={"COLUMNS": "250"})
    assert shown.exit_code == 0, shown.output
    assert f"{sum(r['township'] == township for r in missed)} targets: " in shown.output
    assert "met" not in shown.output.replace("missed", "")
    none = CliRunner().invoke(app, ["results", "--out", str(out), "--year", "1999"])
    assert none.exit_code == 0 and "no results match" in none.output


def test_report_has_the_results_section(generated: tuple[Path, Path, dict]) -> None:
    from jixiao.analysis.report import write_report

    _, out, truth = generated
    html = write_report(out).read_text(encoding="utf-8")
    assert 'id="results"' in html and 'id="results-by-level2"' in html
    assert all(t in html.split('id="results"')[1] for t in truth["townships"])


def test_shared_years_sample_scores(tmp_path: Path) -> None:
    inbox = require_shared("samples", "years", "inbox")
    scorer = require_shared("tools", "score_years.py")
    out = build_without_flow(inbox, tmp_path / "out")
    metrics = tmp_path / "metrics.json"
    done = subprocess.run([sys.executable, str(scorer), str(out), "--json", str(metrics)], capture_output=True,
                          text=True, check=True)
    scores = json.loads(metrics.read_text(encoding="utf-8"))
    assert scores["results"]["f1"] >= 0.97 and scores["history"]["f1"] >= 0.97, done.stdout
    assert scores["checks"]["recall"] >= 0.95 and scores["checks"]["precision"] >= 0.95, done.stdout
