"""Parse a 指标值 cell ("≥95%", "不少于45个", "≤1.5万元", "2024年底完成", "优") into fields.

One pure function, `parse_indicator_value`, tries three readings in order: a deadline (or a period
such as 全年), a grade, then a comparator + number + unit. A template placeholder ("……", "≥**%") is
no value; whatever no reading takes completely stays `text` with a `reason` for the review report:
a cell is never half-read or guessed. Vocabulary lives in dictionaries/operators.yaml,
value_words.yaml, units.yaml and value_checks.yaml.

The comparator tables (`operator_words`, `suffix_operator_words`) are public so sentence-level
extraction finds targets inside 绩效指标 paragraphs with the same vocabulary. Dictionaries are read
on first use (`jixiao.dictionaries`), never at import.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from jixiao.dictionaries import dictionary_cache, load_dictionary, spelling_table
from jixiao.model.codes import ValueKind
from jixiao.normalizers.text import compact, fold_with_offsets, original_span
from jixiao.normalizers.units import UNKNOWN, SCALE, UnitInfo, normalize_unit
from jixiao.normalizers.value_checks import is_placeholder, money_context, unit_said_twice  # noqa: F401



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


NUMBER_PATTERN = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
"""An Arabic number as written after width folding: 12,600 / 4.85 / 95."""
_CN_DIGITS = "零〇一二两三四五六七八九十百千"
CN_NUMBER_PATTERN = (rf"[{_CN_DIGITS}]+(?:亿[{_CN_DIGITS}]+万(?![{_CN_DIGITS}万亿点])|(?:[万亿][{_CN_DIGITS}]+)*)"
                     r"(?:点[零〇一二三四五六七八九]+)?")
"""A Chinese numeral (十二, 一百零五, 三点五); a trailing 万/亿 is the unit's, but not a 万 closing a 亿 section."""
_NUMBER_RE = re.compile(rf"(?P<percent>百分之)?(?:(?P<arabic>-?(?:{NUMBER_PATTERN}))|(?P<cn>{CN_NUMBER_PATTERN}))")
_RANGE_SEPARATOR = r"-|~|〜|至|到|—|–"  # after folding: ～ is ~, － is -
_RANGE_RE = re.compile(rf"(?P<unit>\D{{0,4}}?)(?:{_RANGE_SEPARATOR})")
_DATE_SEPARATOR = re.compile(_RANGE_SEPARATOR)
_MAX_UNKNOWN_UNIT = 6  # longer unread text after a number is a remark, not a unit
_DEADLINE_OPERATOR = "<="
_YEAR = r"(?P<y>(?:19|20)\d{2})"
_MONTH = r"(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_DAY = r"(?P<d>3[01]|[12]\d|0?[1-9]|三十一?|二?十[一二三四五六七八九]?|[一二三四五六七八九])"


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
    periods: dict[str, str]
    month_parts: dict[str, int | None]
    date_forms: tuple[re.Pattern[str], ...]
    deadline_prefix_re: re.Pattern[str]
    deadline_tail_re: re.Pattern[str]
    on_time_words: frozenset[str]


