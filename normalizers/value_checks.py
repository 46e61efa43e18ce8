"""Placeholders, template hints and implausible values: what a 指标值 or a name must not be taken for.

Forms are filled in from templates, and the template's marks survive: a value cell still reading
"……" or "≥**%", a name "游客满意度(≥**%)" or "指标1:小区居民满意度". A placeholder is never a value, a
hint is not part of a name's meaning, and a value that cannot be right (a satisfaction of 290%, a
negative count) is kept but flagged (`indicators.value_flag`) so a reviewer sees it. Patterns and
thresholds are in dictionaries/value_checks.yaml.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from jixiao.dictionaries import dictionary_cache, load_dictionary
from jixiao.normalizers.text import compact
from jixiao.normalizers.units import normalize_unit

PLACEHOLDER = "placeholder"
PERCENT_ABOVE_100 = "percent_above_100"
NEGATIVE_VALUE = "negative_value"


@dataclass(frozen=True)
class _Checks:
    marks: re.Pattern[str]
    around: re.Pattern[str]
    max_unit_chars: int
    template_label: re.Pattern[str]
    bare_slot: re.Pattern[str]
    blank_number: re.Pattern[str]
    choice_box: re.Pattern[str]
    min_choices: int
    name_hints: tuple[re.Pattern[str], ...]
    leading_marks: re.Pattern[str]
    max_percent: float
    growth_words: tuple[str, ...]
    non_negative: frozenset[str]


@dictionary_cache
def _checks() -> _Checks:
    conf = load_dictionary("value_checks")
    ph, plaus = conf["placeholders"], conf["plausibility"]
    return _Checks(
        marks=re.compile(ph["marks"]),
        around=re.compile(ph["around"]),
        max_unit_chars=int(ph["max_unit_chars"]),
        template_label=re.compile(ph["template_labels"]),
        bare_slot=re.compile(ph["bare_slot"]),
        blank_number=re.compile(ph["blank_number"]),
        choice_box=re.compile(ph["choice_box"]),
        min_choices=int(ph["min_choices"]),
        name_hints=tuple(re.compile(p) for p in ph["name_hints"]),
        leading_marks=re.compile(ph["leading_marks"]),
        max_percent=float(plaus["max_percent"]),
        growth_words=tuple(plaus["growth_words"]),
        non_negative=frozenset(plaus["non_negative_families"]),
    )


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def is_bare_slot(text: str | None) -> bool:
    """"指标1", "指标2：": the template's numbered slot with no indicator written into it."""
    return bool(text) and bool(_checks().bare_slot.match(re.sub(r"\s+", "", _fold(text))))


def is_choice_list(text: str | None) -> bool:
    """"优秀□ 良好□ 合格□ 不合格□": tick boxes of a form field, not an indicator's value."""
    checks = _checks()
    return bool(text) and len(checks.choice_box.findall(text)) >= checks.min_choices


def is_placeholder(text: str | None) -> bool:
    """A cell that is only a template's fill-in marks: "……", "**", "≥**%", "XX个", "(≥**%)", "指标1:"."""
    if not text:
        return False
    folded = _fold(text)
    checks = _checks()
    if (label := checks.template_label.match(folded)) and not folded[label.end():].strip():
        return True  # a template's "指标1:" with nothing after it
    if checks.blank_number.match(folded):
        return True  # "≧ %": the comparator and unit printed, the number never written
    if not checks.marks.search(folded) or re.search(r"\d", folded):
        return False
    rest = checks.around.sub("", checks.marks.sub("", folded))
    return len(rest) <= checks.max_unit_chars


def strip_template_hints(name: str | None) -> str:
    """A name without the template's hints and numbering, keeping its meaning:
    "游客满意度(≥**%)" → "游客满意度", "指标1:小区居民满意度(≥**%)" → "小区居民满意度"."""
    if not name:
        return ""
    checks = _checks()
    text = checks.template_label.sub("", _fold(name).strip())
    for hint in checks.name_hints:
        text = hint.sub("", text)
    text = checks.leading_marks.sub("", text.strip())
    return text.strip() or ("" if is_placeholder(name) else _fold(name).strip())


@dictionary_cache
def _money_words() -> re.Pattern[str]:
    words = sorted({compact(str(w)) for w in load_dictionary("value_words")["money_words"]}, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))


def money_context(*labels: str | None) -> bool:
    """Whether a row's labels (二级指标, 三级指标, 描述) say its value is money: a bare "250万" is then 万元."""
    return any(_money_words().search(compact(label)) for label in labels if label)


def unit_said_twice(unit: str) -> str | None:
    """The unit when `unit` is one known unit written twice ("%%", "万元万元": a unit column appended to
    a value that already had it), else None."""
    half = len(unit) // 2
    if half and unit[:half] == unit[half:] and (info := normalize_unit(unit[:half])) is not None and info.known:
        return unit[:half]
    return None


def value_flag(value_raw: str | None, value: float | None, value_max: float | None, unit: str | None,
               value_kind: str, name: str | None = None) -> str | None:
    """Why a parsed value is implausible or no value at all, "; "-joined; None when it looks right."""
    checks = _checks()
    flags: list[str] = []
    if is_placeholder(value_raw):
        flags.append(PLACEHOLDER)
    highest = max((v for v in (value, value_max) if v is not None), default=None)
    if (value_kind == "percent" and highest is not None and highest > checks.max_percent
            and not any(w in (name or "") for w in checks.growth_words)):
        flags.append(PERCENT_ABOVE_100)
    info = normalize_unit(unit) if unit else None
    lowest = min((v for v in (value, value_max) if v is not None), default=None)
    if lowest is not None and lowest < 0 and info is not None and info.family in checks.non_negative:
        flags.append(NEGATIVE_VALUE)
    return "; ".join(flags) or None
