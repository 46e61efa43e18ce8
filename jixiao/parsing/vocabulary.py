"""The form vocabulary (dictionaries/headers.yaml, forms.yaml) as lookups the parser asks.

Everything a person extends when a new province's form arrives lives in those two files:
header spellings of indicator and project columns, field labels, headings, title words.
This module only folds text the same way for every lookup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from jixiao.dictionaries import DictionaryError, dictionary_cache, load_dictionary
from jixiao.dictionaries.characters import simplified, simplified_spans, written_span
from jixiao.normalizers.text import compact
from jixiao.normalizers.units import money_factor

_BRACKETED = re.compile(r"[(\[【][^()\[\]【】]*[)\]】]")
_LEADING_QIZHONG = re.compile(r"^其中[:：]?")
_MONEY_UNIT = re.compile(r"(亿元|百万元|万元|千元|元)")
_UNIT_LINE = re.compile(r"(?:金额)?单位[:：]\s*(亿元|百万元|万元|千元|元)")


def fold(text: str | None) -> str:
    """Width-folded, whitespace-free, a required-field mark (*指标值, ★) and a trailing colon dropped:
    the form all lookups compare."""
    return compact(text).lstrip("*★☆").rstrip(":：")


def _unbracketed(folded: str) -> str:
    return _BRACKETED.sub("", folded).rstrip(":：")


def money_unit(text: str | None) -> str | None:
    """The money unit a label or header names in brackets ("年度金额（万元）" → 万元)."""
    for note in re.findall(r"[(\[【]([^()\[\]【】]*)[)\]】]", compact(text)):
        match = _MONEY_UNIT.search(note)
        if match:
            return match.group(1)
    return None


def scale_to_wan(unit: str) -> float:
    """How many 万元 one `unit` is (元 → 0.0001): units.yaml is the one source of unit factors."""
    factor = money_factor(unit, "万元")
    if factor is None:
        raise DictionaryError(f"units.yaml has no money unit {unit!r} (family money, base 元)")
    return float(factor)


def unitless_yuan_from() -> float:
    """An amount written with no unit anywhere (cell, label, 单位 line) is in 元 from this size on."""
    return float(_forms().get("unitless_yuan_from", 100000))


def unit_line(text: str | None) -> str | None:
    """The unit a "单位：万元" / "金额单位：元" line states, wherever it sits in the text."""
    match = _UNIT_LINE.search(compact(text))
    return match.group(1) if match else None


# ---------------------------------------------------------------------------- table headers


@dictionary_cache
def _headers() -> dict:
    return load_dictionary("headers")


@dictionary_cache
def _spelling_table(section: str, name: str) -> dict[str, str]:
    data = (_headers() if name == "headers" else _forms())[section]
    return {fold(spelling): role for role, spellings in data.items() for spelling in spellings}


def _lookup(text: str | None, table: dict[str, str]) -> str | None:
    folded = fold(text)
    if not folded or len(folded) > 24:
        return None
    return table.get(folded) or table.get(_unbracketed(folded))


def indicator_role(text: str | None) -> str | None:
    """The role of an indicator-table header cell (level1, value, unit, actual …), or None."""
    return _lookup(text, _spelling_table("indicator_columns", "headers"))


def indicator_role_near(text: str | None) -> str | None:
    """The role of a header cell a character or two off a listed spelling ("级指标" lost its 一, "指标值值"),
    by rapidfuzz similarity ≥ headers.yaml `fuzzy_min`; never for short or long text."""
    folded = _unbracketed(fold(text))
    if not 3 <= len(folded) <= 12:
        return None
    table = _spelling_table("indicator_columns", "headers")
    # a Chinese header's head noun is its last character (指标值 → 值): a near spelling must keep it, so
    # 绩效指标 is not 绩效指标值 and 年度指标 is not 年度指标值
    near = [spelling for spelling, _, _ in process.extract(folded, table.keys(), scorer=fuzz.ratio, limit=5,
                                                           score_cutoff=float(_headers()["fuzzy_min"]))
            if spelling[-1] == folded[-1]]
    return table[near[0]] if near else None


def project_column_role(text: str | None) -> str | None:
    """The role of a project column in a multi-project table (project_name, budget …), or None."""
    return _lookup(text, _spelling_table("project_columns", "headers"))


def min_header_roles() -> int:
    return int(_headers().get("min_roles", 3))


# ---------------------------------------------------------------------------- field labels


@dictionary_cache
def _forms() -> dict:
    return load_dictionary("forms")


@dataclass(frozen=True)
class Label:
    key: str  # project_name, budget, fiscal …
    unit: str | None  # money unit named in the label's brackets


def name_max_chars() -> int:
    """The longest text taken for a project's name (forms.yaml project_name_max_chars)."""
    return int(_forms().get("project_name_max_chars", 80))


