"""Repeated and boilerplate targets: texts copied between townships, documents or a unit's own projects.

Clerks fill 绩效目标 forms by copying: a neighbour's 绩效指标描述, last year's 目标内容, the
same 保障措施 in every township. Such copies are found at three levels:

- indicator: a whole indicator row (三级指标 + 描述 + 指标值, equal only) and the 绩效指标描述 alone;
- goal: every goal paragraph (总体目标, 分项 绩效目标 and 绩效指标 sentence, 保障措施, 目标内容);
- project: a project's set of indicator names, and (given the projects table) its 项目资金用途.

Texts are compared after `match_key` (width folded, no whitespace or punctuation). Equal keys
are exact copies. Near copies are candidate pairs from MinHash LSH (character bigrams for
texts, names for indicator sets), kept when rapidfuzz's ratio reaches NEAR_RATIO (sets: when
their Jaccard reaches SET_JACCARD); a group is a connected component of kept pairs. No step
compares all pairs.
"""

from __future__ import annotations

import hashlib
import zlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import numpy as np
import pyarrow as pa
from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from jixiao.analysis.union_find import UnionFind
from jixiao.normalizers.text import match_key

# Shorter keys (完成率, 满意度) are shared by design of the form, not copied; 6 characters is
# the shortest 描述 that says something of its own ("预算资金完成率").
MIN_KEY_CHARS = 6
# One edit in ten characters: a typo, an added 的, another number ("大于等于90" / "大于等于95").
# Two changed characters in a 10–20 character 描述 usually change its meaning
# (购买办公用品的合格率 / 购买办公用品的及时率 scores 80) and stay apart.
NEAR_RATIO = 90.0
# Below 20 characters in both keys together, ratio 90 allows a single inserted or dropped
# character, which can leave a bigram Jaccard of only 0.5 (人均培训成本 / 人培训成本);
# such keys are also indexed by their one-deletion variants, which finds every such pair.
SHORT_KEY_CHARS = 12
# Indicator sets: a project table has 6–12 rows; fewer than 4 names is a skeleton any two
# projects share. Near-identical = at most one name in ten added, dropped or renamed.
MIN_SET_NAMES = 4
SET_JACCARD = 0.8
# At ratio 90, edits leave a bigram Jaccard of 0.5–0.7 (three edits in fifteen characters:
# 0.5). 40 bands of 3 MinHash values find a pair at Jaccard 0.5 with probability 0.995, at 0.6
# with 0.9999; a pair at 0.2 is a candidate with probability 0.28 and costs one comparison.
BANDS = 40
ROWS_PER_BAND = 3
SEED = 1
SIGNATURE_CHUNK = 128
SET_SEPARATOR = "|"

