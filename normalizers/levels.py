"""Canonical 一级指标, 二级指标 and 指标值确定依据 (vocabulary in dictionaries/levels.yaml, basis.yaml).

These are controlled columns: a spelling the dictionaries do not list returns None, so the
caller can count it for review instead of storing a near-miss as if it were canonical.
"""

from __future__ import annotations

import re

from jixiao.dictionaries import dictionary_cache, load_dictionary, spelling_table
from jixiao.normalizers.text import compact, match_key

_LEVEL_SUFFIX = re.compile(r"(?:指标|目标|值)$")  # 产出值 / 数量值: one province's spelling of the level
# a note the form adds to a level name: "产出指标（50分）", "效益指标(一级)", "数量指标 20分", "★", and the
# template's "etc." (服务对象满意度指标等)
_LEVEL_NOTE = re.compile(r"[(（\[【][^()（）\[\]【】]*[)）\]】]|\d+(?:\.\d+)?分$|[★☆*＊]|(?<=指标)等$")
_BASIS_PARTS = re.compile(r"[、,，/;；和及与+]")


def _level_key(raw: str | None) -> str:
    """产出, 产出指标, "产出\\n指标", （一）产出目标, 一、产出指标（50分） → 产出."""
    folded = compact(raw)
    noted = _LEVEL_NOTE.sub("", folded)
    return _LEVEL_SUFFIX.sub("", match_key(noted if noted else folded))


@dictionary_cache
def _level1_table() -> dict[str, str]:
    return spelling_table(load_dictionary("levels")["level1"], _level_key, "levels.yaml level1")


@dictionary_cache
def _level2_table() -> dict[str, list[tuple[str, frozenset[str]]]]:
    """{key: [(canonical 二级, its 一级 parents)]}: one key may name several 二级 (经济)."""
    table: dict[str, list[tuple[str, frozenset[str]]]] = {}
    for canonical, entry in load_dictionary("levels")["level2"].items():
        parents = frozenset(str(p) for p in entry["parents"])
        for spelling in {_level_key(str(s)) for s in [canonical, *entry["spellings"]]}:
            table.setdefault(spelling, []).append((str(canonical), parents))
    return table


@dictionary_cache
def _basis_table() -> dict[str, str]:
    return spelling_table(load_dictionary("basis"), match_key, "basis.yaml")


@dictionary_cache(maxsize=4096)
def canonical_level1(raw: str | None) -> str | None:
    """产出指标 / 效益指标 / 满意度指标 / 成本指标 / 投入指标, or None when not listed."""
    return _level1_table().get(_level_key(raw))


def _level1_prefix(key: str) -> tuple[str, str] | None:
    """(spelling, canonical 一级) of the longest 一级 spelling `key` starts with, leaving a remainder."""
    found = [(spelling, level1) for spelling, level1 in _level1_table().items()
             if key.startswith(spelling) and len(key) > len(spelling)]
    return max(found, key=lambda f: len(f[0]), default=None)


@dictionary_cache(maxsize=4096)
def canonical_level2(raw: str | None, level1: str | None = None) -> str | None:
    """Canonical 二级指标 (数量指标, 生态效益指标 …), or None when not listed or ambiguous.

    `level1` (raw or canonical) settles spellings shared by two 二级: 经济 under 效益指标 is
    经济效益指标, under 成本指标 经济成本指标.
    """
    key = _level_key(raw)
    candidates = _level2_table().get(key, [])
    if not candidates and (parent := _level1_prefix(key)):  # 产出数量, 效益社会: the 一级 written in front
        candidates = [c for c in _level2_table().get(key[len(parent[0]):], []) if parent[1] in c[1]]
    if len(candidates) == 1:
        return candidates[0][0]
    parent = canonical_level1(level1)
    matching = [canonical for canonical, parents in candidates if parent in parents]
    return matching[0] if len(matching) == 1 else None


@dictionary_cache
def level_spellings() -> tuple[str, ...]:
    """Every 一级 and 二级 name and spelling as levels.yaml writes it, bare (产出, 数量, 经济效益 …) and whole."""
    levels = load_dictionary("levels")
    names = {*levels["level1"], *levels["level2"]}
    names |= {s for spellings in levels["level1"].values() for s in spellings or []}
    names |= {s for entry in levels["level2"].values() for s in entry.get("spellings", [])}
    return tuple(sorted({_LEVEL_SUFFIX.sub("", str(n)) for n in names} | {str(n) for n in names}))


def canonical_levels(level1_raw: str | None, level2_raw: str | None) -> tuple[str | None, str | None]:
    """(一级, 二级) of one row. A form whose 一级 column holds its own heading (实施效果指标, 过程管理指标)
    and whose 二级 column holds the 一级 names (产出指标, 效益指标) is read one level up: the 二级 cell
    gives the 一级, and the row has no canonical 二级 unless that cell also names one (满意度)."""
    level1 = canonical_level1(level1_raw)
    level2 = canonical_level2(level2_raw, level1)
    if level1 is None and level1_raw and (shifted := canonical_level1(level2_raw)) is not None \
            and (level2 is None or parent_level1(level2) == shifted):
        return shifted, level2
    return level1, level2


@dictionary_cache(maxsize=4096)
def parent_level1(level2: str | None) -> str | None:
    """The 一级 a canonical 二级 belongs to, when it has exactly one (数量指标 → 产出指标).

    Lets a row whose 一级 cell was lost (a merged cell cut by a page break, an unruled PDF
    that prints the label once mid-block) still get its canonical 一级.
    """
    parents = {parent for canonical, parents in _level2_table().get(_level_key(level2), [])
               if canonical == level2 for parent in parents}
    return parents.pop() if len(parents) == 1 else None


def in_another_block(level2: str | None, level1: str | None) -> bool:
    """Whether a canonical 二级 belongs under another 一级 than `level1`, of the blocks forms never nest
    (levels.yaml separate_blocks: 社会效益指标 is never under 产出指标; 满意度 may sit under 效益指标)."""
    separate = load_dictionary("levels").get("separate_blocks", ())
    parent = parent_level1(level2)
    return parent is not None and level1 in separate and parent in separate and parent != level1


@dictionary_cache(maxsize=4096)
def canonical_basis(raw: str | None) -> str | None:
    """计划标准 / 行业标准 / 历史标准 / 预算支出标准 / 其他, or None when not listed or mixed."""
    table = _basis_table()
    whole = table.get(match_key(raw))
    if whole is not None:
        return whole
    parts = {table.get(match_key(part)) for part in _BASIS_PARTS.split(compact(raw)) if match_key(part)}
    return parts.pop() if len(parts) == 1 else None