def field_label(text: str | None) -> Label | None:
    """The field a label cell names ("年度本级预算金额" → budget), or None for any other text."""
    folded = fold(text)
    if not folded or len(folded) > _forms().get("label_max_chars", 16):
        return None
    table = _spelling_table("fields", "forms")
    bare = _LEADING_QIZHONG.sub("", _unbracketed(folded))
    if folded in _headings() or bare in _headings():
        return None
    for candidate in (folded, _LEADING_QIZHONG.sub("", folded), bare):
        if candidate in table:
            return Label(table[candidate], money_unit(text))
    slack = _forms().get("label_prefix_max", 4)
    for cut in range(min(slack, len(bare) - 3) + 1):  # the longest spelling ending `bare` after a short prefix
        if bare[cut:] in table:
            return Label(table[bare[cut:]], money_unit(text))
    return None


def money_label(text: str | None) -> Label | None:
    """A money field under a label the field list does not spell ("预算资金", "项目总预算", "年度预算（元）"):
    a label naming money (forms.yaml money_labels.nouns) and nothing that makes it another amount (spent,
    carried over, a code or a heading). Callers take it only when an amount sits beside it."""
    folded = fold(text)
    bare = _LEADING_QIZHONG.sub("", _unbracketed(folded))
    words = _forms()["money_labels"]
    if not bare or len(bare) > _forms().get("label_max_chars", 16) or bare[0].isdigit():
        return None
    if not any(noun in bare for noun in words["nouns"]) or any(word in bare for word in words["not"]):
        return None
    for key in ("other", "fiscal"):
        if any(word in bare for word in words[key]):
            return Label(key, money_unit(text))
    return Label("budget", money_unit(text))


@dictionary_cache
def _headings() -> frozenset[str]:
    return frozenset(fold(h) for h in _forms().get("headings", []))


def is_column_heading(text: str | None) -> bool:
    """A column heading of a key/value block (全年预算数, 资金到位情况): its row names columns."""
    folded = fold(text)
    return bool(folded) and (folded in _headings() or _unbracketed(folded) in _headings())


def is_heading(text: str | None) -> bool:
    """A label, a column heading or an indicator header: text that is never a field's value."""
    folded = fold(text)
    return bool(folded) and (folded in _headings() or _unbracketed(folded) in _headings()
                             or field_label(text) is not None or indicator_role(text) is not None
                             or project_column_role(text) is not None)


@dictionary_cache
def _operator_words() -> frozenset[str]:
    prefixes = load_dictionary("operators")["prefix"]
    return frozenset(compact(w) for words in prefixes.values() for w in words)


_TOTAL_TAIL = re.compile(r"[:：]?\d+(\.\d+)?(分|%)?[。.]?|[(（]\d+(\.\d+)?分?[)）]")  # 100分。 or (100分)


@dictionary_cache
def _target_kinds() -> frozenset[str]:
    return frozenset(compact(w) for w in load_dictionary("operators").get("target_kinds", []))


def is_target_kind(text: str | None) -> bool:
    """定性 / 正向指标: a cell naming what kind of target a row has (operators.yaml target_kinds)."""
    return compact(text) in _target_kinds()


def is_operator(text: str | None) -> bool:
    """A cell that is only a comparator as operators.yaml spells them (≥, 不低于), in an operator or
    direction column — not 正向/定量 (is_target_kind)."""
    folded = compact(text)
    return bool(folded) and folded in _operator_words()


def is_list_heading(text: str | None) -> bool:
    """"序号": the first column heading of a list (recipients, villages, projects with amounts)."""
    return fold(text) in _forms().get("list_headings", [])


def is_signoff(text: str | None) -> bool:
    """"…科室（盖章）", "负责人签字": a stamp or signature line, never an indicator."""
    folded = compact(text)
    return bool(folded) and len(folded) <= 40 and any(w in folded for w in _forms().get("signoffs", []))


def is_total(text: str | None) -> bool:
    """"合计", "总 分", "得分合计100。": a total row's label, alone or with its figure after it."""
    folded = fold(text)
    return any(folded == word or (folded.startswith(word) and _TOTAL_TAIL.fullmatch(folded[len(word):]))
               for word in _forms().get("totals", []))


def is_footer_text(text: str | None) -> bool:
    """"注：…", "财政部门审核意见", "填表人：…": text that ends an indicator table."""
    folded = compact(text)
    return any(folded == word or folded.startswith((f"{word}:", f"{word}：")) or
               (len(word) >= 4 and folded.startswith(word)) for word in _forms().get("footers", []))


