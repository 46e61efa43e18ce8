"""Prefect as the operator's window: a run leaves a summary and a failures table as artifacts, and a
run with failed documents ends Completed with a message naming them; the terminal stays quiet."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from jixiao.flows.artifacts import FAILURES_KEY, SUMMARY_KEY

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "inbox"
BAD = REPO / "tests" / "fixtures" / "bad"


def _inbox_with_a_failure(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    shutil.copytree(EXAMPLES, inbox)
    (inbox / "坏镇").mkdir()
    shutil.copyfile(BAD / "empty.txt", inbox / "坏镇" / "空白.txt")
    return inbox


def test_flow_run_publishes_summary_and_failures(tmp_path: Path, prefect_harness) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    from jixiao.flows.district import run_district

    summary = run_district(_inbox_with_a_failure(tmp_path), tmp_path / "out", workers=1)
    assert (summary.n_documents, summary.n_failed) == (8, 2)  # examples/inbox has one failing file of its own

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[SUMMARY_KEY])))
        latest = max(found, key=lambda a: a.created)
        assert "# jixiao run: 8 documents" in latest.data
        assert "| failed | 2 |" in latest.data and f"| ok | {summary.n_ok} |" in latest.data
        assert "坏镇/空白.txt" in latest.data and "empty file" in latest.data
        assert f"| indicators | {summary.n_indicators} |" in latest.data

        same_run = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[FAILURES_KEY])))
        failures = next(a for a in same_run if a.flow_run_id == latest.flow_run_id)
        rows = json.loads(failures.data) if isinstance(failures.data, str) else failures.data
        assert {r["source_path"] for r in rows} >= {"坏镇/空白.txt"} and all(r["error"] for r in rows)

        flow_run = client.read_flow_run(latest.flow_run_id)
        assert flow_run.state.is_completed()
        assert flow_run.state.message.startswith("2 of 8 documents failed: ")
        assert "坏镇/空白.txt" in flow_run.state.message


def test_cli_run_talks_from_the_start_and_logs_documents_not_http(tmp_path: Path, cli_env: dict[str, str]) -> None:
    inbox = _inbox_with_a_failure(tmp_path)
    env = {k: v for k, v in cli_env.items() if not k.startswith(("PREFECT_LOGGING", "DO_NOT_TRACK"))
           and k not in ("PREFECT_API_URL", "PREFECT_SERVER_ANALYTICS_ENABLED")}
    result = subprocess.run([sys.executable, "-m", "jixiao.cli", "run", str(inbox), "--out", str(tmp_path / "out"),
                             "--workers", "1", "-v"], cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    lines = output.splitlines()
    assert lines[0].startswith("jixiao ") and "Prefect" in lines[1], output
    assert "HTTP Request" not in output and "uvicorn" not in output
    assert "telemetry" not in output.lower() and "analytics" not in output.lower() and "anonymous" not in output.lower()
    # Every document is named once, in the reading task's log or in the read-ahead line.
    assert "坏镇/空白.txt" in output and "failed" in output


def test_a_plain_run_sends_a_line_per_document_to_the_prefect_ui_but_not_to_the_terminal(
        tmp_path: Path, cli_env: dict[str, str]) -> None:
    import sqlite3

    inbox = _inbox_with_a_failure(tmp_path)
    home = tmp_path / "prefect-home"
    env = {**{k: v for k, v in cli_env.items() if not k.startswith("PREFECT_LOGGING") and k != "PREFECT_API_URL"},
           "PREFECT_HOME": str(home)}
    result = subprocess.run([sys.executable, "-m", "jixiao.cli", "run", str(inbox), "--out", str(tmp_path / "out"),
                             "--keep-api", "0"], cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "坏镇/空白.txt: failed" not in output, "per-document lines are for -v and the UI"
    with sqlite3.connect(home / "prefect.db") as db:  # what the Prefect UI shows as the run's logs
        logged = "\n".join(message for (message,) in db.execute("select message from log"))
    files = [p.relative_to(inbox).as_posix() for p in inbox.rglob("*") if p.is_file() and p.name != "manifest.csv"]
    assert files and all(f"{path}: " in logged for path in files), logged
    assert "坏镇/空白.txt: failed" in logged
