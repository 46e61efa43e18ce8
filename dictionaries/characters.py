"""Simplified Chinese as every lookup reads it: one character table for readers and normalizers alike.

Mirror sites republish forms in traditional characters with pinyin glued after them (指標(biāo)); the
text is kept as written, but vocabulary lookups read it as the simplified form it was (指标). The table
is OpenCC's TSCharacters (a data file inside the opencc wheel), so it sits with the vocabulary.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

_PINYIN_GLOSS = re.compile(r"(?<=[\u3400-\u9fff])\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}\)")


@lru_cache(maxsize=2)
def opencc_characters(table: str) -> dict[int, str]:
    """One of OpenCC's character tables as a str.translate map, first choice per character:
    "TSCharacters" (traditional → simplified, what lookups read), "STCharacters" (the other way)."""
    text = resources.files("opencc").joinpath(f"dictionary/{table}.txt").read_text(encoding="utf-8")
    pairs = (line.split("\t", 1) for line in text.splitlines() if "\t" in line)
    return {ord(source): targets.split(" ")[0] for source, targets in pairs if len(source) == 1}


def simplified(text: str) -> str:
    """`text` with pinyin glosses dropped and, when it holds characters outside GB2312 (simplified text
    never needs them), traditional characters made simplified; simplified text is returned unchanged."""
    if "(" in text:
        text = _PINYIN_GLOSS.sub("", text)
    try:
        text.encode("gb2312")
        return text.translate(_EVEN_IN_GB2312) if "於" in text else text
    except UnicodeEncodeError:
        return text.translate(opencc_characters("TSCharacters"))


# a traditional form GB2312 also holds (as a surname), which a form's cell alone gives no other sign of:
# 大於等於 under 指标方向 on a mirror in traditional characters
_EVEN_IN_GB2312 = {ord("於"): "于"}


def simplified_spans(text: str) -> tuple[str, list[int]]:
    """`simplified(text)` and, for each of its characters, where it stands in `text`: a reader that cuts the
    simplified text can give back the text as written (glosses and traditional characters kept)."""
    kept = [(i, ch) for i, ch in enumerate(text)]
    if "(" in text:
        glossed = {i for m in _PINYIN_GLOSS.finditer(text) for i in range(m.start(), m.end())}
        kept = [(i, ch) for i, ch in kept if i not in glossed]
    plain = "".join(ch for _, ch in kept)
    converted = simplified(plain)
    if len(converted) != len(plain):  # a character that became two: positions unknown, keep the text
        return text, list(range(len(text)))
    return converted, [i for i, _ in kept]


def written_span(text: str, spans: list[int], start: int, end: int) -> str:
    """The text as written behind simplified characters [start, end), the gloss after the last one included."""
    if start >= end:
        return ""
    stop = spans[end - 1] + 1
    if gloss := _PINYIN_GLOSS.match(text, stop):
        stop = gloss.end()
    return text[spans[start]:stop]
