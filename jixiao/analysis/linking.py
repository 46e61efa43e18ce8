"""Project and indicator identity across documents: this 自评表's project is that 目标表's, next year's
project is last year's.

A township files one project under many spellings: with or without its year (2023年村级组织运转经费,
2023年度…, 村级组织运转经费), with 经费 for 资金, renamed a little (森林防火经费 → 森林防灭火经费), with
its 项目编码 in one document and not in the other, or with a new code. Two projects of one township are
linked, in this order, by
1. the same code and names that do not contradict it (`code`);
2. the same normalised name (`name`): without the document's own year, then without any year (the
   arrears 2023年未拨… in a 2024 form are another project than its 2024年… one);
3. the same code alone (`code`): a renamed project keeps its code;
4. the closest normalised name, unique and close enough, or close with most indicators shared (`fuzzy`).
Within a linked pair, indicators are linked by name (folded), then by vocabulary id when it is unique
on both sides. Spellings and thresholds: `project_names` and `linking` in dictionaries/tracking.yaml.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from jixiao.analysis.checks import township_core
from jixiao.dictionaries import dictionary_cache, load_dictionary, spelling_table
from jixiao.model.codes import LinkMethod
from jixiao.normalizers.text import compact, match_key

ANY_YEAR = r"(?:19|20)\d\d"


@dataclass(frozen=True)
class LinkSettings:
    year_patterns: tuple[str, ...]  # with {year} for the year
    variants: dict[str, str]  # spelling → the one it is read as
    fuzzy_name_min: float
    fuzzy_margin: float
    fuzzy_name_with_indicators: float
    indicator_overlap_min: float


@dictionary_cache
def tracking_settings() -> dict:
    """dictionaries/tracking.yaml as loaded (linking, outcomes, year folders)."""
    return load_dictionary("tracking") or {}


@dictionary_cache
def link_settings() -> LinkSettings:
    names = tracking_settings().get("project_names") or {}
    linking = tracking_settings().get("linking") or {}
    variants = spelling_table(names.get("variants") or {}, compact, "tracking.yaml project_names.variants")
    return LinkSettings(year_patterns=tuple(str(p) for p in names.get("year_patterns") or []),
                        variants={k: v for k, v in variants.items() if k != v},
                        fuzzy_name_min=float(linking.get("fuzzy_name_min", 0.8)),
                        fuzzy_margin=float(linking.get("fuzzy_margin", 0.05)),
                        fuzzy_name_with_indicators=float(linking.get("fuzzy_name_with_indicators", 0.5)),
                        indicator_overlap_min=float(linking.get("indicator_overlap_min", 0.5)))


@dictionary_cache(maxsize=256)
def _year_patterns(year: int | None) -> tuple[re.Pattern[str], ...]:
    shown = ANY_YEAR if year is None else str(year)
    return tuple(re.compile(p.replace("{year}", shown)) for p in link_settings().year_patterns)


@dictionary_cache(maxsize=65536)
def project_name_key(name: str | None, township: str = "", year: int | None = None) -> str:
    """农村饮水工程维修养护资金 for 青龙湾镇2024年度农村饮水工程维修养护经费: no township, no year (only
    `year` when given), one spelling of each variant word."""
    text = compact(name or "")
    cfg = link_settings()
    for own in sorted({compact(township), township_core(township)} - {""}, key=len, reverse=True):
        if len(own) >= 2 and text.startswith(own) and len(text) > len(own) + 1:
            text = text[len(own):]
            break
    for pattern in _year_patterns(year):
        text = pattern.sub("", text)
    for spelling in sorted(cfg.variants, key=len, reverse=True):
        if spelling in text:
            text = text.replace(spelling, cfg.variants[spelling])
    return text


def indicator_key(name: str | None) -> str:
    """An indicator name folded for comparison: width, brackets, punctuation and spaces do not count."""
    return match_key(name or "")


def code_key(code: str | None) -> str:
    return compact(code or "").upper()


@dataclass
class ProjectFiling:
    """One project as one document files it, with the indicator rows filed under it."""

    doc_id: str
    township: str
    year: int | None
    project_code: str | None
    project_name: str | None
    rows: list[dict] = field(default_factory=list)

    @property
    def name_key(self) -> str:
        """The name without the filing's own year."""
        return project_name_key(self.project_name, self.township, self.year)

    @property
    def loose_key(self) -> str:
        """The name without any year."""
        return project_name_key(self.project_name, self.township)

    @property
    def indicator_keys(self) -> frozenset[str]:
        return frozenset(indicator_key(r.get("name_raw")) for r in self.rows)


