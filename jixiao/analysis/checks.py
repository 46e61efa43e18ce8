"""审核: the `checks` table — what a reviewer must look at before a township's budget is approved.

Rules are data plus one small pure function each. `dictionaries/checks.yaml` gives every rule its
severity, its Chinese message template (what the township must fix) and its thresholds; the
functions (here for documents, in `project_checks.py` for projects and indicators) return
`Finding`s — the values they compared — and `run_checks` turns those into rows.

Only current documents are checked (a superseded file gets its `superseded` row and nothing else:
the township fixes the new version, not the old one).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from jixiao.analysis.check_rules import SEVERITIES, Finding, number, rule_settings, settings
from jixiao.analysis.project_checks import project_findings
from jixiao.dictionaries import DictionaryError, dictionary_cache
from jixiao.normalizers.text import compact

@dataclass(frozen=True)
class DocumentFacts:
    """What the document-level rules know about one read file."""

    doc_id: str
    township: str
    source_path: str
    text_year: int | None = None  # the year the document's own text gives
    manifest_year: int | None = None  # the year it was filed under: the manifest's, else its year folder's
    year_from: str | None = None  # "manifest" or "folder"
    names: tuple[str, ...] = ()  # title lines and unit names (parsing/names.py)
    body: str = ""  # goal texts and project names, where a township may name itself
    unit_code: str | None = None  # from the project codes
    manifest_unit: str | None = None
    superseded_by: str | None = None  # source_path of the newer version
    superseded_reason: str | None = None
    status: str = "ok"  # documents.status: a failed file gets only `revision_failed`
    error_code: str | None = None
    replaces: str | None = None  # a failed or partial revision: source_path of the older file still counted
    replaces_reason: str | None = None


@dataclass
class CheckInputs:
    """Everything `run_checks` reads; rows are dicts keyed by the contract's column names."""

    documents: list[DocumentFacts]
    projects: list[dict] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)
    year: int | None = None  # the district year from --year; else the documents' majority
    # (doc_id, rule, finding) of the rules across documents and years (tracking.py: results, history)
    tracked: list[tuple[str, str, Finding]] = field(default_factory=list)


def _message(template: str, values: Mapping[str, Any]) -> str:
    shown = {k: number(v) if isinstance(v, float) or v is None else v for k, v in values.items()}
    try:
        return template.format(**shown)
    except (KeyError, IndexError) as exc:
        raise DictionaryError(f"checks.yaml: message {template!r} uses {exc}, which the rule does not give") from exc


def _evidence(values: Mapping[str, Any]) -> str:
    """The compared values as a reviewer reads them: 文档年度=2023；应为年度=2024 (names from checks.yaml)."""
    names = settings().get("evidence_labels") or {}
    return "；".join(f"{names.get(k, k)}={number(v) if isinstance(v, float) or v is None else v}"
                    for k, v in values.items())


def check_row(rule: str, facts: DocumentFacts, finding: Finding) -> dict:
    spec = rule_settings(rule)
    project = finding.project or {}
    return {"doc_id": facts.doc_id, "township": facts.township, "source_path": facts.source_path,
            "project_code": project.get("project_code"), "project_name": project.get("project_name"),
            "table_no": project.get("table_no"), "name_raw": finding.name_raw, "rule": rule,
            "severity": spec["severity"], "message": _message(spec["message"], finding.values),
            "evidence": _evidence(finding.values)}


# ----------------------------------------------------------------------------- document rules


def district_year(documents: Iterable[DocumentFacts], forced: int | None = None) -> int | None:
    """--year, else the latest year documents are filed under when the inbox holds several years (the
    others are history), else the year more than the configured share (half) of the current documents give."""
    if forced is not None:
        return forced
    documents = list(documents)
    filed = {d.manifest_year for d in documents if d.manifest_year is not None}
    if len(filed) > 1:
        return max(filed)
    years = Counter(d.text_year for d in documents if d.text_year is not None)
    if not years:
        return None
    (year, n), total = years.most_common(1)[0], sum(years.values())
    return year if n / total > float(settings().get("district_year_min_share", 0.5)) else None


_TITLE_YEAR = re.compile(r"(20\d\d)\s*年")
_TITLE_WORDS = re.compile(r"绩效|预算|年度")


