"""What the operator sees of a run in the Prefect UI: a summary artifact, a table of the failed
documents, a log line for each document read before the flow started (the read tasks log the others),
and a final state whose message names the failures.

Artifacts carry fixed keys, so the UI's Artifacts page also shows each one's history across runs.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
from prefect import get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.states import Completed, State

from jixiao.flows.dataset import RunSummary
from jixiao.model.schema import TABLES

SUMMARY_KEY = "jixiao-run-summary"
FAILURES_KEY = "jixiao-failed-documents"
_FAILURE_COLUMNS = ["source_path", "township", "format", "status", "error_code", "error"]
_MAX_LISTED = 50  # failed documents named in the summary; the table artifact has them all


def publish_run(summary: RunSummary, inbox: str, out: str, read_before: frozenset[str] = frozenset()) -> State:
    """Create the artifacts from the published dataset; the flow returns the state this gives.
    `read_before`: doc_ids read while the flow started, which no read task logged."""
    documents = pq.read_table(Path(out) / "parquet" / "documents.parquet",
                              columns=[*_FAILURE_COLUMNS, "superseded_by", "doc_id"]).to_pylist()
    logger = get_run_logger()
    for d in documents:
        if d["doc_id"] in read_before:
            logger.info("%s: %s%s (read while the flow started)", d["source_path"], d["status"],
                        f" — {d['error']}" if d["error"] else "")
    problems = [{c: d[c] for c in _FAILURE_COLUMNS} for d in documents if d["status"] != "ok" and not d["superseded_by"]]
    create_markdown_artifact(key=SUMMARY_KEY, markdown=summary_markdown(summary, documents, problems, inbox, out),
                             description=f"jixiao run over {inbox}")
    create_table_artifact(key=FAILURES_KEY, table=problems or [dict.fromkeys(_FAILURE_COLUMNS, "")],
                          description=f"{len(problems)} documents not read in full (failed or partial)")
    failed = [d for d in problems if d["status"] == "failed"]
    if not failed:
        return Completed(message=f"{summary.n_documents} documents read", data=summary)
    names = ", ".join(d["source_path"] for d in failed[:5]) + (" …" if len(failed) > 5 else "")
    return Completed(message=f"{len(failed)} of {summary.n_documents} documents failed: {names} "
                             f"(see the {FAILURES_KEY} artifact)", data=summary)


def summary_markdown(summary: RunSummary, documents: list[dict], problems: list[dict], inbox: str, out: str) -> str:
    status = Counter(d["status"] for d in documents if not d.get("superseded_by"))
    lines = [f"# jixiao run: {summary.n_documents} documents", "", f"Inbox `{inbox}` → dataset `{out}`", "",
             "## Documents by status", "", "| status | documents |", "|---|---:|"]
    lines += [f"| {name} | {status[name]} |" for name in ("ok", "partial", "failed") if status[name]]
    if summary.n_superseded:
        lines += ["", f"Not counted: {summary.n_superseded} superseded files (older versions of a resubmission; "
                      f"{summary.n_superseded_indicators} indicators), kept in the tables with `superseded_by`:", ""]
        lines += [f"- {_cell(line)}" for line in summary.superseded]
    lines += ["", f"Read this run: {summary.n_read}; the rest came from the cache.", ""]
    if problems:
        lines += ["## Documents not read in full", "", "| file | township | status | why |", "|---|---|---|---|"]
        lines += [f"| {_cell(d['source_path'])} | {_cell(d['township'])} | {d['status']} | {_cell(d['error'])} |"
                  for d in problems[:_MAX_LISTED]]
        if len(problems) > _MAX_LISTED:
            lines.append(f"\n… and {len(problems) - _MAX_LISTED} more in the {FAILURES_KEY} artifact")
        lines.append("")
    counts = {table: pq.read_metadata(Path(out) / "parquet" / f"{table}.parquet").num_rows for table in TABLES}
    lines += ["## Rows per table", "", "| table | rows |", "|---|---:|"]
    lines += [f"| {table} | {n} |" for table, n in counts.items()]
    lines += ["", f"{summary.n_review} indicator matches to review in `{Path(out) / 'review.csv'}`; "
                  f"{summary.n_duplicate_groups} duplicate groups."]
    return "\n".join(lines) + "\n"


def _cell(value: object) -> str:
    return str(value or "").replace("|", "\\|").replace("\n", " ")