INDICATOR_COLUMNS = ("doc_id", "township", "project_code", "name_raw", "description", "value_raw", "item_seq")
GOAL_COLUMNS = ("doc_id", "township", "kind", "seq", "goal_text", "indicator_text", "project_code")
PROJECT_COLUMNS = ("doc_id", "township", "project_code", "table_no", "purpose")


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One text where it was written; `origin` is the form it sits in (a project, an item, a measure)."""

    level: str
    kind: str
    doc_id: str
    township: str | None
    project_code: str | None
    text: str
    origin: tuple
    indicator_row: int | None = None  # index into the indicators table, for boilerplate shares
    key: str | None = None  # when not match_key(text) (indicator sets)


@dataclass(frozen=True)
class Family:
    """Texts compared with one another, and how: equal keys only, near texts, or near sets."""

    name: str
    occurrences: list[Occurrence]
    match: Literal["exact", "text", "set"] = "text"


@dataclass
class DuplicateResult:
    """Rows of the `duplicates` table and, per document, the share of its indicator rows that are boilerplate."""

    rows: list[dict] = field(default_factory=list)
    boilerplate_share: dict[str, float] = field(default_factory=dict)


def find_duplicates(indicators: pa.Table, goals: pa.Table, min_townships: int = 1, *,
                    projects: pa.Table | None = None, boilerplate_other_townships: int = 1) -> DuplicateResult:
    """Groups of repeated texts over the whole district, and each document's boilerplate share.

    A group is kept when its members sit in at least two forms (documents, or projects/items of
    one document) and span at least `min_townships` townships. An indicator row is boilerplate
    when its 描述 or its whole row is shared with at least `boilerplate_other_townships` other
    townships.
    """
    indicator_rows = _rows(indicators, INDICATOR_COLUMNS)
    families = [
        _indicator_rows(indicator_rows),
        _indicator_descriptions(indicator_rows),
        _goal_texts(_rows(goals, GOAL_COLUMNS)),
        _indicator_sets(indicator_rows),
    ]
    if projects is not None:
        families.append(_purposes(_rows(projects, PROJECT_COLUMNS)))
    rows: list[dict] = []
    boilerplate: set[int] = set()
    for family in families:
        for spellings in _groups(family):
            members = [m for ms in spellings.values() for m in ms]
            n_townships = len({_town(m) for m in members})
            if n_townships - 1 >= boilerplate_other_townships:
                boilerplate.update(m.indicator_row for m in members if m.indicator_row is not None)
            if len({m.origin for m in members}) >= 2 and n_townships >= min_townships:
                rows.extend(_group_rows(family, spellings, n_townships))
    return DuplicateResult(rows=rows, boilerplate_share=_shares(indicator_rows, boilerplate))


# ----------------------------------------------------------------------------- what is compared


def _rows(table: pa.Table, columns: Sequence[str]) -> list[dict]:
    """The columns this module reads, as dicts (the whole 34-column indicators table would cost memory for nothing)."""
    return table.select([c for c in columns if c in table.column_names]).to_pylist()


def _indicator_rows(rows: list[dict]) -> Family:
    """Whole rows: the same indicator, 描述 and target. Equal only: a near-equal row is most often
    the same 描述 with another target (≥95% / ≤60%), which the 描述 family already groups."""
    return Family("indicator-row", [
        _indicator_occurrence(i, r, "row", "｜".join(filter(None, (r.get("name_raw"), r.get("description"),
                                                                    r.get("value_raw")))))
        for i, r in enumerate(rows)
    ], match="exact")


def _indicator_descriptions(rows: list[dict]) -> Family:
    """绩效指标描述 alone: copied even when the indicator is renamed or its target changed."""
    return Family("indicator-description", [
        _indicator_occurrence(i, r, "description", r["description"]) for i, r in enumerate(rows) if r.get("description")
    ])


def _indicator_occurrence(index: int, row: dict, kind: str, text: str) -> Occurrence:
    # Paragraph indicators have no project; the 分项 they come from is their form.
    origin = (row["doc_id"], row.get("project_code") or ("item", row.get("item_seq")))
    return Occurrence("indicator", kind, row["doc_id"], row.get("township"), row.get("project_code"), text,
                      origin, indicator_row=index)


def _goal_texts(rows: list[dict]) -> Family:
    """Every goal paragraph; one pool, so a 目标内容 copied into a 分项 is found too."""
    found: list[Occurrence] = []
    for r in rows:
        origin = (r["doc_id"], r.get("project_code") or (r.get("kind"), r.get("seq")))
        texts = [(r.get("kind"), r.get("goal_text")), (f"{r.get('kind')}_indicator", r.get("indicator_text"))]
        found.extend(Occurrence("goal", kind, r["doc_id"], r.get("township"), r.get("project_code"), text, origin)
                     for kind, text in texts if text)
    return Family("goal", found)


def _indicator_sets(rows: list[dict]) -> Family:
    """Each project's indicator names: a project copied under another name or for another year."""
    names: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)  # project -> key -> name as written
    township: dict[tuple[str, str], str | None] = {}
    for r in rows:
        if r.get("project_code") and r.get("name_raw"):
            project = (r["doc_id"], r["project_code"])
            names[project].setdefault(match_key(r["name_raw"]), r["name_raw"])
            township[project] = r.get("township")
    return Family("project-indicator-set", [
        Occurrence("project", "indicator_set", doc_id, township[(doc_id, code)], code,
                   "、".join(by_key[k] for k in sorted(by_key)), (doc_id, code),
                   key=SET_SEPARATOR.join(sorted(by_key)))
        for (doc_id, code), by_key in names.items() if len(by_key) >= MIN_SET_NAMES
    ], match="set")


def _purposes(rows: list[dict]) -> Family:
    """项目资金用途 of each project table."""
    return Family("project-purpose", [
        Occurrence("project", "purpose", r["doc_id"], r.get("township"), r.get("project_code"), r["purpose"],
                   (r["doc_id"], r.get("project_code") or r.get("table_no")))
        for r in rows if r.get("purpose")
    ])


# ----------------------------------------------------------------------------- grouping


