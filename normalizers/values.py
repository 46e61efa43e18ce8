"""Parse a 指标值 cell ("≥95%", "不少于45个", "≤1.5万元", "2024年底完成", "优") into fields.

One pure function, `parse_indicator_value`, tries three readings in order: a deadline (or a period
such as 全年; deadlines.py), a grade, then a comparator + number + unit. A template placeholder ("……", "≥**%") is
no value; whatever no reading takes completely stays `text` with a `reason` for the review report:
a cell is never half-read or guessed. Vocabulary lives in dictionaries/operators.yaml,
value_words.yaml, units.yaml and value_checks.yaml.

The comparator tables (`operator_words`, `suffix_operator_words`) are public so sentence-level
extraction finds targets inside 绩效指标 paragraphs with the same vocabulary. Dictionaries are read
on first use (`jixiao.dictionaries`), never at import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from jixiao.dictionaries import dictionary_cache, load_dictionary, spelling_table
from jixiao.normalizers.deadlines import parse_deadline
from jixiao.normalizers.indicator_value import RANGE_SEPARATOR, IndicatorValue, alternation, cn_number, text_value
from jixiao.normalizers.text import compact, fold_with_offsets, original_span
from jixiao.normalizers.units import UNKNOWN, SCALE, UnitInfo, normalize_unit
from jixiao.normalizers.value_checks import is_placeholder, money_context, unit_said_twice  # noqa: F401

NUMBER_PATTERN = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
"""An Arabic number as written after width folding: 12,600 / 4.85 / 95."""
_CN_DIGITS = "零〇一二两三四五六七八九十百千"
CN_NUMBER_PATTERN = (rf"[{_CN_DIGITS}]+(?:亿[{_CN_DIGITS}]+万(?![{_CN_DIGITS}万亿点])|(?:[万亿][{_CN_DIGITS}]+)*)"
                     r"(?:点[零〇一二三四五六七八九]+)?")
"""A Chinese numeral (十二, 一百零五, 三点五); a trailing 万/亿 is the unit's, but not a 万 closing a 亿 section."""
_NUMBER_RE = re.compile(rf"(?P<percent>百分之)?(?:(?P<arabic>-?(?:{NUMBER_PATTERN}))|(?P<cn>{CN_NUMBER_PATTERN}))")
_RANGE_RE = re.compile(rf"(?P<unit>\D{{0,4}}?)(?:{RANGE_SEPARATOR})")
_MAX_UNKNOWN_UNIT = 6  # longer unread text after a number is a remark, not a unit


@dataclass(frozen=True)
class _Vocabulary:
    """The word tables and patterns built from operators.yaml and value_words.yaml."""

    operators: dict[str, str]  # comparator before a number (folded word → operator): 不少于 → ">="
    suffix_operators: dict[str, str]  # comparator after a number and its unit: 以上 → ">="
    default_operator: str
    range_operator: str
    prefix_re: re.Pattern[str]
    tail_re: re.Pattern[str]
    grades: dict[str, str]
    grade_re: re.Pattern[str]


@dictionary_cache
def _vocabulary() -> _Vocabulary:
    ops, words = load_dictionary("operators"), load_dictionary("value_words")
    operators = spelling_table(ops["prefix"], compact, "operators.yaml prefix", canonical_is_spelling=False)
    suffix = spelling_table(ops["suffix"], compact, "operators.yaml suffix", canonical_is_spelling=False)
    lead_words = {compact(str(w)) for w in ops["lead_words"]}
    trail_words = {compact(str(w)) for w in ops["trail_words"]}
    grades = {compact(str(w)): str(g) for g, spellings in words["grades"].items() for w in spellings}
    return _Vocabulary(
        operators=operators,
        suffix_operators=suffix,
        default_operator=str(ops["default"]),
        range_operator=str(ops["range"]),
        prefix_re=re.compile(alternation(set(operators) | lead_words)),
        tail_re=re.compile(rf"(?:(?P<remark>\([^()]*\))|(?P<punct>[。，,；;、.:!?])|(?P<op>{alternation(suffix)})"
                           rf"|(?P<trail>{alternation(trail_words)}))$"),
        grades=grades,
        grade_re=re.compile(rf"(?P<grade>{alternation(grades)})(?:{alternation(words['grade_suffixes'])})?"
                            rf"(?P<op>{alternation(suffix)})?"),
    )


def operator_words() -> dict[str, str]:
    """Comparators written before a number (folded spelling → operator): 不少于 → ">="."""
    return _vocabulary().operators


def suffix_operator_words() -> dict[str, str]:
    """Comparators written after a number and its unit: 以上 → ">=", 以内 → "<="."""
    return _vocabulary().suffix_operators


def _parse_grade(folded: str) -> IndicatorValue | None:
    """A grade (优, 良好, 合格等级), possibly after lead words; grades carry no comparator."""
    for start in (0, _skip_prefix(folded, 0)[1]):
        match = _vocabulary().grade_re.fullmatch(folded, start)
        if match:
            reason = f"comparator {match['op']!r} not kept: grades have none" if match["op"] else None
            return IndicatorValue(value_kind="grade", grade=_vocabulary().grades[match["grade"]], reason=reason)
    return None


def _skip_prefix(folded: str, pos: int) -> tuple[str | None, int]:
    """Consume lead words and comparator words at `pos`; the first comparator is the operator."""
    operator: str | None = None
    operators = _vocabulary().operators
    while match := _vocabulary().prefix_re.match(folded, pos):
        word = match.group()
        if word in operators:
            if operator is not None:
                break
            operator = operators[word]
        pos = match.end()
    return operator, pos


