"""Targets inside 绩效指标 paragraphs: "隐患整改率大于等于95%" → name 隐患整改率, value 大于等于95%.

A 分项绩效目标's 绩效指标 is prose, often with several targets in one sentence:
"全年开展安全生产大检查不少于6次，隐患整改率大于等于95%。" A target is a comparator, a number
and a unit ("不少于6次", "≥95%", "95%以上"); its name is the clause before it, back to the
previous clause mark (，；：) or the previous target. A bare percentage ("整改率100%") is a target
too; a bare count ("指导36个村…") is not, it is part of a name.

The pipeline is spaCy with no trained model: `spacy.blank("zh")` with the character segmenter
(the default needs jieba/pkuseg and nothing is downloaded), a sentencizer, and an entity ruler that
labels comparators, numbers, units and suffix comparators from the same vocabulary the value parser
uses (dictionaries/operators.yaml via `normalizers.values`, units via `normalizers.units`).
merge_entities turns each labelled run into one token, so a token Matcher can say
"comparator? number unit? suffix?" directly. Text is width-folded before parsing (＞＝ is >=) and
every span is mapped back to the original, so name_raw and value_raw are exactly as written.

`sentence` is the sentence holding the target; a sentence with no target is context for the next
one and is kept in front of it ("建立…体系，…更好开展工作。组织…比例大于等于90%。").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # spaCy itself is imported on first use: a run without paragraph targets never pays for it
    from spacy.language import Language
    from spacy.matcher import Matcher
    from spacy.tokens import Doc, Span

from jixiao.dictionaries import dictionary_cache, load_dictionary
from jixiao.normalizers.text import fold_with_offsets, original_span
from jixiao.normalizers.units import unit_spellings
from jixiao.normalizers.values import operator_words, suffix_operator_words

SENTENCE_ENDS = ["。", "！", "？", "!", "?"]  # not "." (4.85) and not "；" (it joins clauses)
CLAUSE_MARKS = frozenset("，,；;：:。！？!?")
PERCENT_MARKERS = ["百分之"]
DIGITS = {"IS_DIGIT": True, "OP": "+"}
ARABIC_NUMBERS = [[DIGITS], [DIGITS, {"ORTH": {"IN": [".", ","]}}, DIGITS]]  # 95, 4.85, 12,600 (not "12,隐患")
CHINESE_NUMERALS = list("零〇一二两三四五六七八九十百千")
PERCENT_UNITS = frozenset({"%", "‰"})

OP, NUM, CNNUM, UNIT, SUFFIX, PCT = "CMP", "NUM", "CNNUM", "UNIT", "SUFFIX", "PCT"


@dataclass(frozen=True, slots=True)
class ParagraphTarget:
    """One target found in a 绩效指标 paragraph, spans as written in the source."""

    name_raw: str
    value_raw: str
    sentence: str


def _ruler_patterns() -> list[dict]:
    """Phrase patterns for the words, token patterns for numbers (each character is a token)."""
    words = [(OP, w) for w in operator_words()] + [(SUFFIX, w) for w in suffix_operator_words()]
    words += [(UNIT, u) for u in unit_spellings()] + [(PCT, p) for p in PERCENT_MARKERS]
    patterns: list[dict] = [{"label": label, "pattern": word} for label, word in words]
    patterns += [{"label": NUM, "pattern": number} for number in ARABIC_NUMBERS]
    patterns.append({"label": CNNUM, "pattern": [{"ORTH": {"IN": CHINESE_NUMERALS}, "OP": "+"}]})
    return patterns


def _target_patterns() -> dict[str, list[list[dict]]]:
    """Token patterns over merged entities. A count needs a comparator; a percentage does not."""
    per_unit = load_dictionary("units")["per_unit"]
    unit = {"ENT_TYPE": UNIT}
    per = {"ORTH": {"IN": [str(s) for s in per_unit["slashes"]]}}
    joiner = {"ORTH": {"IN": [str(j) for j in per_unit["joiners"]]}}
    units = [[], [unit], [unit, per, unit], [unit, per, unit, joiner, unit]]
    numbers = [[{"ENT_TYPE": NUM}], [{"ENT_TYPE": PCT}, {"ENT_TYPE": {"IN": [NUM, CNNUM]}}]]
    suffix = {"ENT_TYPE": SUFFIX, "OP": "?"}
    patterns: dict[str, list[list[dict]]] = {"COMPARED": [], "SUFFIXED": [], "PERCENT": []}
    for number in numbers:
        for tail in units:
            patterns["COMPARED"].append([{"ENT_TYPE": OP}, *number, *tail, suffix])
            patterns["SUFFIXED"].append([*number, *tail, {"ENT_TYPE": SUFFIX}])
    cn_units = [u for u in units if u]
    for tail in cn_units:
        patterns["COMPARED"].append([{"ENT_TYPE": OP}, {"ENT_TYPE": CNNUM}, *tail, suffix])
        patterns["SUFFIXED"].append([{"ENT_TYPE": CNNUM}, *tail, {"ENT_TYPE": SUFFIX}])
    patterns["PERCENT"].append([{"ENT_TYPE": NUM}, {"ENT_TYPE": UNIT, "TEXT": {"IN": sorted(PERCENT_UNITS)}}])
    patterns["PERCENT"].append([{"ENT_TYPE": PCT}, {"ENT_TYPE": {"IN": [NUM, CNNUM]}}])
    return patterns


@dictionary_cache
def _pipeline() -> tuple[Language, Matcher]:
    """Built once per process: blank Chinese, character tokens, sentences, labelled words."""
    import spacy
    from spacy.matcher import Matcher

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})
    nlp.add_pipe("sentencizer", config={"punct_chars": SENTENCE_ENDS})
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(_ruler_patterns())
    nlp.add_pipe("merge_entities")
    matcher = Matcher(nlp.vocab)
    for label, patterns in _target_patterns().items():
        matcher.add(label, patterns, greedy="LONGEST")
    return nlp, matcher


def _value_spans(doc: Doc, matcher: Matcher) -> list[Span]:
    """Longest non-overlapping target values, in reading order."""
    from spacy.tokens import Span
    from spacy.util import filter_spans

    spans = [Span(doc, start, end) for _, start, end in matcher(doc)]
    return sorted(filter_spans(spans), key=lambda s: s.start)


def _clause_start(folded: str, floor: int, end: int) -> int:
    """Start of the clause ending at `end`: just after the last clause mark, never before `floor`."""
    for pos in range(end - 1, floor - 1, -1):
        if folded[pos] in CLAUSE_MARKS:
            return pos + 1
    return floor


def _name_span(folded: str, floor: int, value_start: int) -> tuple[int, int]:
    """The clause before a value; when the value opens its own clause ("开展培训，不少于5次"),
    the clause before that mark."""
    start = _clause_start(folded, floor, value_start)
    if start < value_start or start == floor:
        return start, value_start
    return _clause_start(folded, floor, start - 1), start - 1


def _targets(text: str, folded: str, offsets: list[int], doc: Doc, matcher: Matcher) -> list[ParagraphTarget]:
    values = _value_spans(doc, matcher)
    targets: list[ParagraphTarget] = []
    context_start: int | None = None  # first character of target-less sentences waiting for a target
    for sent in doc.sents:
        in_sentence = [v for v in values if sent.start <= v.start and v.end <= sent.end]
        if not in_sentence:
            context_start = sent.start_char if context_start is None else context_start
            continue
        first = sent.start_char if context_start is None else context_start
        sentence = original_span(text, offsets, first, sent.end_char).strip()
        context_start = None
        floor = sent.start_char
        for value in in_sentence:
            start, end = _name_span(folded, floor, value.start_char)
            name = original_span(text, offsets, start, end).strip()
            if name:
                value_raw = original_span(text, offsets, value.start_char, value.end_char)
                targets.append(ParagraphTarget(name, value_raw, sentence))
            floor = value.end_char
    return targets


# Paragraphs repeat across a district's documents (boilerplate, copied targets): each distinct text goes
# through spaCy once per run. Bounded, and forgotten with the dictionaries the targets depend on.
MEMO_TEXTS = 50_000


@dictionary_cache
def _memo() -> dict[str, list[ParagraphTarget]]:
    return {}


def iter_paragraph_targets(texts: Iterable[str]) -> Iterator[list[ParagraphTarget]]:
    """Targets of each text, in order: the paragraphs not seen before go through one `nlp.pipe`."""
    nlp, matcher = _pipeline()
    texts = list(texts)
    memo = _memo()
    if len(memo) > MEMO_TEXTS:
        memo.clear()
    new = list(dict.fromkeys(t for t in texts if t not in memo))
    folded = [fold_with_offsets(t) for t in new]
    for text, (flat, offsets), doc in zip(new, folded, nlp.pipe(f for f, _ in folded)):
        memo[text] = _targets(text, flat, offsets, doc, matcher)
    for text in texts:
        yield list(memo[text])


def extract_paragraph_targets(text: str) -> list[ParagraphTarget]:
    """Targets of one 绩效指标 paragraph (see the module docstring for what counts as one)."""
    return next(iter_paragraph_targets([text]))


def prepare() -> None:
    """Build the spaCy pipeline now (it is built on first use otherwise): lets a run do it while it
    waits for something else, e.g. Prefect's API server."""
    _pipeline()