def title_years(names: Iterable[str]) -> list[int]:
    """Years the title lines state (丰登坞镇2024年部门整体绩效目标, (2023年度)); a publication date is no title."""
    return [int(m.group(1)) for line in names if _TITLE_WORDS.search(line) for m in _TITLE_YEAR.finditer(line)]


def _year_source(facts: DocumentFacts) -> str:
    if facts.manifest_year is None:
        return "本次汇总多数文档"
    return "年度文件夹" if facts.year_from == "folder" else "manifest.csv"


def year_mismatch(facts: DocumentFacts, district: int | None) -> list[Finding]:
    """A year the document's title or text gives differs from the manifest's year for it, else the district's."""
    expected = facts.manifest_year or district
    wrong = [y for y in (*title_years(facts.names), facts.text_year) if y is not None and y != expected]
    if expected is None or not wrong:
        return []
    return [Finding({"doc_year": wrong[0], "expected_year": expected,
                     "source": _year_source(facts)})]


def _place_pattern() -> re.Pattern[str]:
    suffixes = "|".join(sorted(settings().get("place_suffixes") or ["镇", "乡"], key=len, reverse=True))
    return re.compile(rf"([\u4e00-\u9fff]{{2,4}}?)(?:{suffixes})")


@dictionary_cache(maxsize=65536)  # every document's check compares against every township of the run
def township_core(township: str) -> str:
    """丰登坞镇(扫描件) → 丰登坞: the name without a bracketed note, 人民政府 or the 镇/乡/街道 suffix."""
    name = re.sub(r"[（(【\[].*?[)）】\]]", "", compact(township))
    for noise in settings().get("township_noise") or []:
        name = name.replace(noise, "")
    for suffix in sorted(settings().get("place_suffixes") or [], key=len, reverse=True):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def named_places(line: str) -> list[str]:
    """Township-like names in a line (丰登坞镇, 张庄寨镇); 乡镇/城镇/本镇 are words, not names."""
    found = []
    for match in _place_pattern().finditer(line):
        core = match.group(1)
        if core[-1] in "城乡本全各该我村" or "乡镇" in match.group(0):
            continue
        found.append(match.group(0))
    return found


def township_mismatch(facts: DocumentFacts, townships: Iterable[str]) -> list[Finding]:
    """The document names another township than its folder's (or manifest's), or its project codes
    belong to another unit than the manifest gives for it.

    Its title and unit-name lines decide: another township of this run named there is the surest sign
    of a file put in the wrong folder, and any other 镇/乡/街道 name counts when those lines do not name
    the document's own township. Without such lines, another township of this run named in full in
    its goals or project names counts when the own township is named nowhere.
    """
    if facts.manifest_unit and facts.unit_code and facts.manifest_unit != facts.unit_code:
        return [Finding({"named": f"单位编码{facts.unit_code}", "township": facts.township,
                         "line": f"manifest.csv: unit_code={facts.manifest_unit}"})]
    own = township_core(facts.township)
    if len(own) < 2:
        return []
    heading = "\n".join(facts.names)
    cores = {t: township_core(t) for t in townships}
    others = [t for t, core in cores.items() if core != own and len(core) >= 2 and core in heading]
    named = others[0] if others else next((p for line in facts.names for p in named_places(line)), None)
    if own in heading:
        return []
    if named is not None:
        line = next((line for line in facts.names if township_core(named) in line), facts.names[0])
        return [Finding({"named": named, "township": facts.township, "line": line})]
    if own in facts.body:
        return []
    named = next((t for t, core in cores.items() if core != own and t != core and t in facts.body), None)
    if named is None:
        return []
    at = facts.body.index(named)
    return [Finding({"named": named, "township": facts.township, "line": facts.body[max(0, at - 20): at + 30]})]


def superseded(facts: DocumentFacts) -> list[Finding]:
    if not facts.superseded_by:
        return []
    return [Finding({"newer": facts.superseded_by, "reason": facts.superseded_reason or ""})]


def revision_failed(facts: DocumentFacts) -> list[Finding]:
    """A township's newer file failed, or was read too thinly to replace its older one: the older still counts."""
    if not facts.replaces:
        return []
    from jixiao.analysis.labels import label

    return [Finding({"older": facts.replaces, "status": label("status", facts.status),
                     "problem": label("error_code", facts.error_code) if facts.error_code else "—",
                     "reason": facts.replaces_reason or ""})]