@dataclass(frozen=True, slots=True)
class _Number:
    value: Fraction
    end: int
    chinese: bool  # written 十二, so unknown text after it is not a unit
    percent_word: tuple[int, int] | None  # span of a leading 百分之


def _read_number(folded: str, pos: int) -> _Number | None:
    """The number written at `pos` (95, 12,600, 4.85, 十二, 百分之九十五), or None."""
    match = _NUMBER_RE.match(folded, pos)
    if match is None:
        return None
    if match["arabic"]:
        value = Fraction(match["arabic"].replace(",", ""))
    else:
        try:
            value = cn_number(match["cn"])
        except ValueError:
            return None
    percent_word = match.span("percent") if match["percent"] else None
    return _Number(value, match.end(), match["cn"] is not None, percent_word)


def _strip_tail(folded: str, start: int) -> tuple[int, str | None, list[str]]:
    """Drop remarks, punctuation, suffix comparators and trailing words from the end of the tail.

    Returns the end of the unit, the suffix operator and the remarks dropped.
    """
    end = len(folded)
    operator: str | None = None
    remarks: list[str] = []
    while end > start and (match := _vocabulary().tail_re.search(folded, start, end)):
        if match["op"] and operator is None:
            operator = _vocabulary().suffix_operators[match["op"]]
        if match["remark"]:
            remarks.append(match["remark"])
        end = match.start()
    return end, operator, remarks


def _parse_number(text: str, folded: str, offsets: list[int], money: bool) -> IndicatorValue:
    operator, pos = _skip_prefix(folded, 0)
    first = _read_number(folded, pos)
    if first is None:
        return text_value("qualitative: no number, grade or date")
    value, pos, is_cn = first.value, first.end, first.chinese
    value_max: Fraction | None = None
    range_unit = range_unit_raw = ""
    if (sep := _RANGE_RE.match(folded, pos)) and (second := _read_number(folded, sep.end())):
        value_max, range_unit = second.value, sep["unit"]
        range_unit_raw = original_span(text, offsets, pos, pos + len(range_unit))
        is_cn = is_cn or second.chinese
        pos = second.end
    unit_end, suffix_operator, remarks = _strip_tail(folded, pos)
    unit_folded = folded[pos:unit_end]
    if (once := unit_said_twice(unit_folded)) is not None:  # "95%%": a unit column added to "95%"
        unit_end, unit_folded = pos + len(once), once
    unit_raw = original_span(text, offsets, pos, unit_end) or None
    if first.percent_word:
        if unit_folded or range_unit:
            return text_value(f"百分之 followed by a unit: {unit_folded or range_unit!r}")
        unit_raw = original_span(text, offsets, *first.percent_word)
        unit_folded = "%"
    if range_unit and not unit_folded:
        unit_folded, unit_raw = range_unit, range_unit_raw
    elif range_unit and normalize_unit(range_unit, money) != normalize_unit(unit_folded, money):
        return text_value(f"range with two units: {range_unit!r} and {unit_folded!r}")
    info = normalize_unit(unit_folded, money) if unit_folded else None
    if info is not None and not info.known:
        if is_cn:
            return text_value(f"Chinese numeral followed by unknown text {unit_folded!r}")
        if len(unit_folded) > _MAX_UNKNOWN_UNIT or re.search(r"\d", unit_folded):
            return text_value(f"unexpected text after the number: {unit_folded!r}")
    if value_max is not None and value_max < value:
        return text_value("range whose end is below its start")
    vocabulary = _vocabulary()
    fallback = vocabulary.range_operator if value_max is not None else vocabulary.default_operator
    operator = (suffix_operator if operator == "=" else operator) or operator or suffix_operator or fallback
    return _number_value(operator, value, value_max, unit_raw, info, remarks)


def _number_value(
    operator: str,
    value: Fraction,
    value_max: Fraction | None,
    unit_raw: str | None,
    info: UnitInfo | None,
    remarks: list[str],
) -> IndicatorValue:
    reasons = [f"remark ignored: {r}" for r in remarks]
    base: float | None = None
    base_unit: str | None = None
    if info is not None and info.base_unit is not None:
        base, base_unit = info.to_base(value), info.base_unit
    elif info is not None and info.family == UNKNOWN:
        reasons.append(f"unit {info.unit!r} not in units.yaml")
    elif info is not None and info.family == SCALE:
        reasons.append(f"{info.unit} without a unit; money not stated")
    return IndicatorValue(
        operator=operator,
        value=float(value),
        value_max=float(value_max) if value_max is not None else None,
        unit_raw=unit_raw,
        unit=info.unit if info else None,
        value_base=base,
        base_unit=base_unit,
        value_kind="percent" if info is not None and info.family == "percent" else "number",
        reason="; ".join(reasons) or None,
    )


@dictionary_cache(maxsize=65536)
def parse_indicator_value(text: str | None, year: int | None = None, *, money: bool = False) -> IndicatorValue:
    """Operator, number, unit, base value, grade or deadline of one 指标值 cell.

    `year` completes deadlines written without one ("12月底前" → year-12-31). `money=True`
    says the indicator is an amount of money (see `money_context`), so a bare "250万" is 万元.
    Cached: the same few hundred spellings repeat across a district's 150k rows.
    """
    if text is None:
        return text_value("empty cell")
    folded, offsets = fold_with_offsets(text)
    if not folded:
        return text_value("empty cell")
    try:
        placeholder = text_value(f"placeholder, not a value: {text.strip()!r}") if is_placeholder(text) else None
        return parse_deadline(folded, year) or _parse_grade(folded) or placeholder or _parse_number(text, folded, offsets, money)
    except (ArithmeticError, ValueError, LookupError) as exc:  # cn2an: KeyError on 零十五; one cell stays text
        return text_value(f"number too large or malformed ({type(exc).__name__}); kept as written")
