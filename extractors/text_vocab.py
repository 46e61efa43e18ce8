"""The words a run-together form is split at, from the dictionaries the parser also reads.

A published text that lost its cell boundaries can only be cut back into cells where a known word
stands: an indicator header word (headers.yaml, text_layout.yaml), a 一级/二级 name (levels.yaml), a
field label or column heading (forms.yaml, text_layout.yaml `stream`). The reader does not interpret
them beyond the kind of cell they are; what a column means stays the parser's business.
"""

from __future__ import annotations

import re
import unicodedata

from jixiao.dictionaries import dictionary_cache, load_dictionary
from jixiao.dictionaries.characters import simplified
from jixiao.extractors.text_kinds import cell_key, kind

# what a header word says about the cells below it
COLUMN_KINDS = {"level1": "level1", "level2": "level2", "level3": "name", "description": "text",
                "value": "val", "value_with_unit": "val", "target": "val", "actual": "val", "weight": "num",
                "score": "num", "operator": "op", "unit": "unit", "direction": "text", "basis": "basis",
                "explanation": "text", "note": "text"}
_BRACKET_TAIL = re.compile(r"[(（][^()（）]{0,12}[)）]$")
_QIZHONG = re.compile(r"^其中[:：]?")
_SCORE = re.compile(r"[(（]?[\d\-~～.]*分?[)）]?分?$")


def fold(text: str) -> str:
    """Width-folded, no whitespace, read as simplified Chinese, no leading ★/*, no trailing colon: how
    vocabulary is compared."""
    return simplified(re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))).lstrip("★*").rstrip(":：")


_BRACKETS = re.compile(r"[()（）]")


def _bare(text: str) -> str:
    return _BRACKET_TAIL.sub("", fold(text)).rstrip(":：")


@dictionary_cache
def header_words() -> dict[str, str]:
    """Header word (folded) → the kind of cell below it (level1, level2, name, val, num, op, unit, text)."""
    words: dict[str, str] = {}
    bare = {fold(w) for w in load_dictionary("text_layout")["stream"]["name_headings"]}  # 指标: only in context
    for role, spellings in load_dictionary("headers")["indicator_columns"].items():
        for spelling in spellings:
            if fold(spelling) not in bare:
                words.setdefault(_bare(spelling), COLUMN_KINDS.get(role, "text"))
    for spelling in load_dictionary("text_layout")["cell_per_line"]["headers"]:
        words.setdefault(_bare(spelling), "text")
    for spelling in load_dictionary("text_layout")["stream"].get("value_headings", []):
        words.setdefault(_bare(spelling), "val")
    return words


def header_kind(text: str) -> str | None:
    """The column kind a header cell names, or None when it is no header word."""
    folded = fold(text)
    if not folded or len(folded) > 24:
        return None
    words = header_words()
    bare = _bare(folded)
    qualified = next((bare[len(q):] for q in _qualifiers() if bare.startswith(q)), None)
    return words.get(folded) or words.get(bare) or _bracketless_words().get(_BRACKETS.sub("", folded)) or (
        words.get(qualified) if qualified and len(qualified) >= 3 else None)


@dictionary_cache
def _qualifiers() -> tuple[str, ...]:
    """Words a value column's heading may open with (计划指标值, 预期完成值): text_layout.yaml."""
    return tuple(fold(w) for w in load_dictionary("text_layout")["header_qualifiers"])


@dictionary_cache
def _bracketless_words() -> dict[str, str]:
    """header_words keyed without their brackets: 评(扣分标准) as a clerk bracketed 评（扣）分标准."""
    return {_BRACKETS.sub("", w): k for w, k in header_words().items() if _BRACKETS.search(w)}


def column_kind(text: str) -> str:
    """The kind of a header cell as a column: its header word's, else that of the header word it ends
    with ("全年完成值" → 完成值), else text."""
    if found := header_kind(text):
        return found
    folded = _bare(text)
    ends = [w for w in header_words() if len(w) >= 3 and folded.endswith(w)]
    return header_words()[max(ends, key=len)] if ends else "text"


@dictionary_cache
def _forms() -> tuple[frozenset[str], frozenset[str], frozenset[str], int]:
    forms = load_dictionary("forms")
    stream = load_dictionary("text_layout")["stream"]
    fields = {fold(s) for spellings in forms["fields"].values() for s in spellings}
    identity = {fold(s) for key in ("project_name", "project_code") for s in forms["fields"][key]}
    fields |= {fold(s) for s in stream["labels"]}
    headings = {fold(s) for s in [*forms["headings"], *stream["headings"]]}
    return frozenset(fields), frozenset(identity), frozenset(headings), int(forms.get("label_prefix_max", 4))