def project_filings(rows: Sequence[dict], year_of: dict[str, int | None]) -> list[ProjectFiling]:
    """Indicator table rows grouped by document and project (code and name), in first-seen order;
    rows with neither a project code nor a name (paragraph targets) belong to no project."""
    filings: dict[tuple[str, str, str], ProjectFiling] = {}
    for row in rows:
        code, name = row.get("project_code") or None, row.get("project_name") or None
        if row.get("source") not in (None, "table") or (code is None and name is None):
            continue
        key = (row["doc_id"], code_key(code), compact(name or ""))
        if key not in filings:
            filings[key] = ProjectFiling(row["doc_id"], row.get("township") or "", year_of.get(row["doc_id"]),
                                         code, name)
        filings[key].rows.append(row)
    return list(filings.values())


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _similarity(a: ProjectFiling, b: ProjectFiling) -> float:
    if not a.loose_key or not b.loose_key:
        return 0.0
    return fuzz.ratio(a.loose_key, b.loose_key) / 100


def link_projects(earlier: Sequence[ProjectFiling], later: Sequence[ProjectFiling]) -> dict[int, tuple[int, LinkMethod]]:
    """{index in `later`: (index in `earlier`, how)} — each project linked at most once on each side."""
    cfg = link_settings()
    links: dict[int, tuple[int, LinkMethod]] = {}
    taken: set[int] = set()

    def stage(method: LinkMethod, fits) -> None:
        for j, b in enumerate(later):
            if j in links:
                continue
            i = next((i for i, a in enumerate(earlier) if i not in taken and fits(a, b)), None)
            if i is not None:
                links[j] = (i, method)
                taken.add(i)

    def same_code(a: ProjectFiling, b: ProjectFiling) -> bool:
        return bool(code_key(a.project_code)) and code_key(a.project_code) == code_key(b.project_code)

    def names_agree(a: ProjectFiling, b: ProjectFiling) -> bool:
        return (not a.name_key or not b.name_key or _similarity(a, b) >= cfg.fuzzy_name_with_indicators
                or _overlap(a.indicator_keys, b.indicator_keys) >= cfg.indicator_overlap_min)

    stage("code", lambda a, b: same_code(a, b) and names_agree(a, b))
    stage("name", lambda a, b: bool(a.name_key) and a.name_key == b.name_key)
    stage("name", lambda a, b: bool(a.loose_key) and a.loose_key == b.loose_key)
    stage("code", same_code)
    _fuzzy_stage(earlier, later, links, taken, cfg)
    return links


def _fuzzy_stage(earlier: Sequence[ProjectFiling], later: Sequence[ProjectFiling],
                 links: dict[int, tuple[int, LinkMethod]], taken: set[int], cfg: LinkSettings) -> None:
    """Closest names first; a pair counts when its name is close enough (or close, with most indicators
    shared) and no other candidate of either project comes within the margin."""
    scored = []
    for j, b in enumerate(later):
        for i, a in enumerate(earlier):
            if j in links or i in taken:
                continue
            name = _similarity(a, b)
            shared = _overlap(a.indicator_keys, b.indicator_keys)
            if name >= cfg.fuzzy_name_min or (name >= cfg.fuzzy_name_with_indicators and shared >= cfg.indicator_overlap_min):
                scored.append((name + shared, i, j))
    scored.sort(key=lambda s: -s[0])
    for score, i, j in scored:
        if i in taken or j in links:
            continue
        rivals = [s for s, i2, j2 in scored if (i2 == i) != (j2 == j) and i2 not in taken and j2 not in links]
        if any(score - s < cfg.fuzzy_margin for s in rivals):
            continue
        links[j] = (i, "fuzzy")
        taken.add(i)


def link_indicators(earlier: Sequence[dict], later: Sequence[dict]) -> list[tuple[dict | None, dict | None]]:
    """Pairs (earlier row, later row) of one project's indicators, by folded name, then by a vocabulary id
    unique on both sides; rows of one side alone are paired with None (later rows first, in order)."""
    pairs: dict[int, int] = {}  # later index → earlier index
    taken: set[int] = set()
    by_name: dict[str, list[int]] = {}
    for i, row in enumerate(earlier):
        by_name.setdefault(indicator_key(row.get("name_raw")), []).append(i)
    for j, row in enumerate(later):
        free = [i for i in by_name.get(indicator_key(row.get("name_raw")), []) if i not in taken]
        if free:
            pairs[j] = free[0]
            taken.add(free[0])
    left = Counter(r.get("indicator_id") for i, r in enumerate(earlier) if i not in taken)
    right = Counter(r.get("indicator_id") for j, r in enumerate(later) if j not in pairs)
    for j, row in enumerate(later):
        ident = row.get("indicator_id")
        if j in pairs or not ident or left[ident] != 1 or right[ident] != 1:
            continue
        i = next(i for i, r in enumerate(earlier) if i not in taken and r.get("indicator_id") == ident)
        pairs[j] = i
        taken.add(i)
    out: list[tuple[dict | None, dict | None]] = [(earlier[pairs[j]] if j in pairs else None, row)
                                                   for j, row in enumerate(later)]
    out += [(row, None) for i, row in enumerate(earlier) if i not in taken]
    return out
