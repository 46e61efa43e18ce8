"""A spreadsheet cell's value as the text a person sees in it.

Budgets and spending plans are typed as numbers, so what the clerk wrote is the number as the cell
shows it: its number format's decimals (`0.00` shows 2.6 as "2.60"), percent (`0%` shows 0.95 as
"95%") and quoted text ("万元"); dates typed as dates are ISO dates. A number without such a format is
written the shortest way that is still the same number, without binary float noise (29.2 stays "29.2",
0.1+0.2 computed by a formula is "0.3"). Nothing is evaluated: a formula's value is the one the file saved.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

_GENERAL = {"", "general", "@"}
_LITERAL = re.compile(r'"([^"]*)"|\\(.)|\[[^\]]*\]|_.|\*.|(.)', re.S)  # quoted, escaped, [..], _x, *x, any char
_NUMERIC = set("0#?.,%")
_SCIENTIFIC_OR_FRACTION = re.compile(r"[eE][+-]|\d/|\?/")


def cell_text(value: object, number_format: str | None = None) -> str:
    """The text of one cell value (None is an empty cell)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds" if value.second else "minutes")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, (int, float)):
        return number_text(value, number_format)
    return str(value).strip()


def number_text(value: int | float, number_format: str | None = None) -> str:
    """A number as its format shows it; the shortest exact form for General (or a format we do not render)."""
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return ""
    fmt = (number_format or "").strip()
    if fmt.lower() in _GENERAL or _SCIENTIFIC_OR_FRACTION.search(fmt):
        return general(value)
    sections = _sections(fmt)
    section, shown = sections[0], value
    if value < 0 and len(sections) > 1:
        section, shown = sections[1], abs(value)
    elif value == 0 and len(sections) > 2:
        section = sections[2]
    return _render(shown, section)


def general(value: int | float) -> str:
    """Excel's General without exponent: 15 significant digits (what Excel keeps), no trailing zeros."""
    if isinstance(value, int):
        return str(value)
    if value == 0:
        return "0"
    exact = Decimal(repr(float(f"{value:.15g}")))
    if abs(exact) >= Decimal("1e15") or abs(exact) < Decimal("1e-9"):
        return repr(value)
    text = format(exact, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _sections(fmt: str) -> list[str]:
    """The ';'-separated sections of a format (positive; negative; zero), ignoring ';' inside quotes."""
    sections, current, quoted = [], [], False
    for char in fmt:
        if char == '"':
            quoted = not quoted
        if char == ";" and not quoted:
            sections.append("".join(current))
            current = []
        else:
            current.append(char)
    sections.append("".join(current))
    return sections


def _render(value: int | float, section: str) -> str:
    """One format section: literal text around one number placeholder run."""
    prefix, number, suffix = [], [], []
    for match in _LITERAL.finditer(section):
        quoted, escaped, char = match.group(1), match.group(2), match.group(3)
        literal = quoted if quoted is not None else escaped
        if char is not None and char in _NUMERIC and not suffix:
            number.append(char)
        elif literal is not None or (char is not None and char not in _NUMERIC):
            (suffix if number else prefix).append(literal if literal is not None else char)
        elif char is not None:  # a '%' or ',' after literal text: still part of the number's look
            number.append(char)
    pattern = "".join(number)
    if not re.search(r"[0#?]", pattern):  # text only ("-" for zero in accounting formats)
        return "".join(prefix + suffix).strip() or general(value)
    if value == 0 and "0" not in pattern:  # '#'/'?' placeholders show nothing for zero
        return ("".join(prefix + suffix)).strip() or "0"
    percent = "%" in pattern
    digits = pattern.split(".", 1)[1] if "." in pattern else ""
    places = sum(1 for c in digits if c in "0#?")
    optional = sum(1 for c in digits if c in "#?")
    shown = Decimal(repr(value)) * (100 if percent else 1)
    text = format(shown.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP), "f")
    if optional and "." in text:  # '#' decimals are shown only when not zero
        keep = len(text) - optional
        text = text[:keep] + text[keep:].rstrip("0")
        text = text.rstrip(".")
    return "".join(prefix) + text + ("%" if percent else "") + "".join(suffix)