def label_kind(text: str) -> str | None:
    """"label" for a field label (项目名称, 年度资金总额:, 其中:财政拨款), "heading" for a column heading
    (全年预算数(A), 执行率), "identity" for a label that starts a project (项目名称, 项目编码), else None."""
    folded = fold(text)
    if not folded or len(folded) > 20:
        return None
    fields, identity, headings, slack = _forms()
    bare = _QIZHONG.sub("", _bare(folded))
    if folded in headings or bare in headings:
        return "heading"
    if bare in identity:
        return "identity"
    if bare in fields or any(bare[cut:] in fields for cut in range(1, min(slack, len(bare) - 3) + 1)):
        return "label"
    if _QIZHONG.match(folded) and not re.search(r"\d", folded):
        return "label"  # 其中：中央、省、市补助县级资金
    return None


def label_words() -> list[str]:
    """Every label and heading spelling, longest first (to cut glued text at)."""
    fields, _, headings, _ = _forms()
    return sorted(fields | headings, key=len, reverse=True)


def level_kind(text: str) -> str | None:
    """level1, level2 or level (either) for a 一级/二级 name, with a score tail (50分) or (0-20)分 allowed."""
    k = kind(text)
    if k in ("level1", "level2", "level"):
        return k
    folded = fold(text)
    cut = _SCORE.sub("", folded) if re.search(r"分[)）]?$|[)）]$", folded) else folded
    if cut and cut != folded:
        k = kind(cut)
        return k if k in ("level1", "level2", "level") else None
    return None


def _level_key(text: str) -> str:
    folded = fold(text)
    cut = _SCORE.sub("", folded) if re.search(r"分[)）]?$|[)）]$", folded) else folded
    return cell_key(cut or folded)


@dictionary_cache
def _level_parents() -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    levels = load_dictionary("levels")
    level1 = {cell_key(s): name for name, spellings in levels["level1"].items() for s in [name, *(spellings or ())]}
    parents: dict[str, set[str]] = {}
    for name, entry in levels["level2"].items():
        for s in [name, *entry.get("spellings", ())]:
            parents.setdefault(cell_key(s), set()).update(entry.get("parents", ()))
    return level1, {k: frozenset(v) for k, v in parents.items()}


@dictionary_cache
def _full_level2_names() -> frozenset[str]:
    levels = load_dictionary("levels")
    return frozenset(fold(n) for n in levels["level2"]) - frozenset(fold(n) for n in levels["level1"])


def is_full_level2(text: str) -> bool:
    """A name spelled as only a 二级 is in full (服务对象满意度指标): a 二级 wherever it stands, although
    its shorter spellings (服务对象满意度) also name a 一级."""
    return _level_key(text) != fold(text) and fold(text) in _full_level2_names()


@dictionary_cache
def _level2_names() -> dict[str, str]:
    return {cell_key(s): name for name, entry in load_dictionary("levels")["level2"].items()
            for s in [name, *entry.get("spellings", ())]}


def is_same_level2(text: str, level2_text: str | None) -> bool:
    """Whether `text` names the same 二级 as `level2_text` (社会公众满意度 after 满意度指标): a second block of
    one 二级 never follows the first, so such a cell right after a row is the next row's name."""
    names = _level2_names()
    return level2_text is not None and names.get(_level_key(text)) is not None \
        and names.get(_level_key(text)) == names.get(_level_key(level2_text))


def is_sibling_level2(text: str, level2_text: str | None) -> bool:
    """Whether `text` can be a 二级 under the same 一级 as `level2_text` (成本指标 after 时效指标: both under
    产出指标), for a block whose 一级 cell the page lost."""
    _, parents = _level_parents()
    return level2_text is not None and bool(parents.get(_level_key(text), frozenset())
                                            & parents.get(_level_key(level2_text), frozenset()))


def is_level2_elsewhere(text: str, level1_text: str | None) -> bool:
    """Whether a 二级 name belongs under another block than this 一级 (社会效益 is not under 产出指标), of
    the blocks forms never nest (levels.yaml separate_blocks)."""
    level1, parents = _level_parents()
    known = parents.get(_level_key(text), frozenset())
    separate = set(load_dictionary("levels").get("separate_blocks", ()))
    block = level1.get(_level_key(level1_text or ""))
    return block in separate and bool(known) and known <= separate and block not in known


def is_level2_under(text: str, level1_text: str | None) -> bool:
    """Whether a 二级 name belongs under this 一级 (成本指标 under 产出指标; 满意度指标 not under 效益指标)."""
    level1, parents = _level_parents()
    return level1_text is not None and level1.get(_level_key(level1_text)) in parents.get(_level_key(text), ())


