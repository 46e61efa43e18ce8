"""What a person should look at after a run, and vocabulary entries they can paste.

The vocabulary grows from review: names the matcher could not place (method "new") and weak fuzzy
matches go to output/review.csv with their best candidates; `suggest_vocabulary` groups the
unplaced names of the whole dataset into proposed indicators.yaml entries, so ten spellings of
one new indicator become one entry with nine synonyms instead of ten NEW- ids.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import yaml

from jixiao.analysis.union_find import UnionFind
from jixiao.dictionaries import load_dictionary
from jixiao.normalizers.units import normalize_unit
from jixiao.normalizers.vocabulary import IndicatorMatch, IndicatorVocabulary, name_similarity, normalize_name

_ID_NUMBER = re.compile(r"^IND-(\d+)$")
_SIMILARITY_ROWS = 2048  # rows of the pairwise matrix computed at once (bounds memory)


def format_candidates(candidates: Sequence[tuple[str, str, float]]) -> str:
    """"IND-0005 巡查次数 85.9; IND-0006 检查次数 85.9": one CSV cell a reviewer can read."""
    return "; ".join(f"{ident} {name} {score:g}" for ident, name, score in candidates)


def review_rows(rows: Sequence[Mapping[str, Any]], matches: Sequence[IndicatorMatch],
                vocabulary: IndicatorVocabulary) -> list[dict[str, Any]]:
    """Rows whose match needs a look (new, or fuzzy below review_below), whose text OCR read with a
    confidence below ocr.yaml's review_below, or whose table's columns were not all named by the header
    vocabulary (their roles found by words or content), with their candidates.

    `rows` are the indicator rows the names came from (doc_id, township, name_raw, …): their
    fields are kept, and the match fields and a `reason` are added.
    """
    if len(rows) != len(matches):
        raise ValueError("rows and matches must have the same length")
    ocr_review_below = float(load_dictionary("ocr")["review_below"])
    out: list[dict[str, Any]] = []
    for row, match in zip(rows, matches):
        confidence = row.get("confidence")
        unsure = confidence is not None and confidence < ocr_review_below
        inferred = row.get("columns_inferred")
        if not vocabulary.needs_review(match) and not unsure and not inferred:
            continue
        reasons = ["not in the vocabulary" if match.method == "new" else "weak fuzzy match"] \
            if vocabulary.needs_review(match) else []
        if unsure:
            reasons.append(f"low OCR confidence ({confidence:.2f}): check the text against the scan")
        if inferred:
            reasons.append(f"columns read by their words or cells, not a known header: {inferred}")
        reason = "; ".join(reasons)
        out.append({**row, "indicator_id": match.indicator_id, "indicator": match.indicator,
                    "match_score": match.score, "match_method": match.method,
                    "candidates": format_candidates(match.candidates), "reason": reason})
    return out


def _clusters(keys: Sequence[str], link: float) -> list[list[int]]:
    """Single-link groups: names joined by any chain of pairs scoring at least `link`."""
    components = UnionFind(len(keys))
    for start in range(0, len(keys), _SIMILARITY_ROWS):
        block = name_similarity(keys[start : start + _SIMILARITY_ROWS], keys)
        for i, j in np.argwhere(block >= link):
            components.join(int(i) + start, int(j))
    return components.groups()


def _next_id_number(vocabulary: IndicatorVocabulary) -> int:
    numbers = [int(m.group(1)) for ind in vocabulary.indicators if (m := _ID_NUMBER.match(ind.id))]
    return max(numbers, default=0) + 1


def unit_family(value_kind: str | None, base_unit: str | None) -> str | None:
    """The vocabulary's unit family (percent | count | money | date | grade | text) a value was read as:
    `≥95%` is percent, `50万元` money, `3个` count, `明显改善` text; None when the row has no value."""
    if value_kind in ("percent", "date", "grade", "text"):
        return value_kind
    if value_kind == "number":
        info = normalize_unit(base_unit)
        return "money" if info is not None and info.family == "money" else "count"
    return None


def suggest_vocabulary(unmatched_names: Sequence[str], level2s: Sequence[str | None] | None = None,
                       vocabulary: IndicatorVocabulary | None = None,
                       families: Sequence[str | None] | None = None) -> str:
    """Proposed indicators.yaml entries (YAML text, to paste under `indicators:`) for unplaced names.

    Names are grouped by the matcher's own similarity at its fuzzy threshold (single link); the
    most frequent spelling becomes the name, the others synonyms. With `level2s` (aligned with the
    names) the most common 二级 is proposed, with the 一级 and the unit family the vocabulary's
    entries under that 二级 mostly have. With `families` (each row's `unit_family`) the unit is the one
    most of the group's values were read as; `text` only when its values are words.
    """
    vocabulary = vocabulary or IndicatorVocabulary.load()
    level2s = level2s if level2s is not None else [None] * len(unmatched_names)
    families = families if families is not None else [None] * len(unmatched_names)
    if not len(level2s) == len(families) == len(unmatched_names):
        raise ValueError("unmatched_names, level2s and families must have the same length")
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    level2_votes: dict[str, Counter[str]] = defaultdict(Counter)
    family_votes: dict[str, Counter[str]] = defaultdict(Counter)
    for raw, level2, family in zip(unmatched_names, level2s, families):
        key = normalize_name(raw)
        if key:
            counts[key] += 1
            spellings[key][raw.strip()] += 1
            if level2:
                level2_votes[key][level2] += 1
            if family:
                family_votes[key][family] += 1
    keys = sorted(counts, key=lambda k: (-counts[k], len(k), k))
    if not keys:
        return ""
    level1_of = {l2: ind.level1 for ind in vocabulary.indicators for l2 in ind.level2}
    units_of: dict[str, Counter[str]] = defaultdict(Counter)
    for ind in vocabulary.indicators:
        for l2 in ind.level2:
            units_of[l2][ind.unit] += 1
    groups = sorted(_clusters(keys, vocabulary.settings.threshold),
                    key=lambda g: (-sum(counts[keys[i]] for i in g), min(g)))
    number = _next_id_number(vocabulary)
    blocks: list[str] = []
    for group in groups:
        members = sorted((keys[i] for i in group), key=lambda k: (-counts[k], len(k), k))
        votes = sum((level2_votes[k] for k in members), Counter())
        level2 = votes.most_common(1)[0][0] if votes else "TODO"
        read_as = sum((family_votes[k] for k in members), Counter())
        unit = read_as.most_common(1)[0][0] if read_as else \
            units_of[level2].most_common(1)[0][0] if level2 in units_of else "text"
        entry = {
            "id": f"IND-{number:04d}",
            "name": spellings[members[0]].most_common(1)[0][0],
            "synonyms": [spellings[k].most_common(1)[0][0] for k in members[1:]],
            "level1": level1_of.get(level2, "TODO"),
            "level2": [level2],
            "unit": unit,
        }
        number += 1
        n_rows = sum(counts[k] for k in members)
        body = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, default_flow_style=None, width=100)
        comment = (f"  # {n_rows} row(s), {len(members)} spelling(s); check level1/level2 and unit "
                   "(percent | count | money | date | grade | text)\n")
        blocks.append(comment + "".join("  " + line + "\n" for line in body.splitlines()))
    return "".join(blocks)
