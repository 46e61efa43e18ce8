"""Values glued together without a separator ("10≥266米≥266米10", "194.9194.9100%") cut into cells.

A glued run of numbers can be cut many ways; the reader knows how many cells the row's columns want
and cuts where each piece is a well-formed value (an operator, a number without a leading zero, a
unit), preferring the cut where pieces repeat — a form's 年度指标值 and 实际值, 分值 and 得分,
预算数 and 执行数 are most often the same. A run no cut fits stays one cell: nothing is guessed.
"""

from __future__ import annotations

import re
from functools import lru_cache

from jixiao.extractors.text_vocab import operator_words, unit_words

NUMBER = r"(?:0|[1-9]\d*)(?:\.\d+)?"  # a figure without a leading zero
_MAX_RUN = 28  # longer runs are not cut (a table of figures, not a row's values)


@lru_cache(maxsize=4)
def _patterns(units: tuple[str, ...], ops: tuple[str, ...],
              tails: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    unit = "|".join(re.escape(u) for u in units)
    op = "|".join(re.escape(o) for o in ops)
    tail = "|".join(re.escape(t) for t in tails)
    after = rf"(?:{unit})?(?:/(?:{unit})){{0,2}}(?:{tail})?"  # 1130元/月/人
    item = rf"(?:{op})?{NUMBER}{after}"
    loose = rf"(?:{op})?\d+(?:\.\d+)?{after}"
    return re.compile(rf"^{item}$"), re.compile(rf"(?:{loose})+"), re.compile(loose)


def _compiled() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    ops, tails = operator_words()
    return _patterns(unit_words(), ops, tails)


def item_pattern() -> re.Pattern[str]:
    return _compiled()[0]


def run_pattern() -> re.Pattern[str]:
    """A maximal run of values written back to back."""
    return _compiled()[1]


def natural_items(run: str) -> list[str]:
    """The run cut where it cuts by itself: before an operator and after a unit."""
    return _compiled()[2].findall(run)


def split_run(run: str, n: int) -> list[str] | None:
    """The run as `n` well-formed values, the most repetitive cut first; None when no cut fits, or when cuts
    as good disagree on the first value (the target, the budget): which one the form printed cannot be told."""
    if n <= 0:
        return None
    natural = natural_items(run)
    if len(natural) == n and "".join(natural) == run and all(item_pattern().match(i) for i in natural):
        return natural
    if len(run) > _MAX_RUN or n > 8:
        return None
    cuts, whole, pos = {0}, set(), 0
    for item in natural:
        if not item[-1].isdigit():
            whole.add((pos, pos + len(item)))  # 100%, 150万: a value its unit closes, never cut inside
        pos += len(item)
        cuts.add(pos)
    best: tuple[int, ...] | None = None
    best_split: list[str] | None = None
    unsure = False  # another cut as good starts with another value (43.237.24109: 43.2|37.24|10|9 or 4|3.2|37.24|109)
    for split in _splits(run, n):
        bounds, pos = set(), 0
        for item in split:
            bounds.add(pos)
            pos += len(item)
        broken = sum(any(start < b < end for b in bounds) for start, end in whole)
        adjacent = sum(a == b for a, b in zip(split, split[1:]))
        repeats = sum(split[i] == split[j] for i in range(n) for j in range(i + 1, n))
        score = (_rate_fits(split), adjacent, repeats, len(bounds & cuts), -broken, -_uneven(split))
        if best is None or score > best:
            best, best_split, unsure = score, split, False
        elif score == best and split[0] != best_split[0]:
            unsure = True
    return None if unsure else best_split


def _rate_fits(items: list[str]) -> int:
    """1 when a percentage in the cut is the ratio of two amounts before it (执行率 = 执行数 / 预算数)."""
    numbers = [float(m.group(0)) if (m := re.search(r"\d+(?:\.\d+)?", i)) else None for i in items]
    for k, item in enumerate(items):
        if item.endswith("%") and numbers[k] is not None:
            for a in range(k):
                for b in range(a + 1, k):
                    rate = numbers[b] / numbers[a] * 100 if numbers[a] and numbers[b] is not None else None
                    if rate is not None and numbers[k] > 0 and abs(rate - numbers[k]) <= 0.005 * numbers[k]:
                        return 1
    return 0


def _uneven(items: list[str]) -> int:
    """How far the sizes of neighbouring values differ (their digits): a target and its actual, a weight and its
    score are alike in size (≥200 | 202, not ≥20020 | 2; 43.2 | 37.24, not 4 | 3.23 | 7.2410)."""
    sizes = [sum(c.isdigit() for c in i) for i in items]
    return sum(abs(a - b) for a, b in zip(sizes, sizes[1:]))


def _splits(run: str, n: int) -> list[list[str]]:
    pattern = item_pattern()

    @lru_cache(maxsize=None)
    def rest(pos: int, k: int) -> tuple[tuple[str, ...], ...]:
        if k == 0:
            return ((),) if pos == len(run) else ()
        out = []
        for end in range(pos + 1, len(run) + 1):
            piece = run[pos:end]
            if pattern.match(piece):
                out.extend((piece, *tail) for tail in rest(end, k - 1))
        return tuple(out)

    return [list(s) for s in rest(0, n)]


def doubled_tail(text: str, min_name: int = 2) -> tuple[str, str] | None:
    """("粮食储备设备维护及安全性", "高") for "粮食储备设备维护及安全性高高": a target and an actual value
    written the same, glued to the name they follow."""
    for size in range(min(6, (len(text) - min_name) // 2), 0, -1):
        tail = text[-size:]
        if text[-2 * size:-size] == tail and not re.search(r"[\d(（)）]", tail):
            return text[:-2 * size], tail
    return None


def halves(text: str) -> tuple[str, str] | None:
    """("显著提升", "显著提升") for "显著提升显著提升": two cells written the same, glued."""
    half = len(text) // 2
    return (text[:half], text[half:]) if len(text) % 2 == 0 and half and text[:half] == text[half:] else None