def _groups(family: Family) -> list[dict[str, list[Occurrence]]]:
    """Occurrences whose keys are equal or near: per group, key -> its occurrences."""
    by_key: dict[str, list[Occurrence]] = defaultdict(list)
    key_of: dict[str, str] = {}  # texts repeat: fold each once
    for occurrence in family.occurrences:
        key = occurrence.key or key_of.get(occurrence.text)
        if key is None:
            key = key_of[occurrence.text] = match_key(occurrence.text)
        if occurrence.key or len(key) >= MIN_KEY_CHARS:
            by_key[key].append(occurrence)
    keys = sorted(by_key)
    roots = range(len(keys)) if family.match == "exact" else cluster_keys(keys, MEASURES[family.match])
    components: dict[int, dict[str, list[Occurrence]]] = defaultdict(dict)
    for key, root in zip(keys, roots):
        components[root][key] = by_key[key]
    return [group for group in components.values() if sum(map(len, group.values())) >= 2]


@dataclass(frozen=True)
class Measure:
    """How near two keys are: `distance` is a metric, and two keys are near when their
    distance is at most the sum of their `half_radius`."""

    shingles: Callable[[str], list[str]]
    distance: Callable[[str, str], float]
    half_radius: Callable[[str], float]
    index_one_edit: bool  # also find short keys one edit apart through their one-deletion variants


def cluster_keys(keys: Sequence[str], measure: Measure) -> list[int]:
    """For each key, its component's root: near pairs joined transitively.

    Candidates come from MinHash LSH (and, for short texts, from one-deletion variants). Only
    *leaders* enter the LSH index: a key near a leader becomes its follower, so a text copied
    with small edits a thousand times is indexed once and a look-up costs the number of
    different texts it resembles, not the number of copies. A leader's followers are still
    compared when the triangle inequality says one of them could be near.
    """
    components = UnionFind(len(keys))
    radius = [measure.half_radius(k) for k in keys]

    def join_if_near(i: int, j: int) -> None:
        if components.root(i) != components.root(j) and \
                measure.distance(keys[i], keys[j]) <= radius[i] + radius[j]:
            components.join(i, j)

    buckets: list[dict[int, list[int]]] = [defaultdict(list) for _ in range(BANDS)]
    by_deletion: dict[str, list[int]] = defaultdict(list)
    followers: dict[int, list[int]] = defaultdict(list)
    reach: dict[int, float] = defaultdict(float)  # leader -> max over its followers of distance + half radius
    for i, (key, band_hashes) in enumerate(zip(keys, _band_hashes([measure.shingles(k) for k in keys]))):
        deletions = _deletions(key) if measure.index_one_edit and len(key) <= SHORT_KEY_CHARS else set()
        for j in set().union(*(by_deletion[d] for d in deletions)):
            join_if_near(i, j)
        leader_of_i, distance_to_leader = None, 0.0
        for f in sorted(set().union(*(bucket.get(h, ()) for bucket, h in zip(buckets, band_hashes)))):
            joined = components.root(f) == components.root(i)
            if joined and leader_of_i is not None:
                continue
            distance = measure.distance(key, keys[f])
            if distance <= radius[i] + radius[f]:
                components.join(i, f)
                if leader_of_i is None:
                    leader_of_i, distance_to_leader = f, distance
            elif not joined and distance <= radius[i] + reach[f]:
                for y in followers[f]:
                    join_if_near(i, y)
        if leader_of_i is None:
            for bucket, h in zip(buckets, band_hashes):
                bucket[h].append(i)
        else:
            followers[leader_of_i].append(i)
            reach[leader_of_i] = max(reach[leader_of_i], distance_to_leader + radius[i])
        for d in deletions:
            by_deletion[d].append(i)
    return components.roots()


