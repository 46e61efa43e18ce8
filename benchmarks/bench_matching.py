"""Throughput and peak memory of vocabulary matching on a district's worth of 三级指标 names.

usage: python benchmarks/bench_matching.py [--names 100000] [--seed 1]

Names are drawn like a district's tables: vocabulary spellings copied as is (most rows), or with
a qualifier added (开展, 全年, 情况, 指标), re-spaced, width-folded, punctuated, a character
dropped, doubled or swapped, and a share of names the vocabulary has never seen. Descriptions
and 二级指标 come along as in real rows. Prints names/s and peak RSS of this process, and where
the respelled and the unknown names landed.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jixiao.normalizers.vocabulary import IndicatorVocabulary  # noqa: E402

PREFIXES = ["开展", "全年", "实施", "年度", "完成", "保障", "各村"]
SUFFIXES = ["情况", "指标", "水平", "完成情况", "数"]
UNKNOWN_CHARS = "路灯安装防汛物资储备疫苗接种危房改造厕所养老保险文艺演出健身器材监控网格员档案整理图书借阅河道清理林木管护"
DESCRIPTIONS = ["全年开展巡查检查的次数", "购买办公用品的合格率", "基层群众对工作的满意度", "预算资金实际支出占预算数的比例",
                "根据年初预算安排，确保资金科学有效使用，按时完成。", "保障工作顺利开展，促进社会稳定水平逐步提高。", None]
UNKNOWN_SHARE = 0.15
VARIANT_SHARE = 0.45


def _full_width(text: str) -> str:
    """The inverse of NFKC for ASCII: what a clerk's input method sometimes produces."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _variant(name: str, rng: random.Random) -> str:
    """One realistic respelling of a vocabulary name."""
    kind = rng.randrange(7)
    if kind == 0:
        return rng.choice(PREFIXES) + name
    if kind == 1:
        return name + rng.choice(SUFFIXES)
    if kind == 2:
        cut = rng.randrange(1, len(name)) if len(name) > 1 else 1
        return name[:cut] + " " + name[cut:]
    if kind == 3 and len(name) > 3:
        i = rng.randrange(len(name))
        return name[:i] + name[i + 1 :]
    if kind == 4 and len(name) > 3:
        i = rng.randrange(len(name) - 1)
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if kind == 5:
        return _full_width(f"({rng.randint(1, 9)})") + name + "。"
    i = rng.randrange(len(name))
    return name[:i] + name[i] + name[i:]


Rows = tuple[list[str], list[str | None], list[str | None], list[str | None]]


def generate(n: int, vocabulary: IndicatorVocabulary, seed: int) -> Rows:
    """Names, descriptions, 二级 and the id each name was drawn from (None: unknown name)."""
    rng = random.Random(seed)
    spellings = [(s, ind.level2[0], ind.id) for ind in vocabulary.indicators for s in (ind.name, *ind.synonyms)]
    names, descriptions, level2s, sources = [], [], [], []
    for _ in range(n):
        roll = rng.random()
        if roll < UNKNOWN_SHARE:
            name = "".join(rng.choice(UNKNOWN_CHARS) for _ in range(rng.randint(3, 9)))
            name += rng.choice(["数量", "率", "次数", ""])
            level2, source = rng.choice(["数量指标", "质量指标", None]), None
        else:
            name, level2, source = rng.choice(spellings)
            if roll < UNKNOWN_SHARE + VARIANT_SHARE:
                name = _variant(name, rng)
        names.append(unicodedata.normalize("NFC", name))
        descriptions.append(rng.choice(DESCRIPTIONS))
        level2s.append(level2)
        sources.append(source if roll >= UNKNOWN_SHARE + VARIANT_SHARE or roll < UNKNOWN_SHARE else f"~{source}")
    return names, descriptions, level2s, sources


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    vocabulary = IndicatorVocabulary.load()
    names, descriptions, level2s, sources = generate(args.names, vocabulary, args.seed)
    n_spellings = sum(1 + len(ind.synonyms) for ind in vocabulary.indicators)
    distinct = len(set(zip(names, descriptions, level2s)))
    start = time.perf_counter()
    matches = vocabulary.match_indicators(names, descriptions, level2s)
    seconds = time.perf_counter() - start
    methods = Counter(m.method for m in matches)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"vocabulary     : {len(vocabulary.indicators)} indicators, {n_spellings} spellings")
    print(f"names          : {len(names):,} ({distinct:,} distinct name/description/二级 rows)")
    print("methods        : " + ", ".join(f"{k} {v:,}" for k, v in sorted(methods.items())))
    variants = [(src[1:], m) for src, m in zip(sources, matches) if src and src.startswith("~")]
    unknown = [m for src, m in zip(sources, matches) if src is None]
    own = sum(m.indicator_id == src for src, m in variants) / len(variants)
    new = sum(m.method == "new" for _, m in variants) / len(variants)
    print(f"respelled      : {len(variants):,}: own entry {own:.1%}, new {new:.1%}, another entry {1 - own - new:.1%}")
    print(f"unknown names  : {len(unknown):,}: new {sum(m.method == 'new' for m in unknown) / len(unknown):.1%}")
    print(f"match time     : {seconds:.2f} s = {len(names) / seconds:,.0f} names/s")
    print(f"peak RSS       : {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
