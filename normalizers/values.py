"""Parse a 指标值 cell ("≥95%", "不少于45个", "≤1.5万元", "2024年底完成", "优") into fields.

One pure function, `parse_indicator_value`, tries three readings in order: a deadline, a grade,
then a comparator + number + unit. Whatever none of them reads completely stays `text` with a
`reason` for the review report: a cell is never half-read or guessed. Vocabulary (comparator
words, grades, deadline words, units) lives in dictionaries/operators.yaml, value_words.yaml
and units.yaml.

The comparator table and the number pattern are public so sentence-level extraction can find
targets inside 绩效指标 paragraphs with the same vocabulary: fold the text first
(`normalizers.text.fold_with_offsets`), then use OPERATOR_PATTERN, NUMBER_PATTERN and
`normalizers.units.unit_spellings()`.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Literal

import cn2an

from jixiao.dictionaries import DictionaryError, load_dictionary
from jixiao.normalizers.text import compact, fold_with_offsets, original_span
from jixiao.normalizers.units import UNKNOWN, SCALE, UnitInfo, normalize_unit

ValueKind = Literal["number", "percent", "grade", "date", "text"]
Operator = Literal[">=", "<=", "=", ">", "<"]


@dataclass(frozen=True, slots=True)
class IndicatorValue:
    """The parsed 指标值; field names are the `indicators` columns of the data contract."""

    operator: str | None = None
    value: float | None = None
    value_max: float | None = None  # upper end of a range ("90%-95%"); value is the lower end
    unit_raw: str | None = None  # as written, e.g. "元／村"
    unit: str | None = None  # canonical, e.g. "元/村"
    value_base: float | None = None
    base_unit: str | None = None
    value_kind: ValueKind = "text"
    grade: str | None = None
    due_date: str | None = None  # ISO YYYY-MM-DD
    reason: str | None = None  # why the cell is text, or what was assumed; for the review report


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation trying longer words first (大于等于 before 大于)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _word_table(section: dict[str, list[str]], source: str) -> dict[str, str]:
    """{folded word: operator} from a YAML section {operator: [words]}; a word may mean one thing."""
    table: dict[str, str] = {}
    for op, words in section.items():
        for word in words:
            key = compact(str(word))
            if table.get(key, op) != op:
                raise DictionaryError(f"{source}: {word!r} is listed under both {table[key]!r} and {op!r}")
            table[key] = str(op)
    return table


_OPERATORS = load_dictionary("operators")
_WORDS = load_dictionary("value_words")

OPERATOR_WORDS: dict[str, str] = _word_table(_OPERATORS["prefix"], "operators.yaml prefix")
"""Comparator written before a number (folded spelling → operator): 不少于 → ">="."""
SUFFIX_OPERATOR_WORDS: dict[str, str] = _word_table(_OPERATORS["suffix"], "operators.yaml suffix")
"""Comparator written after a number and its unit: 以上 → ">=", 以内 → "<="."""
DEFAULT_OPERATOR: str = str(_OPERATORS["default"])
RANGE_OPERATOR: str = str(_OPERATORS["range"])
_LEAD_WORDS = frozenset(compact(str(w)) for w in _OPERATORS["lead_words"])
_TRAIL_WORDS = frozenset(compact(str(w)) for w in _OPERATORS["trail_words"])

OPERATOR_PATTERN = _alternation(OPERATOR_WORDS)
SUFFIX_OPERATOR_PATTERN = _alternation(SUFFIX_OPERATOR_WORDS)
NUMBER_PATTERN = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
"""An Arabic number as written after width folding: 12,600 / 4.85 / 95."""
_CN_DIGITS = "零〇一二两三四五六七八九十百千"
CN_NUMBER_PATTERN = rf"[{_CN_DIGITS}]+(?:[万亿][{_CN_DIGITS}]+)*(?:点[零〇一二三四五六七八九]+)?"
"""A Chinese numeral (十二, 一百零五, 三点五); a trailing 万/亿 is read as part of the unit."""

_PREFIX_RE = re.compile(_alternation(set(OPERATOR_WORDS) | _LEAD_WORDS))
_NUMBER_RE = re.compile(rf"(?P<percent>百分之)?(?:(?P<arabic>{NUMBER_PATTERN})|(?P<cn>{CN_NUMBER_PATTERN}))")
_RANGE_SEPARATOR = r"-|~|〜|至|到|—|–"  # after folding: ～ is ~, － is -
_RANGE_RE = re.compile(rf"(?P<unit>\D{{0,4}}?)(?:{_RANGE_SEPARATOR})")
_TAIL_RE = re.compile(
    rf"(?:(?P<remark>\([^()]*\))|(?P<punct>[。，,；;、.:!?])|(?P<op>{SUFFIX_OPERATOR_PATTERN})"
    rf"|(?P<trail>{_alternation(_TRAIL_WORDS)}))$"
)
_MAX_UNKNOWN_UNIT = 6  # longer unread text after a number is a remark, not a unit

_GRADES = {compact(str(w)): str(g) for g, words in _WORDS["grades"].items() for w in words}
_GRADE_RE = re.compile(
    rf"(?P<grade>{_alternation(_GRADES)})(?:{_alternation(_WORDS['grade_suffixes'])})?"
    rf"(?P<op>{SUFFIX_OPERATOR_PATTERN})?"
)

_YEAR = r"(?P<y>(?:19|20)\d{2})"
_MONTH = r"(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_DAY = r"(?P<d>3[01]|[12]\d|0?[1-9]|三十一?|二?十[一二三四五六七八九]?|[一二三四五六七八九])"
_PERIODS: dict[str, str] = {compact(str(k)): str(v) for k, v in _WORDS["year_periods"].items()}
_MONTH_PARTS: dict[str, int | None] = {compact(str(k)): v for k, v in _WORDS["month_parts"].items()}
_DATE_FORMS = [
    re.compile(rf"{_YEAR}[./-]{_MONTH}[./-]{_DAY}"),
    re.compile(rf"{_YEAR}[./-]{_MONTH}"),
    re.compile(rf"(?:{_YEAR}年)?{_MONTH}月{_DAY}[日号]"),
    re.compile(rf"(?:{_YEAR}年)?{_MONTH}月份?(?P<part>{_alternation(_MONTH_PARTS)})?"),
    re.compile(rf"(?:{_YEAR}年?)?第?(?P<period>{_alternation(_PERIODS)})"),
    re.compile(rf"{_YEAR}年度?"),
]
_DATE_SEPARATOR = re.compile(_RANGE_SEPARATOR)
_DEADLINE_PREFIX_RE = re.compile(_alternation(_WORDS["deadline_prefixes"]))
_DEADLINE_TAIL_RE = re.compile(
    rf"(?:{_alternation(_WORDS['deadline_suffixes'])})?(?:{_alternation(_WORDS['deadline_verbs'])})?"
    rf"(?:{_alternation(_WORDS['deadline_suffixes'])})?"
)
_ON_TIME_WORDS = frozenset(compact(str(w)) for w in _WORDS["on_time_words"])
_DEADLINE_OPERATOR = "<="
_MONEY_RE = re.compile(_alternation(compact(str(w)) for w in _WORDS["money_words"]))


def _text(reason: str) -> IndicatorValue:
    return IndicatorValue(value_kind="text", reason=reason)


def _cn_number(text: str) -> Fraction:
    return Fraction(str(cn2an.cn2an(text, "smart")))


def _small_int(text: str) -> int:
    """A month or day written 12 or 十二."""
    return int(text) if text.isdigit() else int(_cn_number(text))


def _iso(year: int, month: int, day: int | None) -> str | None:
    """ISO date; day None means the last day of the month. None when the day does not exist."""
    last = calendar.monthrange(year, month)[1]
    if day is None:
        day = last
    if not 1 <= day <= last:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _date_end(body: str, year: int | None) -> tuple[str | None, int | None] | None:
    """(ISO last day, year written) of one date form, or None when `body` is not a date.

    The ISO date is None when the form is a date but its year is neither written nor given.
    """
    for form in _DATE_FORMS:
        match = form.fullmatch(body)
        if match is None:
            continue
        groups = match.groupdict()
        written_year = int(groups["y"]) if groups.get("y") else None
        the_year = written_year or year
        if the_year is None:
            return None, None
        if groups.get("period"):
            month, day = (int(p) for p in _PERIODS[groups["period"]].split("-"))
            return _iso(the_year, month, day), written_year
        if groups.get("m"):
            day_text = groups.get("d")
            day = _small_int(day_text) if day_text else _MONTH_PARTS.get(groups.get("part") or "")
            return _iso(the_year, _small_int(groups["m"]), day), written_year
        return _iso(the_year, 12, 31), written_year
    return None


def _parse_deadline(folded: str, year: int | None) -> IndicatorValue | None:
    """A deadline ("2024年底完成", "12月底前", "2023.07-2024.01"), or None when it is not one."""
    for body in _deadline_bodies(folded):
        if body in _ON_TIME_WORDS:
            return _on_time(body, year)
        end = _date_end(body, year) or _date_range_end(body, year)
        if end is None:
            continue
        due, written_year = end
        if due is not None:
            return IndicatorValue(operator=_DEADLINE_OPERATOR, value_kind="date", due_date=due)
        problem = "no such day" if written_year or year else "year neither written nor given"
        return IndicatorValue(operator=_DEADLINE_OPERATOR, value_kind="date", reason=f"deadline {body!r}: {problem}")
    return None


def _on_time(word: str, year: int | None) -> IndicatorValue:
    """按时/按期: no date written, so the deadline is the end of the budget year (and says so)."""
    if year is None:
        return IndicatorValue(operator=_DEADLINE_OPERATOR, value_kind="date", reason=f"{word}: year not given")
    return IndicatorValue(
        operator=_DEADLINE_OPERATOR,
        value_kind="date",
        due_date=_iso(year, 12, 31),
        reason=f"no date written ({word}): end of the budget year {year} assumed",
    )


def _deadline_bodies(folded: str) -> list[str]:
    """The date part of a deadline, longest first: "截至2024年底前完成" → "2024年底前", "2024年底"…"""
    starts = [0]
    if prefix := _DEADLINE_PREFIX_RE.match(folded):
        starts.append(prefix.end())
    return [
        folded[start:end]
        for start in starts
        for end in range(len(folded), start, -1)
        if _DEADLINE_TAIL_RE.fullmatch(folded, end)
    ]


def _date_range_end(body: str, year: int | None) -> tuple[str | None, int | None] | None:
    """The end of a period written "start-end" (2023.07-2024.01, 2024年1月-12月, 1-12月)."""
    for sep in _DATE_SEPARATOR.finditer(body):
        head = body[: sep.start()]
        start = _date_end(head, year) or (_date_end(head + "月", year) if "月" in body[sep.end() :] else None)
        if start is None:
            continue
        end = _date_end(body[sep.end() :], start[1] or year)
        if end is not None:
            return end
    return None


def _parse_grade(folded: str) -> IndicatorValue | None:
    """A grade (优, 良好, 合格等级), possibly after lead words; grades carry no comparator."""
    for start in (0, _skip_prefix(folded, 0)[1]):
        match = _GRADE_RE.fullmatch(folded, start)
        if match:
            reason = f"comparator {match['op']!r} not kept: grades have none" if match["op"] else None
            return IndicatorValue(value_kind="grade", grade=_GRADES[match["grade"]], reason=reason)
    return None


def _skip_prefix(folded: str, pos: int) -> tuple[str | None, int]:
    """Consume lead words and comparator words at `pos`; the first comparator is the operator."""
    operator: str | None = None
    while match := _PREFIX_RE.match(folded, pos):
        word = match.group()
        if word in OPERATOR_WORDS:
            if operator is not None:
                break
            operator = OPERATOR_WORDS[word]
        pos = match.end()
    return operator, pos


def parse_operator(text: str) -> tuple[str | None, str]:
    """(operator, rest) of a text starting with comparator words: "不少于45个" → (">=", "45个").

    The rest is width-folded with whitespace removed. Lead words without a comparator
    (全年, 完成) are skipped; no comparator gives None.
    """
    folded = compact(text)
    operator, pos = _skip_prefix(folded, 0)
    return operator, folded[pos:]


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
            value = _cn_number(match["cn"])
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
    while end > start and (match := _TAIL_RE.search(folded, start, end)):
        if match["op"] and operator is None:
            operator = SUFFIX_OPERATOR_WORDS[match["op"]]
        if match["remark"]:
            remarks.append(match["remark"])
        end = match.start()
    return end, operator, remarks


def _parse_number(text: str, folded: str, offsets: list[int], money: bool) -> IndicatorValue:
    operator, pos = _skip_prefix(folded, 0)
    first = _read_number(folded, pos)
    if first is None:
        return _text("qualitative: no number, grade or date")
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
    unit_raw = original_span(text, offsets, pos, unit_end) or None
    if first.percent_word:
        if unit_folded or range_unit:
            return _text(f"百分之 followed by a unit: {unit_folded or range_unit!r}")
        unit_raw = original_span(text, offsets, *first.percent_word)
        unit_folded = "%"
    if range_unit and not unit_folded:
        unit_folded, unit_raw = range_unit, range_unit_raw
    elif range_unit and normalize_unit(range_unit, money) != normalize_unit(unit_folded, money):
        return _text(f"range with two units: {range_unit!r} and {unit_folded!r}")
    info = normalize_unit(unit_folded, money) if unit_folded else None
    if info is not None and not info.known:
        if is_cn:
            return _text(f"Chinese numeral followed by unknown text {unit_folded!r}")
        if len(unit_folded) > _MAX_UNKNOWN_UNIT or re.search(r"\d", unit_folded):
            return _text(f"unexpected text after the number: {unit_folded!r}")
    if value_max is not None and value_max < value:
        return _text("range whose end is below its start")
    operator = operator or suffix_operator or (RANGE_OPERATOR if value_max is not None else DEFAULT_OPERATOR)
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


def money_context(*labels: str | None) -> bool:
    """Whether a row's labels (二级指标, 三级指标, 描述) say its value is money: the `money` flag."""
    return any(_MONEY_RE.search(compact(label)) for label in labels if label)


@lru_cache(maxsize=65536)
def parse_indicator_value(text: str | None, year: int | None = None, *, money: bool = False) -> IndicatorValue:
    """Operator, number, unit, base value, grade or deadline of one 指标值 cell.

    `year` completes deadlines written without one ("12月底前" → year-12-31). `money=True`
    says the indicator is an amount of money (see `money_context`), so a bare "250万" is 万元.
    Cached: the same few hundred spellings repeat across a district's 150k rows.
    """
    if text is None:
        return _text("empty cell")
    folded, offsets = fold_with_offsets(text)
    if not folded:
        return _text("empty cell")
    return (
        _parse_deadline(folded, year)
        or _parse_grade(folded)
        or _parse_number(text, folded, offsets, money)
    )
