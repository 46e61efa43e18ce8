"""Resubmissions: which file of a township is the current version of its submission.

A township that sends `目标（修改）.txt` beside `目标.txt` sends one submission twice; counting both
doubles its budget. Two read files of one township are versions of one submission when they share
most project codes or most indicator and goal texts (a name that marks a revision — 修订稿, 更正,
v2 — lowers the bar). The newer one is decided, in this order, by: the manifest (`current`,
`supersedes`), the revision word in the name, a version number, dates in both names, then — for the
same content twice (real_01.docx / real_01.pdf, a scan of the Word file) — the richer read, else the
later mtime.
The older file keeps its rows, marked by `documents.superseded_by`; views and totals skip it.
Words and thresholds: `resubmission` in dictionaries/checks.yaml.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePosixPath

from jixiao.analysis.check_rules import settings
from jixiao.normalizers.text import compact


@dataclass(frozen=True)
class Submission:
    """One read file as resubmission detection sees it."""

    doc_id: str
    township: str
    source_path: str
    format: str | None = None
    mtime: float = 0.0
    n_rows: int = 0  # projects + indicators + goals read from it
    codes: frozenset[str] = frozenset()
    texts: frozenset[str] = frozenset()  # indicator and goal texts, compacted
    budgets: frozenset[str] = frozenset()  # "project code or name|budget_wan" of its projects
    current: bool | None = None  # manifest: yes / no
    supersedes: str | None = None  # manifest: source_path of the file this one replaces
    year: int | None = None  # the year it was filed under (manifest or year folder)
    text_year: int | None = None  # the year the document gives, when it was filed under none
    self_evaluation: bool = False  # a 自评表 (reports results), not a target form


@dataclass(frozen=True)
class Supersession:
    older: str  # doc_id
    newer: str  # doc_id
    newer_path: str
    reason: str  # Chinese, for the check's message


@dataclass
class _Settings:
    words: list[str]
    versions: list[re.Pattern[str]]
    min_code: float
    min_text: float
    min_code_revision: float
    min_text_revision: float
    same_content: float = 0.9
    formats: list[str] = field(default_factory=list)


def _settings() -> _Settings:
    spec = settings().get("resubmission") or {}
    return _Settings(words=list(spec.get("revision_words") or []),
                     versions=[re.compile(p) for p in spec.get("version_patterns") or []],
                     min_code=float(spec.get("min_code_overlap", 0.5)), min_text=float(spec.get("min_text_overlap", 0.6)),
                     min_code_revision=float(spec.get("min_code_overlap_revision", 0.2)),
                     min_text_revision=float(spec.get("min_text_overlap_revision", 0.3)),
                     same_content=float(spec.get("same_content_overlap", 0.9)),
                     formats=list(spec.get("format_preference") or []))


def _stem(path: str) -> str:
    return PurePosixPath(path).stem


def revision_rank(path: str, words: list[str]) -> int:
    """0 for a plain name; else 1 + the position of the strongest revision word in the name."""
    stem = compact(_stem(path))
    return max((i + 1 for i, w in enumerate(words) if w in stem), default=0)


def version_number(path: str, patterns: list[re.Pattern[str]]) -> int:
    stem = _stem(path)
    for pattern in patterns:
        match = pattern.search(stem)
        if match:
            return int(match.group(1))
    return 0


_DATES = [re.compile(r"(20\d\d)[-._年/]?(\d{1,2})[-._月/]?(\d{1,2})日?(?!\d)"), re.compile(r"(?<!\d)(\d{1,2})月(\d{1,2})日")]


def name_date(path: str) -> date | None:
    """A full date in the file name (20240116, 2024-01-16, 2024年1月16日, 1月16日); a year alone is none."""
    stem = _stem(path)
    for pattern in _DATES:
        for match in pattern.finditer(stem):
            parts = [int(g) for g in match.groups()]
            year, month, day = parts if len(parts) == 3 else (2000, *parts)
            try:
                return date(year, month, day)
            except ValueError:
                continue
    return None


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared share of the smaller set (a revision adds or drops a few items)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def same_submission(a: Submission, b: Submission, cfg: _Settings) -> bool:
    """Two files are one submission when they share most codes or texts; never a 自评表 and a target
    form (the self-evaluation restates the targets), nor documents filed under two years, nor two whose
    texts give two years (unless a name marks a revision: it may be the year the revision corrects)."""
    if a.self_evaluation != b.self_evaluation or None not in (a.year, b.year) and a.year != b.year:
        return False
    revised = revision_rank(a.source_path, cfg.words) != revision_rank(b.source_path, cfg.words) or \
        version_number(a.source_path, cfg.versions) != version_number(b.source_path, cfg.versions)
    if not revised and None not in (a.text_year, b.text_year) and a.text_year != b.text_year:
        return False
    min_code = cfg.min_code_revision if revised else cfg.min_code
    min_text = cfg.min_text_revision if revised else cfg.min_text
    return overlap(a.codes, b.codes) >= min_code or overlap(a.texts, b.texts) >= min_text


def newer_by_name(a: Submission, b: Submission, cfg: _Settings | None = None) -> tuple[Submission, str] | None:
    """The newer of two files by their names alone (revision word, version, dates in both), else None."""
    cfg = cfg or _settings()
    for key, reason in ((lambda s: revision_rank(s.source_path, cfg.words), "文件名标明为修改版"),
                        (lambda s: version_number(s.source_path, cfg.versions), "文件名的版本号更高")):
        if key(a) != key(b):
            return (a, reason) if key(a) > key(b) else (b, reason)
    dates = name_date(a.source_path), name_date(b.source_path)
    if None not in dates and dates[0] != dates[1]:  # one dated name alone (a scan app's) says nothing
        return (a, "文件名中的日期更晚") if dates[0] > dates[1] else (b, "文件名中的日期更晚")
    return None


def newer(a: Submission, b: Submission, cfg: _Settings) -> tuple[Submission, str]:
    """The newer of two versions of one submission, and why (Chinese, for the check's message)."""
    if a.supersedes == b.source_path or b.current is False and a.current is not False:
        return a, "manifest.csv指定"
    if b.supersedes == a.source_path or a.current is False and b.current is not False:
        return b, "manifest.csv指定"
    by_name = newer_by_name(a, b, cfg)
    if by_name is not None:
        return by_name
    if _stem(a.source_path) == _stem(b.source_path) or overlap(a.texts, b.texts) >= cfg.same_content:
        # the same submission twice (another format, a scan of the Word file): keep the better read
        rank = {f: -i for i, f in enumerate(cfg.formats)}
        richer = max((a, b), key=lambda s: (s.n_rows, rank.get(s.format or "", -len(rank)), s.source_path))
        kept = f"保留{'读出内容更完整的' if a.n_rows != b.n_rows else ''}{richer.format or '该'}格式的一份"
        differing = differences(a, b)
        if differing:
            return richer, f"同一份文件的另一种格式或副本，但{differing}不同，{kept}；请核对哪一份是最终版"
        if a.n_rows != b.n_rows:
            return richer, "同一份文件的另一种格式或副本，读出的内容更完整"
        return richer, f"同一份文件的另一种格式或副本，内容相同，{kept}"
    if a.mtime != b.mtime:
        return (a, "文件修改时间更晚") if a.mtime > b.mtime else (b, "文件修改时间更晚")
    richer = max((a, b), key=lambda s: (s.n_rows, s.source_path))
    return richer, "无法判断先后，保留读出内容更多的一份"


def differences(a: Submission, b: Submission) -> str:
    """What two versions hold differently, for a person: 预算数、2个指标值、1个指标 ('' when nothing does)."""
    def values(s: Submission) -> dict[str, str]:
        return dict(t.split("|", 1) for t in s.texts if "|" in t)

    va, vb = values(a), values(b)
    changed = sum(1 for name in va.keys() & vb.keys() if va[name] != vb[name])
    parts = ["预算数"] if a.budgets and b.budgets and a.budgets != b.budgets else []
    parts += [f"{changed}个指标值"] if changed else []
    parts += [f"{len(va.keys() ^ vb.keys())}个指标"] if va.keys() ^ vb.keys() else []
    goals = {t for t in a.texts ^ b.texts if "|" not in t}
    parts += ["目标文字"] if goals else []
    return "、".join(parts)


def find_resubmissions(submissions: Iterable[Submission]) -> dict[str, Supersession]:
    """Older doc_id → its supersession, for every township with several versions of one submission."""
    cfg = _settings()
    by_township: dict[str, list[Submission]] = defaultdict(list)
    for s in submissions:
        by_township[s.township].append(s)
    result: dict[str, Supersession] = {}
    for group in by_township.values():
        by_path = {s.source_path: s for s in group}
        for s in group:  # the manifest's `supersedes` holds whatever the contents say
            old = by_path.get(s.supersedes or "")
            if old is not None and old is not s:
                result[old.doc_id] = Supersession(old.doc_id, s.doc_id, s.source_path, "manifest.csv指定")
        for component in _components(group, cfg):
            current = component[0]
            reasons = {}
            for other in component[1:]:
                winner, reason = newer(current, other, cfg)
                if winner is not current:
                    reasons[current.doc_id] = reason
                    current = winner
                else:
                    reasons[other.doc_id] = reason
            for s in component:
                if s is not current and s.doc_id not in result and s.current is not True:
                    result[s.doc_id] = Supersession(s.doc_id, current.doc_id, current.source_path,
                                                    reasons.get(s.doc_id) or newer(current, s, cfg)[1])
    return result


def base_name(path: str, cfg: _Settings | None = None) -> str:
    """The name without its revision marks: 目标（修订稿）2024-01-16.docx and 目标.pdf are both 目标."""
    cfg = cfg or _settings()
    stem = compact(_stem(path))
    for pattern in (*cfg.versions, *_DATES):
        stem = pattern.sub("", stem)
    for word in sorted(cfg.words, key=len, reverse=True):
        stem = stem.replace(word, "")
    return re.sub(r"[\W_]+", "", stem)


def replaced_by_failed(newer_file: Submission, counted: Iterable[Submission], failed: bool) -> tuple[Submission, str] | None:
    """The counted file of its township that `newer_file` — `failed`, or read too thinly to be matched
    with it (partial) — was meant to replace, and why it is the newer one: the manifest, else its name
    marking a revision of a file of the same name (目标.docx → 目标（修订稿）.docx); a failed revision
    beside a township's only counted file replaces that one. None when it names no revision."""
    cfg = _settings()
    others = sorted((s for s in counted if s.township == newer_file.township and s.doc_id != newer_file.doc_id),
                    key=lambda s: s.source_path)
    for other in others:
        if newer_file.supersedes == other.source_path or other.current is False and newer_file.current is not False:
            return other, "manifest.csv指定"
    for other in others:
        by_name = newer_by_name(newer_file, other, cfg)
        same_name = base_name(newer_file.source_path, cfg) == base_name(other.source_path, cfg)
        if by_name is not None and by_name[0] is newer_file and (same_name or failed and len(others) == 1):
            return other, by_name[1]
    return None


def _components(group: list[Submission], cfg: _Settings) -> list[list[Submission]]:
    """Files of one township linked by `same_submission`, in path order; singletons dropped."""
    group = sorted(group, key=lambda s: s.source_path)
    parent = list(range(len(group)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(group)):
        for j in range(i + 1, len(group)):
            if group[i].doc_id != group[j].doc_id and same_submission(group[i], group[j], cfg):
                parent[root(j)] = root(i)
    members: dict[int, list[Submission]] = defaultdict(list)
    for i, s in enumerate(group):
        members[root(i)].append(s)
    return [m for m in members.values() if len(m) > 1]
