"""The parsed 指标值 (`IndicatorValue`) and what its readings share: the reason a cell stays text,
Chinese numerals, word alternations longest first, the range separators. Pure; no dictionary."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from jixiao.model.codes import ValueKind

RANGE_SEPARATOR = r"-|~|〜|至|到|—|–"  # after folding: ～ is ~, － is -


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


def alternation(words: Iterable[str]) -> str:
    """A regex alternation trying longer words first (大于等于 before 大于)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))



def text_value(reason: str) -> IndicatorValue:
    return IndicatorValue(value_kind="text", reason=reason)


def cn_number(text: str) -> Fraction:
    import cn2an  # a third of a second to import; most values are Arabic numerals

    try:
        return Fraction(str(cn2an.cn2an(text, "smart")))
    except (KeyError, IndexError, TypeError) as exc:  # cn2an's KeyError for a malformed "十十二"
        raise ValueError(f"not a Chinese numeral: {text!r}") from exc