@dictionary_cache
def _vocabulary() -> _Vocabulary:
    ops, words = load_dictionary("operators"), load_dictionary("value_words")
    operators = spelling_table(ops["prefix"], compact, "operators.yaml prefix", canonical_is_spelling=False)
    suffix = spelling_table(ops["suffix"], compact, "operators.yaml suffix", canonical_is_spelling=False)
    lead_words = {compact(str(w)) for w in ops["lead_words"]}
    trail_words = {compact(str(w)) for w in ops["trail_words"]}
    grades = {compact(str(w)): str(g) for g, spellings in words["grades"].items() for w in spellings}
    periods = {compact(str(k)): str(v) for k, v in words["year_periods"].items()}
    month_parts = {compact(str(k)): v for k, v in words["month_parts"].items()}
    deadline_suffixes = _alternation(words["deadline_suffixes"])
    return _Vocabulary(
        operators=operators,
        suffix_operators=suffix,
        default_operator=str(ops["default"]),
        range_operator=str(ops["range"]),
        prefix_re=re.compile(_alternation(set(operators) | lead_words)),
        tail_re=re.compile(rf"(?:(?P<remark>\([^()]*\))|(?P<punct>[。，,；;、.:!?])|(?P<op>{_alternation(suffix)})"
                           rf"|(?P<trail>{_alternation(trail_words)}))$"),
        grades=grades,
        grade_re=re.compile(rf"(?P<grade>{_alternation(grades)})(?:{_alternation(words['grade_suffixes'])})?"
                            rf"(?P<op>{_alternation(suffix)})?"),
        periods=periods,
        month_parts=month_parts,
        date_forms=(
            re.compile(rf"{_YEAR}[./-]{_MONTH}[./-]{_DAY}"),
            re.compile(rf"{_YEAR}[./-]{_MONTH}"),
            re.compile(rf"(?:{_YEAR}年)?{_MONTH}月{_DAY}[日号]"),
            re.compile(rf"(?:{_YEAR}年)?{_MONTH}月份?(?P<part>{_alternation(month_parts)})?"),
            re.compile(rf"(?:{_YEAR}年?)?第?(?P<period>{_alternation(periods)})"),
            re.compile(rf"{_YEAR}年度?"),
        ),
        deadline_prefix_re=re.compile(_alternation(words["deadline_prefixes"])),
        deadline_tail_re=re.compile(rf"(?:{deadline_suffixes})?(?:{_alternation(words['deadline_verbs'])})?"
                                    rf"(?:{deadline_suffixes})?"),
        on_time_words=frozenset(compact(str(w)) for w in words["on_time_words"]),
    )


def operator_words() -> dict[str, str]:
    """Comparators written before a number (folded spelling → operator): 不少于 → ">="."""
    return _vocabulary().operators


def suffix_operator_words() -> dict[str, str]:
    """Comparators written after a number and its unit: 以上 → ">=", 以内 → "<="."""
    return _vocabulary().suffix_operators


def _text(reason: str) -> IndicatorValue:
    return IndicatorValue(value_kind="text", reason=reason)


def _cn_number(text: str) -> Fraction:
    import cn2an  # a third of a second to import; most values are Arabic numerals

    try:
        return Fraction(str(cn2an.cn2an(text, "smart")))
    except (KeyError, IndexError, TypeError) as exc:  # cn2an's KeyError for a malformed "十十二"
        raise ValueError(f"not a Chinese numeral: {text!r}") from exc


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
    for form in _vocabulary().date_forms:
        match = form.fullmatch(body)
        if match is None:
            continue
        groups = match.groupdict()
        written_year = int(groups["y"]) if groups.get("y") else None
        the_year = written_year or year
        if the_year is None:
            return None, None
        if groups.get("period"):
            month, day = (int(p) for p in _vocabulary().periods[groups["period"]].split("-"))
            return _iso(the_year, month, day), written_year
        if groups.get("m"):
            day_text = groups.get("d")
            day = _small_int(day_text) if day_text else _vocabulary().month_parts.get(groups.get("part") or "")
            return _iso(the_year, _small_int(groups["m"]), day), written_year
        return _iso(the_year, 12, 31), written_year
    return None


def _parse_deadline(folded: str, year: int | None) -> IndicatorValue | None:
    """A deadline ("2024年底完成", "12月底前", "2023.07-2024.01"), or None when it is not one."""
    for body in _deadline_bodies(folded):
        if body in _vocabulary().on_time_words:
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
    if prefix := _vocabulary().deadline_prefix_re.match(folded):
        starts.append(prefix.end())
    return [
        folded[start:end]
        for start in starts
        for end in range(len(folded), start, -1)
        if _vocabulary().deadline_tail_re.fullmatch(folded, end)
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
    if (once := unit_said_twice(unit_folded)) is not None:  # "95%%": a unit column added to "95%"
        unit_end, unit_folded = pos + len(once), once
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
        return _text("empty cell")
    folded, offsets = fold_with_offsets(text)
    if not folded:
        return _text("empty cell")
    try:
        placeholder = _text(f"placeholder, not a value: {text.strip()!r}") if is_placeholder(text) else None
        return _parse_deadline(folded, year) or _parse_grade(folded) or placeholder or _parse_number(text, folded, offsets, money)
    except (ArithmeticError, ValueError, LookupError) as exc:  # cn2an: KeyError on 零十五; one cell stays text
        return _text(f"number too large or malformed ({type(exc).__name__}); kept as written")
