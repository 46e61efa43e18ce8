"""Match 三级指标 names to the controlled vocabulary in dictionaries/indicators.yaml.

Every spelling of one indicator must get one `indicator_id`, so analysts can count 采购次数
across townships however each table wrote it. Matching runs in order:

1. exact: the normalized name is an entry's canonical name;
2. synonym: it is one of the entry's listed spellings;
3. fuzzy: similarity to every name and synonym, in one `rapidfuzz.process.cdist` per batch;
4. new: below the threshold, a stable id derived from the name ("NEW-" + hash), so the same
   unknown name gets the same id in every township and every run, and goes to review.

Normalization (both sides): NFKC width folding, no whitespace, punctuation or leading
enumeration (`normalizers.text.match_key`), a trailing 指标 dropped ("工作完成质量指标"), and a
template's hints removed ("游客满意度(≥**%)", "指标1:…"), variant characters folded (巡査 → 巡查,
dictionaries/variants.yaml). Spellings that are 一级/二级 names
(经济成本, 经济效益) match exactly only: fuzzy matching never puts a 三级 name into a category.

Why this similarity. rapidfuzz does not segment Chinese: its token scorers split on
whitespace, so a Chinese name is a single token. Instead each name is represented as two
*sorted sets of tokens*, which rapidfuzz compares as sequences of hashable items:

- its characters: the Indel ratio of two sorted unique lists is exactly the Dice coefficient of
  the character sets. It ignores word order (培训人均成本 = 人均培训成本) and tolerates added
  qualifiers (开展巡查次数, 正常运转村级数量);
- its character bigrams: Dice of bigram sets keeps local word structure, so names sharing only
  generic characters (次数, 率, 数量) score low (采购次数 vs 巡查次数).

The fuzzy score is the mean of the two (0–100). On the vocabulary's own synonyms held out one at a
time this mean keeps every truth spelling of the samples on the right entry, where either
measure alone misses a few. Context then moves the score: the row's canonical 二级指标 adds a
little when the entry expects it and removes more when it is another known 二级 (征兵质量 under
质量指标 vs 完成征兵比率 under 数量指标), and a 绩效指标描述 that contains all bigrams of one
of the entry's spellings adds a little. Scores are per entry (best spelling), candidates are the
top three entries.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

from jixiao.dictionaries import DictionaryError, dictionary_cache, load_dictionary
from jixiao.model.codes import MatchMethod
from jixiao.normalizers.text import match_key
from jixiao.normalizers.value_checks import strip_template_hints

UNIT_FAMILIES = frozenset({"percent", "count", "money", "date", "grade", "text"})
NEW_ID_PREFIX = "NEW-"
_TRAILING_SUFFIX = "指标"
_CHUNK_ROWS = 4096  # queries per cdist call: bounds the score matrices at ~4096 x spellings floats
_N_CANDIDATES = 3


def normalize_name(raw: str | None) -> str:
    """The form names are compared in: "（1）工作完成质量 指标" → "工作完成质量", and without a template's
    hints and numbering: "指标1:游客满意度(≥**%)" → "游客满意度"."""
    key = match_key(strip_template_hints(raw)).translate(_variant_table())
    if key.endswith(_TRAILING_SUFFIX) and len(key) > len(_TRAILING_SUFFIX):
        key = key[: -len(_TRAILING_SUFFIX)]
    return key


def new_indicator_id(normalized_name: str) -> str:
    """Stable id of a name the vocabulary does not know: same name, same id, in every run."""
    return NEW_ID_PREFIX + hashlib.sha1(normalized_name.encode("utf-8")).hexdigest()[:8].upper()


def char_set(name: str) -> list[str]:
    """Sorted unique characters: Indel ratio over these is the Dice coefficient of the sets."""
    return sorted(set(name))


def bigram_set(name: str) -> list[str]:
    """Sorted unique character bigrams (a one-character name is its own single token)."""
    return sorted({name[i : i + 2] for i in range(len(name) - 1)} or {name})


def name_similarity(queries: Sequence[str], choices: Sequence[str]) -> np.ndarray:
    """Fuzzy score matrix (len(queries) x len(choices), 0–100) of normalized names."""
    chars = process.cdist([char_set(q) for q in queries], [char_set(c) for c in choices],
                          scorer=fuzz.ratio, dtype=np.float32, workers=-1)
    bigrams = process.cdist([bigram_set(q) for q in queries], [bigram_set(c) for c in choices],
                            scorer=fuzz.ratio, dtype=np.float32, workers=-1)
    return (chars + bigrams) / 2


@dataclass(frozen=True, slots=True)
class Indicator:
    """One canonical indicator of the vocabulary."""

    id: str
    name: str
    synonyms: tuple[str, ...]
    level1: str
    level2: tuple[str, ...]
    unit: str


@dataclass(slots=True)
class IndicatorMatch:
    """The vocabulary's answer for one name; `candidates` are the best entries (id, name, score)."""

    indicator_id: str | None
    indicator: str | None
    score: float
    method: MatchMethod
    candidates: list[tuple[str, str, float]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class MatchSettings:
    """Scoring knobs, read from the top of indicators.yaml."""

    threshold: float
    review_below: float
    level2_agree_bonus: float
    level2_clash_penalty: float
    description_bonus: float
    category_exceptions: frozenset[str] = frozenset()  # category spellings fuzzy matching may still use


class IndicatorVocabulary:
    """The indicators of indicators.yaml, indexed for exact, synonym and batched fuzzy matching."""

    def __init__(self, indicators: Sequence[Indicator], settings: MatchSettings) -> None:
        self.indicators = list(indicators)
        self.settings = settings
        self._exact: dict[str, int] = {}
        self._synonym: dict[str, int] = {}
        spellings: list[str] = []
        offsets: list[int] = []
        for index, indicator in enumerate(self.indicators):
            offsets.append(len(spellings))
            for number, raw in enumerate((indicator.name, *indicator.synonyms)):
                key = normalize_name(raw)
                if not key:
                    raise DictionaryError(f"indicators.yaml {indicator.id}: the spelling {raw!r} is empty")
                owner = self._exact.get(key, self._synonym.get(key))
                if owner is not None and owner != index:
                    raise DictionaryError(
                        f"indicators.yaml: {raw!r} is a spelling of both {self.indicators[owner].id} "
                        f"and {indicator.id}; keep it under one of them"
                    )
                (self._synonym if number else self._exact)[key] = index
                if key not in spellings[offsets[-1] :]:
                    spellings.append(key)
        self._spellings = spellings
        # a spelling that is a 一级/二级 name (经济成本, 经济效益, 可持续影响) is matched exactly, never
        # fuzzily: a 三级 name resembling a category (促进村集体经济发展 ~ 经济效益) is not that category
        categories = _level_concepts() - settings.category_exceptions
        self._fuzzy_ok = np.array([key not in categories for key in spellings], dtype=bool)
        self._offsets = np.array(offsets, dtype=np.intp)
        self._spelling_lengths = np.array([len(bigram_set(s)) for s in spellings], dtype=np.float32)
        level2_keys = [{normalize_name(l2) for l2 in ind.level2} for ind in self.indicators]
        self._known_level2 = sorted(set().union(*level2_keys))
        self._level2_expected = np.array(
            [[key in keys for keys in level2_keys] for key in self._known_level2], dtype=bool
        ).reshape(len(self._known_level2), len(self.indicators))

    @classmethod
    def load(cls, name: str = "indicators") -> IndicatorVocabulary:
        """The vocabulary in dictionaries/<name>.yaml; DictionaryError says what to fix."""
        data = load_dictionary(name)
        if not isinstance(data, dict) or not isinstance(data.get("indicators"), list):
            raise DictionaryError(f"{name}.yaml must be a mapping with an 'indicators' list")
        try:
            settings = MatchSettings(
                threshold=float(data["threshold"]),
                review_below=float(data["review_below"]),
                level2_agree_bonus=float(data["level2_agree_bonus"]),
                level2_clash_penalty=float(data["level2_clash_penalty"]),
                description_bonus=float(data["description_bonus"]),
                category_exceptions=frozenset(normalize_name(str(w)) for w in data.get("category_exceptions") or ()),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise DictionaryError(f"{name}.yaml: a matching setting is missing or not a number: {exc}") from exc
        indicators = [_indicator_from_yaml(entry, name) for entry in data["indicators"]]
        seen: set[str] = set()
        for indicator in indicators:
            if indicator.id in seen:
                raise DictionaryError(f"{name}.yaml: the id {indicator.id} is used twice; ids are never reused")
            seen.add(indicator.id)
        return cls(indicators, settings)

    def by_id(self, indicator_id: str) -> Indicator | None:
        return next((ind for ind in self.indicators if ind.id == indicator_id), None)

    def match_indicators(
        self,
        names: Sequence[str | None],
        descriptions: Sequence[str | None] | None = None,
        level2s: Sequence[str | None] | None = None,
    ) -> list[IndicatorMatch]:
        """One match per name, in order. `level2s` should be canonical 二级指标 (normalizers.levels).

        An empty name matches nothing: indicator_id None, score 0, method "new".
        Identical (name, description, 二级) rows are scored once.
        """
        descriptions = descriptions if descriptions is not None else [None] * len(names)
        level2s = level2s if level2s is not None else [None] * len(names)
        if not len(names) == len(descriptions) == len(level2s):
            raise ValueError("names, descriptions and level2s must have the same length")
        normalized = {text: normalize_name(text) for text in {*names, *descriptions, *level2s}}
        keys = [(normalized[n], normalized[d], normalized[l]) for n, d, l in zip(names, descriptions, level2s)]
        unique = list(dict.fromkeys(keys))
        answers: dict[tuple[str, str, str], IndicatorMatch] = {}
        fuzzy: list[tuple[str, str, str]] = []
        for key in unique:
            name = key[0]
            if not name:
                answers[key] = IndicatorMatch(None, None, 0.0, "new")
            elif name in self._exact:
                answers[key] = self._certain(self._exact[name], "exact")
            elif name in self._synonym:
                answers[key] = self._certain(self._synonym[name], "synonym")
            else:
                fuzzy.append(key)
        for start in range(0, len(fuzzy), _CHUNK_ROWS):
            chunk = fuzzy[start : start + _CHUNK_ROWS]
            answers.update(zip(chunk, self._fuzzy(chunk)))
        return [answers[key] for key in keys]

    def needs_review(self, match: IndicatorMatch) -> bool:
        """New names, and fuzzy matches too weak to trust without a look."""
        return match.method == "new" or (match.method == "fuzzy" and match.score < self.settings.review_below)

    def _certain(self, index: int, method: MatchMethod) -> IndicatorMatch:
        ind = self.indicators[index]
        return IndicatorMatch(ind.id, ind.name, 100.0, method, [(ind.id, ind.name, 100.0)])

    def _entry_scores(self, names: Sequence[str]) -> np.ndarray:
        """Best-spelling score per entry (rows x entries), over the spellings fuzzy matching may use."""
        similarity = name_similarity(names, self._spellings) * self._fuzzy_ok
        return np.maximum.reduceat(similarity, self._offsets, axis=1)

    def _fuzzy(self, keys: Sequence[tuple[str, str, str]]) -> list[IndicatorMatch]:
        settings = self.settings
        distinct = list(dict.fromkeys(k[0] for k in keys))
        row_of = {name: i for i, name in enumerate(distinct)}
        scores = self._entry_scores(distinct)[[row_of[k[0]] for k in keys]]
        scores += self._level2_adjustment([k[2] for k in keys])
        scores += self._description_bonus([k[1] for k in keys])
        np.clip(scores, 0.0, 100.0, out=scores)
        n_best = min(_N_CANDIDATES, scores.shape[1])
        best = np.argsort(-scores, axis=1, kind="stable")[:, :n_best]
        matches: list[IndicatorMatch] = []
        for row, key in enumerate(keys):
            candidates = [(self.indicators[i].id, self.indicators[i].name, round(float(scores[row, i]), 1))
                          for i in best[row]]
            top_id, top_name, top_score = candidates[0]
            if top_score >= settings.threshold:
                matches.append(IndicatorMatch(top_id, top_name, top_score, "fuzzy", candidates))
            else:
                matches.append(IndicatorMatch(new_indicator_id(key[0]), key[0], top_score, "new", candidates))
        return matches

    def _level2_adjustment(self, level2_keys: Sequence[str]) -> np.ndarray:
        """+bonus where the entry expects the row's 二级, -penalty where it expects another one.

        A 二级 the vocabulary does not know (or none) gives no evidence either way.
        """
        settings = self.settings
        table = np.where(self._level2_expected, settings.level2_agree_bonus, -settings.level2_clash_penalty)
        table = np.vstack([table, np.zeros((1, len(self.indicators)))]).astype(np.float32)
        row_of = {key: i for i, key in enumerate(self._known_level2)}
        return table[[row_of.get(key, len(self._known_level2)) for key in level2_keys]]

    def _description_bonus(self, descriptions: Sequence[str]) -> np.ndarray:
        """Bonus for entries one of whose spellings has every bigram inside the description."""
        distinct = sorted({d for d in descriptions if d})
        table = np.zeros((len(distinct) + 1, len(self.indicators)), dtype=np.float32)  # last row: no description
        if distinct:
            shared = process.cdist([bigram_set(d) for d in distinct], [bigram_set(s) for s in self._spellings],
                                   scorer=LCSseq.similarity, dtype=np.int32, workers=-1)
            contained = (shared >= self._spelling_lengths) & self._fuzzy_ok  # LCS of sorted sets = intersection
            per_entry = np.logical_or.reduceat(contained, self._offsets, axis=1)
            table[:-1] = per_entry * np.float32(self.settings.description_bonus)
        row_of = {d: i for i, d in enumerate(distinct)}
        return table[[row_of.get(d, len(distinct)) for d in descriptions]]


def _indicator_from_yaml(entry: Any, source: str) -> Indicator:
    """One YAML entry, checked: a clerk editing the file gets told which entry is wrong and how."""
    if not isinstance(entry, dict):
        raise DictionaryError(f"{source}.yaml: every item under 'indicators' must be a mapping, got {entry!r}")
    ident = entry.get("id", "?")
    missing = [k for k in ("id", "name", "level1", "level2", "unit") if not entry.get(k)]
    if missing:
        raise DictionaryError(f"{source}.yaml entry {ident}: missing {', '.join(missing)}")
    if entry["unit"] not in UNIT_FAMILIES:
        raise DictionaryError(
            f"{source}.yaml entry {ident}: unit {entry['unit']!r} is not one of {', '.join(sorted(UNIT_FAMILIES))}"
        )
    level2 = entry["level2"] if isinstance(entry["level2"], list) else [entry["level2"]]
    return Indicator(
        id=str(entry["id"]),
        name=str(entry["name"]),
        synonyms=tuple(str(s) for s in entry.get("synonyms") or ()),
        level1=str(entry["level1"]),
        level2=tuple(str(l2) for l2 in level2),
        unit=str(entry["unit"]),
    )


@dictionary_cache
def _variant_table() -> dict[int, str]:
    """Variant characters → the usual one (dictionaries/variants.yaml): 巡査次数 is 巡查次数."""
    return str.maketrans({str(k): str(v) for k, v in (load_dictionary("variants")["characters"] or {}).items()})


@dictionary_cache
def _level_concepts() -> frozenset[str]:
    """Every 一级/二级 name and spelling of levels.yaml, in the form names are compared in."""
    levels = load_dictionary("levels")
    names = [*levels["level1"], *levels["level2"]]
    names += [s for spellings in levels["level1"].values() for s in spellings or ()]
    names += [s for entry in levels["level2"].values() for s in entry.get("spellings", ())]
    return frozenset(normalize_name(n) for n in names)