@dictionary_cache
def level_names() -> tuple[str, ...]:
    """Every 一级/二级 name written with its 指标/目标 ending (the spellings safe to cut glued text at)."""
    levels = load_dictionary("levels")
    names = set(levels["level1"]) | set(levels["level2"])
    names |= {s for spellings in levels["level1"].values() for s in spellings or ()}
    names |= {s for entry in levels["level2"].values() for s in entry.get("spellings", ())}
    bare = {fold(n)[:-2] if fold(n).endswith(("指标", "目标")) else fold(n) for n in names}
    full = {b + end for b in bare for end in ("指标", "目标")}  # 数量目标: older templates' spelling
    return tuple(sorted(full, key=len, reverse=True))


def is_level_prefix(text: str) -> bool:
    """The first characters of a level name and no more ("数量指" of 数量指标): a label broken over lines."""
    folded = fold(text)
    return len(folded) >= 2 and level_kind(folded) is None and any(
        n.startswith(folded) and n != folded for n in level_names())


@dictionary_cache
def _footers() -> tuple[str, ...]:
    return tuple(fold(w) for w in load_dictionary("forms")["footers"])


def is_footer(text: str) -> bool:
    """注：…, 填表人, 财政部门审核意见: text after which no indicator row follows."""
    folded = fold(text) + (":" if re.search(r"[:：]\s*$", text) else "")
    full = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return any(full.startswith((f"{w}:", f"{w}：")) or folded == w or (len(w) >= 4 and folded.startswith(w))
               for w in _footers())


def starts_with_footer(text: str) -> bool:
    """Glued text that opens with a footer word of two or more characters (说明无注：…, 填表人张三)."""
    folded = fold(text)
    return any(len(w) >= 2 and folded.startswith(w) for w in _footers())


@dictionary_cache
def totals() -> frozenset[str]:
    return frozenset(fold(w) for w in load_dictionary("text_layout")["stream"]["totals"])


def is_total(text: str) -> bool:
    """总分 / 合计: a table's total row."""
    return fold(text).lstrip(".…·") in totals()


@dictionary_cache
def unit_words() -> tuple[str, ...]:
    """Units a glued value may end with (units.yaml spellings that are not ASCII letters, and extras)."""
    words = {"%", "‰"}
    for name, entry in load_dictionary("units")["units"].items():
        words |= {s for s in [name, *entry.get("spellings", [])] if not re.fullmatch(r"[A-Za-z0-9²³]+", s)}
    words |= set(load_dictionary("text_layout")["stream"]["units"])
    return tuple(sorted(words, key=len, reverse=True))


@dictionary_cache
def operator_words() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Comparators written before a value (≥, 不低于 …) and after it (以上, 以内 …), longest first; one-character
    words (为, 是, 内) only as symbols, since a glued name is full of them."""
    ops = load_dictionary("operators")
    keep = (lambda w: len(w) >= 2 or not "\u4e00" <= w <= "\u9fff")  # noqa: E731
    before = {w for words in ops["prefix"].values() for w in words if keep(w)}
    after = {w for words in ops["suffix"].values() for w in words if keep(w)}
    return tuple(sorted(before, key=len, reverse=True)), tuple(sorted(after, key=len, reverse=True))


@dictionary_cache
def _basis_words() -> frozenset[str]:
    return frozenset(fold(w) for words in load_dictionary("basis").values() for w in words)


def is_basis(text: str) -> bool:
    """计划指标, 行业标准, 满意度调查: a 指标值确定依据 as basis.yaml spells it."""
    return fold(text) in _basis_words()


@dictionary_cache
def _slot_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    marks = load_dictionary("value_checks")["placeholders"]
    return re.compile(marks["bare_slot"]), re.compile(rf"^(?:{marks['marks']})+$")


def is_blank_slot(text: str) -> bool:
    """"指标2", "……": a template's numbered slot or fill-in marks left empty; never a value of the row before."""
    folded = fold(text)
    slot, marks = _slot_patterns()
    return bool(folded) and bool(slot.match(folded) or marks.match(folded))


@dictionary_cache
def _description_openers() -> tuple[str, ...]:
    words = load_dictionary("text_layout")["stream"]["description_openers"]
    return tuple(sorted((fold(w) for w in words), key=len, reverse=True))


def description_start(text: str, min_name: int = 2) -> int | None:
    """Where a description (反映…, 体现…) opens in a glued name + description, after a name of at least
    `min_name` characters; None when none does."""
    hits = [i for w in _description_openers() if (i := text.find(w, min_name)) >= 0]
    return min(hits) if hits else None