# ---------------------------------------------------------------------------- titles and kinds


def is_form_title(text: str | None) -> bool:
    """"…绩效目标申报表（基础设施建设类）", "…自评表", "区域绩效目标表": a form's title, by its words."""
    titles = _forms()["titles"]
    folded = compact(text)
    if not folded or len(folded) > titles.get("max_chars", 60):
        return False
    core = re.sub(r"(?:[(\[【][^()\[\]【】]*[)\]】])+$", "", folded)
    return (any(word in core for word in titles["must_contain"])
            and any(core.endswith(ending) for ending in titles["endings"]))


def title_kind(text: str | None) -> str | None:
    """The form kind a title names (self_evaluation, region, department, project), else None."""
    folded = compact(text)
    for kind, words in _forms()["kinds"].items():
        if any(word in folded for word in words):
            return kind
    return None


def title_subject(text: str | None) -> str | None:
    """What a title is about once the form words are cut: "X项目绩效目标申报表" → "X项目"."""
    written = re.sub(r"^\s*(?:\d+\s*[、.．]|(?:附?表|附件)\s*\d*\s*[:：])\s*", "", (text or "").strip())  # 2、 表1:
    written = re.sub(r"(?:[(（\[【][^()（）\[\]【】]*[)）\]】])+\s*$", "", written).strip()
    folded, spans = simplified_spans(written)  # the form words found as simplified, the subject kept as written
    whole = _ends_with_form_word(folded)  # X项目绩效目标, a heading over the project's targets: no 表 after it
    for ending in ("项目支出绩效目标", "支出绩效目标", "绩效目标", "绩效自评", "绩效"):
        index = folded.find(ending)
        if index >= 0 and (_ends_with_form_word(folded[index:]) or (whole and folded.endswith(ending))):
            index -= 2 if folded[:index].rstrip().endswith("项目项目") else 0  # X项目 + 项目绩效目标
            subject = written_span(written, spans, 0, index).strip() if index > 0 else ""
            return subject if _names_something(subject) else None
    return None


def _names_something(subject: str) -> bool:
    """Not only a year and the form's generic words ("2022年度项目支出", "区级部门预算项目")."""
    rest = re.sub(r"20\d\d\s*年度?", "", compact(subject))
    for word in sorted(_forms()["generic_subject_words"], key=len, reverse=True):
        rest = rest.replace(word, "")
    return bool(rest)


def stated_budgets(text: str | None) -> set[float]:
    """Budgets a line states in words (项目资金预算484.45万元, 预算资金100万元: forms.yaml stated_budget_labels
    right before the amount), in 万元."""
    labels = "|".join(re.escape(w) for w in _forms()["stated_budget_labels"])
    found = re.findall(rf"(?:{labels})(?:为|共|计|合计)?\s*(\d+(?:\.\d+)?)\s*(万元|元)", compact(text or ""))
    return {float(n) / (10000 if unit == "元" else 1) for n, unit in found}


def quoted_subject(text: str | None) -> str | None:
    """The project a notice names in quotes (关于“2018生物实验教学中心建设项目”预算绩效评价结果的公示):
    a quoted name ending in a project word (forms.yaml quoted_subjects), else None."""
    words = _forms()["quoted_subjects"]
    for name in re.findall(r"[“\"「『]([^”\"」』]{4,60})[”\"」』]", text or ""):
        if any(compact(name).endswith(w) for w in words) and not _CODED.match(compact(name)):
            return name.strip()
    return None


# “01中央直达资金”, “2011308招商引资”: a code's label, not a project (a year opening a name, 2018化学…, is none)
_CODED = re.compile(r"^(?!(?:19|20)\d\d(?!\d))\d+")


def _ends_with_form_word(tail: str) -> bool:
    return any(compact(tail).endswith(e) for e in _forms()["titles"]["endings"])


def is_whole_department(title: str | None) -> bool:
    """A form title naming the whole department (2024年祁东县部门整体支出绩效目标表), whose "project" has no
    name — not one naming a fund before it (2020年忠烈祠免费开放经费…部门整体支出绩效自评表)."""
    folded = fold(simplified(title or ""))
    at = min((i for w in _forms().get("whole_department_titles", []) if (i := folded.find(fold(w))) >= 0),
             default=-1)
    return at >= 0 and not any(w in folded[:at] for w in _forms()["quoted_subjects"])


def department_markers() -> list[str]:
    return list(_forms().get("department_markers", []))
