"""Deadlines in a 指标值: "2024年底完成", "12月底前", "2023.07-2024.01", 全年, 按时 — the last day they
allow, as an ISO date with the `<=` comparator. Words from dictionaries/value_words.yaml, read on first use."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from jixiao.dictionaries import dictionary_cache, load_dictionary
from jixiao.normalizers.indicator_value import RANGE_SEPARATOR, IndicatorValue, alternation, cn_number
from jixiao.normalizers.text import compact

_DATE_SEPARATOR = re.compile(RANGE_SEPARATOR)
_DEADLINE_OPERATOR = "<="
_YEAR = r"(?P<y>(?:19|20)\d{2})"
_MONTH = r"(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_DAY = r"(?P<d>3[01]|[12]\d|0?[1-9]|三十一?|二?十[一二三四五六七八九]?|[一二三四五六七八九])"


@dataclass(frozen=True)
class _DateWords:
    """The date forms and deadline words built from value_words.yaml."""

    periods: dict[str, str]
    month_parts: dict[str, int | None]
    date_forms: tuple[re.Pattern[str], ...]
    deadline_prefix_re: re.Pattern[str]
    deadline_tail_re: re.Pattern[str]
    on_time_words: frozenset[str]


@dictionary_cache
def _vocabulary() -> _DateWords:
    words = load_dictionary("value_words")
    periods = {compact(str(k)): str(v) for k, v in words["year_periods"].items()}
    month_parts = {compact(str(k)): v for k, v in words["month_parts"].items()}
    deadline_suffixes = alternation(words["deadline_suffixes"])
    return _DateWords(
        periods=periods,
        month_parts=month_parts,
        date_forms=(
            re.compile(rf"{_YEAR}[./-]{_MONTH}[./-]{_DAY}"),
            re.compile(rf"{_YEAR}[./-]{_MONTH}"),
            re.compile(rf"(?:{_YEAR}年)?{_MONTH}月{_DAY}[日号]"),
            re.compile(rf"(?:{_YEAR}年)?{_MONTH}月份?(?P<part>{alternation(month_parts)})?"),
            re.compile(rf"(?:{_YEAR}年?)?第?(?P<period>{alternation(periods)})"),
            re.compile(rf"{_YEAR}年度?"),
        ),
        deadline_prefix_re=re.compile(alternation(words["deadline_prefixes"])),
        deadline_tail_re=re.compile(rf"(?:{deadline_suffixes})?(?:{alternation(words['deadline_verbs'])})?"
                                    rf"(?:{deadline_suffixes})?"),
        on_time_words=frozenset(compact(str(w)) for w in words["on_time_words"]),
    )


def _small_int(text: str) -> int:
    """A month or day written 12 or 十二."""
    return int(text) if text.isdigit() else int(cn_number(text))


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


def parse_deadline(folded: str, year: int | None) -> IndicatorValue | None:
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
