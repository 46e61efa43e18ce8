"""The build-time half of 审核: settle resubmissions, then run the check rules over what was staged.

Runs inside the dataset build, after every document's rows are staged and before duplicates are
found (a township's old and new version must not count as targets copied between documents).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from jixiao.analysis.checks import CheckInputs, DocumentFacts, Finding, run_checks
from jixiao.analysis.resubmissions import (Submission, Supersession, find_resubmissions, newer_by_name,
                                          replaced_by_failed)
from jixiao.flows.inbox import InboxFile
from jixiao.normalizers.text import compact
from jixiao.parsing.structure import ParsedDocument

INDICATOR_COLUMNS = ["doc_id", "source", "table_no", "project_code", "level1", "level2", "name_raw", "indicator",
                     "value_raw", "value", "value_max", "base_unit", "value_kind", "due_date", "sentence"]


def settle_resubmissions(files: list[InboxFile], documents: list[dict], staged: dict[str, pa.Table]) -> dict[str, Supersession]:
    """Which read documents are older versions of another file of their township."""
    read = {d["doc_id"] for d in documents if d["status"] in ("ok", "partial")}
    codes: dict[str, set[str]] = defaultdict(set)
    texts: dict[str, set[str]] = defaultdict(set)
    budgets: dict[str, set[str]] = defaultdict(set)
    rows: dict[str, int] = defaultdict(int)
    for row in staged["projects"].select(["doc_id", "project_code", "project_name", "budget_wan"]).to_pylist():
        rows[row["doc_id"]] += 1
        if row["project_code"]:
            codes[row["doc_id"]].add(row["project_code"])
        budgets[row["doc_id"]].add(f"{row['project_code'] or compact(row['project_name'])}|{row['budget_wan']}")
    for row in staged["indicators"].select(["doc_id", "name_raw", "value_raw"]).to_pylist():
        rows[row["doc_id"]] += 1
        texts[row["doc_id"]].add(compact(f"{row['name_raw'] or ''}|{row['value_raw'] or ''}"))
    for row in staged["goals"].select(["doc_id", "goal_text"]).to_pylist():
        rows[row["doc_id"]] += 1
        if row["goal_text"]:
            texts[row["doc_id"]].add(compact(row["goal_text"])[:200])
    fmt = {d["doc_id"]: d.get("format") for d in documents}
    evaluation = {d["doc_id"] for d in documents if d.get("form_kind") == "self_evaluation"}
    year = {d["doc_id"]: d.get("year") for d in documents}
    seen: set[str] = set()
    submissions = []
    for f in files:
        if f.doc_id in read and f.doc_id not in seen:
            seen.add(f.doc_id)
            submissions.append(Submission(doc_id=f.doc_id, township=f.township, source_path=f.source_path,
                                          format=fmt.get(f.doc_id), mtime=f.mtime, n_rows=rows[f.doc_id],
                                          codes=frozenset(codes[f.doc_id]), texts=frozenset(texts[f.doc_id]),
                                          budgets=frozenset(budgets[f.doc_id]),
                                          current=f.current, supersedes=f.supersedes, year=f.year,
                                          text_year=None if f.year else year.get(f.doc_id),
                                          self_evaluation=f.doc_id in evaluation))
    return find_resubmissions(submissions)


@dataclass(frozen=True)
class OlderCopy:
    """A file byte-identical to a later version of itself (目标.docx resent as 目标（修订稿）.docx)."""

    file: InboxFile
    newer: InboxFile
    reason: str


def resubmitted_copies(files: list[InboxFile], primary: dict[str, InboxFile]) -> tuple[dict[str, InboxFile], list[OlderCopy]]:
    """Among identical files of one township, the one whose name marks the newest version is the one
    counted and the others are its older versions; without such a name they stay plain copies."""
    groups: dict[str, list[InboxFile]] = defaultdict(list)
    for f in files:
        groups[f.doc_id].append(f)
    primary, older = dict(primary), []
    for doc_id, copies in groups.items():
        first = primary[doc_id]
        versions = [f for f in copies if f.township == first.township]
        if len(versions) < 2:
            continue
        subs = {f.source_path: Submission(doc_id, f.township, f.source_path) for f in versions}
        newest, reasons = subs[first.source_path], {}
        for other in (subs[f.source_path] for f in versions if f is not first):
            decided = newer_by_name(newest, other)
            if decided is None:
                continue
            winner, reason = decided
            reasons[(other if winner is newest else newest).source_path] = reason
            newest = winner
        if not reasons:
            continue
        by_path = {f.source_path: f for f in versions}
        primary[doc_id] = by_path[newest.source_path]
        older += [OlderCopy(by_path[path], primary[doc_id], reason) for path, reason in reasons.items()
                  if path != newest.source_path]
    return primary, older


def current_rows(table: pa.Table, superseded: dict[str, Supersession]) -> pa.Table:
    """The rows of documents that count (not superseded)."""
    if not superseded:
        return table
    return table.filter(pc.invert(pc.is_in(table["doc_id"], value_set=pa.array(list(superseded)))))


@dataclass(frozen=True)
class TextFacts:
    """What the checks need of a parsed document, kept while the build streams the documents (so each
    cache file is parsed once per run and no parsed document is held until the checks run)."""

    year: int | None
    names: tuple[str, ...]
    body: str
    unit_code: str | None

    @classmethod
    def of(cls, parsed: ParsedDocument | None) -> TextFacts | None:
        if parsed is None:
            return None
        return cls(year=parsed.year, names=tuple(parsed.names), body=_body(parsed), unit_code=parsed.unit_code)


def review_checks(files: list[InboxFile], documents: list[dict], texts: dict[str, TextFacts | None],
                  staged: dict[str, pa.Table], superseded: dict[str, Supersession], year: int | None,
                  copies: list[OlderCopy] = (), tracked: list[tuple[str, str, Finding]] = ()) -> list[dict]:
    """The checks table: every rule over the read documents, `superseded` on older identical copies and
    `revision_failed` on a failed revision; `texts`: TextFacts of each read document by doc_id; `tracked`:
    the findings across documents and years."""
    row_of = {d["doc_id"]: d for d in documents}  # later wins: an identical copy's row comes before its original's
    revisions = failed_revisions(files, row_of, superseded)
    facts, seen = [], set()
    for f in files:
        if f.doc_id in seen or f.doc_id not in row_of:
            continue
        seen.add(f.doc_id)
        text = texts.get(f.doc_id)
        older = superseded.get(f.doc_id)
        replaced = revisions.get(f.doc_id)
        facts.append(DocumentFacts(doc_id=f.doc_id, township=f.township, source_path=f.source_path,
                                   text_year=text.year if text else None, manifest_year=f.year, year_from=f.year_from,
                                   names=text.names if text else (), body=text.body if text else "",
                                   unit_code=text.unit_code if text else None, manifest_unit=f.unit_code,
                                   superseded_by=older.newer_path if older else None,
                                   superseded_reason=older.reason if older else None,
                                   status=row_of[f.doc_id]["status"], error_code=row_of[f.doc_id].get("error_code"),
                                   replaces=replaced[0].source_path if replaced else None,
                                   replaces_reason=replaced[1] if replaced else None))
    facts += [DocumentFacts(doc_id=c.file.doc_id, township=c.file.township, source_path=c.file.source_path,
                            superseded_by=c.newer.source_path, superseded_reason=f"内容相同，{c.reason}")
              for c in copies]
    return run_checks(CheckInputs(documents=facts, projects=staged["projects"].to_pylist(),
                                  indicators=staged["indicators"].select(INDICATOR_COLUMNS).to_pylist(), year=year,
                                  tracked=list(tracked)))


def failed_revisions(files: list[InboxFile], row_of: dict[str, dict],
                     superseded: dict[str, Supersession]) -> dict[str, tuple[Submission, str]]:
    """doc_id of a failed file, or of a partial one that replaced nothing, that is a revision of a file of
    its township still counted → (that file, why the failed one is newer)."""
    def submission(f: InboxFile) -> Submission:
        return Submission(doc_id=f.doc_id, township=f.township, source_path=f.source_path,
                          current=f.current, supersedes=f.supersedes)

    replacing = {s.newer for s in superseded.values()}
    counted = [submission(f) for f in files if f.doc_id not in superseded and f.doc_id in row_of
               and row_of[f.doc_id]["status"] in ("ok", "partial")]
    found = {}
    for f in files:
        status = (row_of.get(f.doc_id) or {}).get("status")
        failed = status == "failed" and row_of[f.doc_id].get("error_code") != "duplicate_file"
        if f.doc_id in superseded or not (failed or status == "partial" and f.doc_id not in replacing):
            continue
        replaced = replaced_by_failed(submission(f), counted, failed=failed)
        if replaced is not None:
            found[f.doc_id] = replaced
    return found


BODY_CHARS = 20000


def _body(parsed: ParsedDocument | None) -> str:
    """Goal texts and project titles and names, where a document may name its township."""
    if parsed is None:
        return ""
    parts = [g.goal_text for g in parsed.goals] + [p.title or p.project_name or "" for p in parsed.projects]
    return "\n".join(p for p in parts if p)[:BODY_CHARS]
