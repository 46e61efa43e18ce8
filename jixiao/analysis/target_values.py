"""Targets and actuals as comparable quantities: `488100元` against `≤50万元`, `90` against `≥95%`,
`不低于95%` the same as `≥95%`.

Values are read by the pipeline's own normalizer (normalizers/values.py) and compared in base units
(元, %, 米 …). A number written without its unit (an actual of `95` under a target of `≥95%`) is taken
in the unit its target is written in; two different base units (人 against 个) are not comparable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from jixiao.analysis.linking import tracking_settings
from jixiao.normalizers.text import compact
from jixiao.normalizers.values import IndicatorValue, money_context, parse_indicator_value

NUMERIC_KINDS = ("number", "percent")
FLOORS, CAPS = (">=", ">"), ("<=", "<")


@dataclass(frozen=True)
class Quantity:
    """A target or an actual as compared: the number(s) in base units, or a date, or the text."""

    kind: str  # number | percent | date | grade | text
    operator: str | None = None
    low: float | None = None  # the number (a range's lower end), in `unit`
    high: float | None = None  # a range's upper end
    unit: str | None = None  # the base unit, else the unit as written, else None
    scale: float = 1.0  # base units per written unit (a bare actual is read in the target's written unit)
    day: date | None = None
    text: str = ""

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS and self.low is not None


def row_money(row: dict) -> bool:
    """Whether an indicator row's labels say its value is money (a bare 250万 is then 万元)."""
    return money_context(row.get("level2_raw") or row.get("level2"), row.get("name_raw"), row.get("description"))


def quantity(raw: str | None, year: int | None = None, money: bool = False) -> Quantity:
    """A 指标值 or 实际完成值 cell read for comparison."""
    return _from_value(parse_indicator_value(raw, year, money=money), raw)


def _from_value(value: IndicatorValue, raw: str | None) -> Quantity:
    text = compact(raw or "")
    if value.value_kind in NUMERIC_KINDS and value.value is not None:
        based = value.value_base is not None and value.base_unit is not None
        scale = value.value_base / value.value if based and value.value else 1.0
        high = value.value_max * scale if value.value_max is not None else None
        return Quantity(value.value_kind, value.operator, value.value_base if based else value.value, high,
                        value.base_unit if based else value.unit, scale, text=text)
    if value.value_kind == "date" and value.due_date:
        return Quantity("date", value.operator, day=date.fromisoformat(value.due_date), text=text)
    if value.value_kind == "grade" and value.grade:
        return Quantity("grade", value.operator, text=value.grade)
    return Quantity("text", text=text)


def is_blank_actual(raw: str | None) -> bool:
    """An 实际完成值 cell that reports nothing (empty, 无, —, /)."""
    blanks = {compact(str(b)) for b in tracking_settings().get("blank_actuals") or []}
    return compact(raw or "") in blanks


def in_target_unit(actual: Quantity, target: Quantity) -> float | None:
    """The actual's number in the target's unit: as is when the base units agree, the target's written
    unit when the actual has none, None when they differ (人 against 个)."""
    if not actual.numeric or not target.numeric:
        return None
    if actual.unit is None:
        return actual.low * target.scale
    if target.unit is None or actual.unit == target.unit:
        return actual.low
    return None


def _tolerance(value: float) -> float:
    return float(tracking_settings().get("equal_tolerance", 1e-6)) * max(abs(value), 1.0)


def equal_numbers(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= _tolerance(b)


def reaches(actual: float, target: Quantity, lower_is_better: bool = False) -> bool:
    """Whether `actual` (in the target's unit) fulfils the target: ≥/> a floor, ≤/< a cap, inside a
    range, and for `=` the number itself or better (more, or less when `lower_is_better`: costs, times)."""
    low = target.low if target.low is not None else 0.0
    tol = _tolerance(low)
    if target.high is not None:
        return low - tol <= actual <= target.high + _tolerance(target.high)
    if target.operator == ">":
        return actual - low > tol
    if target.operator == "<":
        return low - actual > tol
    if target.operator == ">=":
        return actual >= low - tol
    if target.operator in CAPS:
        return actual <= low + tol
    if abs(actual - low) <= tol:
        return True
    return actual < low if lower_is_better else actual > low


def lower_is_better(row: dict, target: Quantity) -> bool:
    """An `=` target that is better undercut than exceeded: money, and names with a cost or time word."""
    words = tracking_settings().get("lower_is_better_words") or []
    labels = compact(f"{row.get('level2') or ''}{row.get('name_raw') or ''}")
    return target.unit == "元" or (target.unit or "").startswith("元/") or any(compact(w) in labels for w in words)


def same_target(a: Quantity, b: Quantity) -> bool:
    """Two spellings of one target: `≥95%` and `不低于95%`, `≤46.31万元` and `≤463100元`."""
    if a.numeric and b.numeric:
        return (a.operator == b.operator and a.unit == b.unit and equal_numbers(a.low, b.low)
                and equal_numbers(a.high, b.high))
    if a.kind == "date" and b.kind == "date":
        return a.day == b.day
    return a.kind == b.kind and a.text == b.text