_UNIT_PREFIX = re.compile(r"^\d{6,}")


def _main_units(projects: list[dict]) -> dict[str, str | None]:
    """Per document, the unit part (digits before 'P') most of its codes share — more than half — else None."""
    prefixes: dict[str, Counter[str]] = defaultdict(Counter)
    for project in projects:
        match = _UNIT_PREFIX.match((project.get("project_code") or "").strip())
        prefixes[project["doc_id"]][match.group(0) if match else ""] += 1
    main = {}
    for doc, counts in prefixes.items():
        unit, n = counts.most_common(1)[0]
        main[doc] = unit if unit and n > sum(counts.values()) / 2 else None
    return main


def duplicate_project_codes(projects: list[dict], township_of: Mapping[str, str]) -> list[tuple[str, Finding]]:
    """A 项目编码 used twice in one document, or in current documents of two townships.

    Across townships the code's unit part tells whose it is: when some of the documents hold mostly
    codes of that unit, only the others are told (they copied it); otherwise every one is.
    """
    where: dict[str, list[dict]] = defaultdict(list)
    for project in projects:
        code = (project.get("project_code") or "").strip()
        if code:
            where[code].append(project)
    main_unit = _main_units(projects)
    found = []
    for code, rows in where.items():
        per_doc = Counter(r["doc_id"] for r in rows)
        townships = {township_of.get(r["doc_id"]) for r in rows}
        if max(per_doc.values()) < 2 and len(townships) < 2:
            continue
        prefix = _UNIT_PREFIX.match(code)
        owners = {d for d in per_doc if prefix and main_unit.get(d) == prefix.group(0)} if len(townships) > 1 else set()
        if owners == set(per_doc):
            owners = set()  # all of one unit (one document in two folders?): everyone is told
        for row in rows:
            doc = row["doc_id"]
            if per_doc[doc] > 1:
                tables = "、".join(str(r.get("table_no")) for r in rows if r["doc_id"] == doc)
                place = f"本文档中出现{per_doc[doc]}次（表{tables}）"
            elif doc in owners:
                continue  # the unit's own document: the others copied its code
            else:
                others = sorted({township_of.get(r["doc_id"]) or "" for r in rows} - {township_of.get(doc)})
                place = f"{'、'.join(others)}的文档也使用了该编码"
            found.append((doc, Finding({"code": code, "where": place}, project=row)))
    return found


def run_checks(inputs: CheckInputs) -> list[dict]:
    """Every rule over the current documents, plus `superseded` on the old ones and `revision_failed` on a
    failed or partial revision whose older file still counts; sorted for reading."""
    rows = [check_row("superseded", d, f) for d in inputs.documents for f in superseded(d)]
    rows += [check_row("revision_failed", d, f) for d in inputs.documents if not d.superseded_by
             for f in revision_failed(d)]
    current = [d for d in inputs.documents if not d.superseded_by and d.status != "failed"]
    # an identical older copy shares its doc_id with the current file: the current one is the doc_id's
    facts_of = {d.doc_id: d for d in inputs.documents if d.superseded_by} | {d.doc_id: d for d in current}
    district = district_year(current, inputs.year)
    townships = sorted({d.township for d in current})
    for facts in current:
        rows += [check_row("year_mismatch", facts, f) for f in year_mismatch(facts, district)]
        rows += [check_row("township_mismatch", facts, f) for f in township_mismatch(facts, townships)]
    projects = [p for p in inputs.projects if p["doc_id"] in facts_of and not facts_of[p["doc_id"]].superseded_by]
    township_of = {d.doc_id: d.township for d in current}
    rows += [check_row("duplicate_project_code", facts_of[doc], f)
             for doc, f in duplicate_project_codes(projects, township_of)]
    indicators = [i for i in inputs.indicators if i["doc_id"] in township_of]
    for doc_id, rule, finding in project_findings(projects, indicators):
        rows.append(check_row(rule, facts_of[doc_id], finding))
    rows += [check_row(rule, facts_of[doc_id], finding) for doc_id, rule, finding in inputs.tracked
             if doc_id in township_of]
    order = {s: i for i, s in enumerate(SEVERITIES)}
    rows.sort(key=lambda r: (r["township"] or "", r["source_path"], order[r["severity"]],
                             r["table_no"] or 0, r["rule"], r["name_raw"] or ""))
    return rows
