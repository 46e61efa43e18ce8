"""Text folding shared by every normalizer: one place decides what "the same spelling" means.

Township documents mix full- and half-width forms (＞＝ and >=, ／ and /, ９５％ and 95%) and
break cells across lines ("经济效益\\n指标"). NFKC folds the widths; the helpers below differ
only in how much whitespace and punctuation they drop.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache, wraps

from jixiao.dictionaries.characters import simplified, simplified_spans

_SPACES = re.compile(r"\s+")
# What a spreadsheet may take for a formula: =, +, -, @ first, also after spaces, tabs or line breaks
# (OWASP CSV injection), and their full-width twins, which some spreadsheet apps fold.
_FORMULA_START = re.compile(r"^[\s\u3000\ufeff]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r\n]")
_ENUMERATION = re.compile(r"^(?:[(（]?[0-9一二三四五六七八九十]+[)）.、．]|[(（][0-9一二三四五六七八九十]+[)）])")


# Marks that change how text is shown or joined but are not text: zero-width space/joiners, word
# joiner, BOM, soft hyphen and the bidi controls (LRM/RLM, embeddings, overrides such as RLO, isolates).
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")


def fold_width(text: str) -> str:
    """NFKC: full-width letters, digits and signs become their ASCII twins (％→%, ＞→>); invisible
    marks (zero-width, bidi controls) go, so `\u200f≤5个` reads as `≤5个`."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))


def clean_cell(text: str | None) -> str:
    """A cell (or a folder name) as one line: width-folded, invisible marks dropped, whitespace runs
    (no-break, ideographic) squeezed to one space, ends stripped — names that print the same are equal."""
    if text is None:
        return ""
    return _SPACES.sub(" ", fold_width(text)).strip()


# The parser, the normalizers and duplicate finding fold the same cells, labels and boilerplate over
# and over: results for texts up to this long are cached (at most _CACHED_TEXTS of them, so a few MB).
_CACHED_CHARS = 256
_CACHED_TEXTS = 1 << 14


def _cached_for_short_texts(function: Callable[[str], str]) -> Callable[[str | None], str]:
    """`function` with its results for short texts cached; None gives ""."""
    cached = lru_cache(maxsize=_CACHED_TEXTS)(function)

    @wraps(function)
    def call(text: str | None) -> str:
        if text is None:
            return ""
        return cached(text) if len(text) <= _CACHED_CHARS else function(text)

    return call


@_cached_for_short_texts
def compact(text: str) -> str:
    """Width-folded with every whitespace removed (Chinese cells split across lines rejoin), and read as
    simplified Chinese (see `simplified`): the form every lookup compares."""
    return simplified(_SPACES.sub("", fold_width(text)))


@_cached_for_short_texts
def match_key(text: str) -> str:
    """A label reduced for vocabulary lookup: compact, no leading enumeration, no punctuation."""
    folded = _ENUMERATION.sub("", compact(text))
    return "".join(ch for ch in folded if not unicodedata.category(ch).startswith("P"))


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """Compact `text` and keep, for every folded character, the index it came from.

    Parsers work on the folded string but report spans of the original, so a unit is
    returned exactly as written ("元／村", "萬元"), not as folded ("元/村", "万元"). Folded as compact() folds:
    read as simplified Chinese, pinyin glosses dropped.
    """
    chars: list[str] = []
    offsets: list[int] = []
    for index, ch in enumerate(text):
        if ch.isspace():
            continue
        for folded in fold_width(ch):
            if not folded.isspace():
                chars.append(folded)
                offsets.append(index)
    plain, kept = simplified_spans("".join(chars))
    return plain, [offsets[i] for i in kept]


def original_span(text: str, offsets: list[int], start: int, end: int) -> str:
    """The original text behind folded characters `start:end` (see fold_with_offsets)."""
    if start >= end:
        return ""
    return text[offsets[start] : offsets[end - 1] + 1]


def formula_like(text: str) -> bool:
    """True when a spreadsheet could run `text` as a formula (`=HYPERLINK(…)`, `+1`, `@SUM`)."""
    return bool(_FORMULA_START.match(text))


def inert_csv_cell(value: object) -> object:
    """A CSV cell no spreadsheet runs: formula-like text gets a leading apostrophe (OWASP's advice)."""
    if isinstance(value, str) and formula_like(value):
        return "'" + value
    return value
