"""Canonical units and base-unit conversion for 指标值 (vocabulary in dictionaries/units.yaml).

`normalize_unit("万元／人")` → UnitInfo(unit="万元/人", base_unit="元/人", factor=10000,
family="money/count"). Factors are exact fractions so 4.85 万元 is 48500 元, not 48500.00000001.
A unit the dictionary does not know is returned folded but otherwise as written, with family
"unknown" and no base: it is never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from jixiao.dictionaries import dictionary_cache, load_dictionary, spelling_table
from jixiao.normalizers.text import compact

UNKNOWN = "unknown"
SCALE = "scale"


@dataclass(frozen=True, slots=True)
class UnitInfo:
    """A unit as the dataset stores it: canonical spelling, base unit and the factor between them."""

    unit: str
    base_unit: str | None
    factor: Fraction | None
    family: str

    @property
    def known(self) -> bool:
        return self.family != UNKNOWN

    def to_base(self, value: Fraction | float) -> float | None:
        """`value` expressed in the base unit (None when the unit has no base)."""
        if self.factor is None:
            return None
        return float(Fraction(value) * self.factor)


@dataclass(frozen=True, slots=True)
class _UnitTable:
    by_spelling: dict[str, UnitInfo]
    scales: tuple[tuple[str, Fraction], ...]  # longest first: 百万 before 万
    money_unit: str
    per_unit_split: re.Pattern[str]
    denominator_split: re.Pattern[str]
    slash: str
    joiner: str


def _spelling_key(text: str) -> str:
    """Width-folded, no whitespace, ASCII lower-cased: the form units are looked up in."""
    return compact(text).lower()


def _longest_first(item: tuple[str, Fraction]) -> int:
    return -len(item[0])


@dictionary_cache
def _table() -> _UnitTable:
    data = load_dictionary("units")
    units = {str(unit): UnitInfo(str(unit), str(entry["base"]), Fraction(str(entry["factor"])), str(entry["family"]))
             for unit, entry in data["units"].items()}
    spellings = spelling_table({unit: entry.get("spellings", []) for unit, entry in data["units"].items()},
                               _spelling_key, "units.yaml")
    by_spelling = {key: units[unit] for key, unit in spellings.items()}
    per_unit = data["per_unit"]
    return _UnitTable(
        by_spelling=by_spelling,
        scales=tuple(sorted(((str(k), Fraction(str(v))) for k, v in data["scales"].items()), key=_longest_first)),
        money_unit=str(data["money_unit"]),
        per_unit_split=re.compile("|".join(re.escape(s) for s in per_unit["slashes"])),
        denominator_split=re.compile("|".join(re.escape(s) for s in per_unit["joiners"])),
        slash=str(per_unit["canonical_slash"]),
        joiner=str(per_unit["canonical_joiner"]),
    )


def unit_spellings() -> list[str]:
    """Every simple unit spelling (folded), longest first: the alternation a unit regex needs."""
    table = _table()
    return sorted(set(table.by_spelling) | {scale for scale, _ in table.scales}, key=lambda s: (-len(s), s))


def _simple_unit(key: str) -> UnitInfo | None:
    """A unit without a slash: listed, or a listed unit with a scale in front (万人次, 万亩)."""
    table = _table()
    if key in table.by_spelling:
        return table.by_spelling[key]
    for scale, multiplier in table.scales:
        if key == scale:
            return UnitInfo(scale, None, multiplier, SCALE)
        if key.startswith(scale) and key[len(scale) :] in table.by_spelling:
            inner = table.by_spelling[key[len(scale) :]]
            assert inner.factor is not None
            return UnitInfo(scale + inner.unit, inner.base_unit, multiplier * inner.factor, inner.family)
    return None


def _per_unit(key: str) -> UnitInfo | None:
    """元/村, 万元/人, 元/人·月: every part must be a known unit, else the whole is unknown."""
    table = _table()
    parts = table.per_unit_split.split(key, maxsplit=1)
    if len(parts) != 2 or not parts[0] or not parts[1]:
        return None
    numerator = _simple_unit(parts[0])
    denominators = [_simple_unit(p) for p in table.denominator_split.split(parts[1])]
    if numerator is None or numerator.family == SCALE or not denominators:
        return None
    if any(d is None or d.family == SCALE for d in denominators):
        return None
    dens = [d for d in denominators if d is not None]
    factor = numerator.factor
    assert factor is not None
    for d in dens:
        assert d.factor is not None
        factor = factor / d.factor
    joiner, slash = table.joiner, table.slash
    return UnitInfo(
        unit=numerator.unit + slash + joiner.join(d.unit for d in dens),
        base_unit=f"{numerator.base_unit}{slash}{joiner.join(str(d.base_unit) for d in dens)}",
        factor=factor,
        family=numerator.family + slash + joiner.join(d.family for d in dens),
    )


@dictionary_cache(maxsize=4096)
def normalize_unit(raw: str | None, money: bool = False) -> UnitInfo | None:
    """Canonical unit, base unit, factor and family of `raw`; None for an empty unit.

    `money=True` says the value is an amount of money, so a bare scale ("250万") means 万元.
    """
    if raw is None:
        return None
    key = _spelling_key(raw)
    if not key:
        return None
    info = _simple_unit(key) or _per_unit(key)
    if info is None:
        return UnitInfo(compact(raw), None, None, UNKNOWN)
    if money and info.family == SCALE:
        return _simple_unit(info.unit + _table().money_unit)
    return info


def money_factor(raw: str | None, unit: str) -> Fraction | None:
    """How many `unit` one `raw` is (元 in 万元: 1/10000), from units.yaml; None unless both are money."""
    source, target = normalize_unit(raw, money=True), normalize_unit(unit, money=True)
    if source is None or target is None or source.family != "money" or target.family != "money":
        return None
    assert source.factor is not None and target.factor is not None  # money units always have a base
    return source.factor / target.factor