def _band_hashes(shingles: list[list[str]]) -> list[list[int]]:
    """Per shingle list, BANDS hashes of ROWS_PER_BAND MinHash values each.

    Computed in numpy for all lists at once: a per-object MinHash (datasketch) costs about
    0.2 ms per text, most of the run time at a district's size.
    """
    rng = np.random.default_rng(SEED)
    a, b = (np.frombuffer(rng.bytes(8 * BANDS * ROWS_PER_BAND), dtype=np.uint64) for _ in range(2))
    mix = np.frombuffer(rng.bytes(8 * ROWS_PER_BAND), dtype=np.uint64) | np.uint64(1)
    base: dict[str, int] = {}
    hashes = [[base.setdefault(s, zlib.crc32(s.encode())) for s in shingle_list] for shingle_list in shingles]
    result: list[list[int]] = []
    for start in range(0, len(hashes), SIGNATURE_CHUNK):
        chunk = hashes[start:start + SIGNATURE_CHUNK]
        flat = np.fromiter((h for hs in chunk for h in hs), dtype=np.uint64)
        offsets = np.cumsum([0] + [len(hs) for hs in chunk[:-1]])
        # multiply-add-shift: the high 32 bits of (a·x + b) mod 2^64, a and b random 64-bit numbers,
        # hash 32-bit x 2-independently (with small a the order of the x would barely change)
        values = (flat[:, None] * a[None, :] + b[None, :]) >> np.uint64(32)
        signature = np.minimum.reduceat(values, offsets, axis=0).reshape(len(chunk), BANDS, ROWS_PER_BAND)
        result.extend((signature * mix).sum(axis=2, dtype=np.uint64).tolist())
    return result


def _deletions(key: str) -> set[str]:
    """The key and every string one character shorter: two keys within one edit share one of them."""
    return {key, *(key[:i] + key[i + 1:] for i in range(len(key)))}


def _bigrams(key: str) -> list[str]:
    """Character bigrams: a one-character change in a ten-character 描述 keeps 7 of 11 (trigrams: 5 of 11)."""
    return [key[i:i + 2] for i in range(len(key) - 1)]


@lru_cache(maxsize=2**16)
def _names(key: str) -> frozenset[str]:
    return frozenset(key.split(SET_SEPARATOR))


def _jaccard_distance(a: str, b: str) -> float:
    """1 − Jaccard of two name sets (a metric)."""
    x, y = _names(a), _names(b)
    shared = len(x & y)
    return 1 - shared / (len(x) + len(y) - shared)


MEASURES = {
    # Indel distance d: fuzz.ratio = 100·(1 − d / (len a + len b)), so ratio ≥ NEAR_RATIO is
    # d ≤ (100 − NEAR_RATIO)/100 · len a + (100 − NEAR_RATIO)/100 · len b.
    "text": Measure(shingles=_bigrams, distance=Indel.distance,
                    half_radius=lambda key: (100 - NEAR_RATIO) / 100 * len(key), index_one_edit=True),
    "set": Measure(shingles=lambda key: key.split(SET_SEPARATOR), distance=_jaccard_distance,
                   half_radius=lambda key: (1 - SET_JACCARD) / 2, index_one_edit=False),
}


# ----------------------------------------------------------------------------- output


def _group_rows(family: Family, spellings: dict[str, list[Occurrence]], n_townships: int) -> list[dict]:
    """Contract rows of one group, its most repeated spelling first; the id is a hash of its spellings."""
    order = sorted(spellings, key=lambda k: (-len(spellings[k]), k))
    first = order[0]
    digest = hashlib.blake2b("\n".join([family.name, *order]).encode(), digest_size=6).hexdigest()
    n_members = sum(map(len, spellings.values()))
    rows = []
    for key in order:
        similarity = _similarity(family, key, first)
        for m in sorted(spellings[key], key=lambda m: (m.township or "", m.doc_id, m.project_code or "", m.kind,
                                                       m.text)):
            rows.append({"group_id": f"D{digest}", "level": m.level, "doc_id": m.doc_id, "township": m.township,
                         "project_code": m.project_code, "text": m.text, "similarity": similarity,
                         "n_townships": n_townships, "kind": m.kind, "n_members": n_members})
    return rows


def _similarity(family: Family, key: str, first: str) -> float:
    """0–1 likeness to the group's first member, by the measure the family was grouped with."""
    if family.match == "set":
        return round(1 - _jaccard_distance(key, first), 4)
    return round(fuzz.ratio(key, first) / 100, 4)


def _town(occurrence: Occurrence) -> str:
    """The township, or the document when the township is unknown (never merged with another)."""
    return occurrence.township or f"doc:{occurrence.doc_id}"


def _shares(rows: list[dict], boilerplate: set[int]) -> dict[str, float]:
    """Per document: boilerplate rows / indicator rows."""
    total: dict[str, int] = defaultdict(int)
    shared: dict[str, int] = defaultdict(int)
    for r in rows:
        total[r["doc_id"]] += 1
    for i in boilerplate:
        shared[rows[i]["doc_id"]] += 1
    return {doc_id: shared[doc_id] / n for doc_id, n in sorted(total.items())}
