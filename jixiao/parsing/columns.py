"""Column roles of a candidate indicator table, from its header and from what its columns hold.

A form names its columns in its own words, so a header the vocabulary does not know is not
guessed from its position: each column is scored from its header (the spellings of headers.yaml,
then the same after a year or a note is cut, then the words of `role_words`) and from its cells
below the header (the share that are 一级/二级 names, operators, values; their length). Where
two columns claim one role (中期 | 年度 blocks, 2023年实际值 | 2024年目标值, 半年 | 全年), the
annual target of the document's year wins and the other keeps a role only where the data has a
column for it (an actual). Whatever is still unknown is named, so the caller can say so instead
of storing a silent mis-map.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from jixiao.dictionaries import dictionary_cache, load_dictionary
from jixiao.normalizers.levels import canonical_level1, canonical_level2
from jixiao.normalizers.text import compact
from jixiao.normalizers.units import normalize_unit
from jixiao.normalizers.values import parse_indicator_value
from jixiao.model.document import Cell
from jixiao.parsing.grid import Row
from jixiao.parsing.records import clean, meaningful
from jixiao.parsing.vocabulary import (indicator_role, indicator_role_near, is_footer_text, is_operator,
                                       is_target_kind, project_column_role)

VALUE_ROLES = ("value_with_unit", "value", "target")
# a column headed by a place (西坪镇尧山村, 笏石街道办): a form giving one target per township or village
_PLACE = re.compile(r"^.{2,14}(?:镇|乡|街道|街道办|办事处|村|社区|县|区)$")
NAME_ROLES = ("level1", "level2", "level3", "description")
_YEAR = re.compile(r"(20\d\d)(?:年度|年)?")


@dataclass(frozen=True)
class ColumnProfile:
    """What the cells under a header hold (non-empty cells only)."""

    n: int = 0
    level1: float = 0.0  # share that are 一级 names
    level2: float = 0.0  # share that are 二级 names
    operator: float = 0.0  # share that are a lone operator (≥, 不低于)
    value: float = 0.0  # share that read as a number, rate, grade or deadline
    unit: float = 0.0  # share that are a unit alone (%, 个, 元/村)
    mean_length: float = 0.0


@dataclass
class Column:
    col: int
    header: str  # the header text, folded ("" when the header cell is empty or spans from the left)
    role: str | None = None
    how: str = ""  # header | header-words | content
    group: int | None = None  # the column its header cell starts in, when that cell spans several


@dataclass
class ColumnRoles:
    roles: dict[str, int]  # role -> grid column
    unresolved: list[str] = field(default_factory=list)  # headers of columns holding values or levels but no role
    decided: list[str] = field(default_factory=list)  # how roles not given by the vocabulary were decided
    actual_of_past: bool = False  # the actual column reports an earlier year (2023年实际值 in a 2024 target form)
    places: list[int] = field(default_factory=list)  # one target column per township/village (笏石街道 | 埭头镇)


_STANDARD_ROLES = ("basis", "note")  # 绩效标准, 评分标准: a heading that may span the grade columns under it


@dictionary_cache
def _generic_name_headings() -> frozenset[str]:
    return frozenset(compact(h) for h in load_dictionary("headers").get("generic_name_headings", []))


@dictionary_cache
def _role_words() -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """(role, words the header must contain one of, words it must contain none of), in order."""
    rules = load_dictionary("headers").get("role_words", [])
    return [(r["role"], tuple(r["any"]), tuple(r.get("none", ()))) for r in rules]


def header_role(text: str | None, year: int | None = None) -> tuple[str | None, str]:
    """(role, how) of one header cell: the vocabulary, the vocabulary once a year or period is cut,
    then the role words ("绩效指标内容" → level3, "2024年预期值" → value)."""
    if role := indicator_role(text):
        return role, "header"
    folded = compact(text)
    if not folded or len(folded) > 24 or project_column_role(text):
        return None, ""
    bare = _YEAR.sub("", folded)
    if bare != folded and (role := indicator_role(bare)):
        return role, "header-year"
    worded = next((role for role, any_words, none_words in _role_words()
                   if any(w in bare for w in any_words) and not any(w in bare for w in none_words)), None)
    near = indicator_role_near(bare)
    if near and worded in (None, near):  # 指标分值 is near 指标值 in spelling, but its word 分值 says weight
        return near, "header-similar"
    return (worded, "header-words") if worded else (None, "")


def profile(texts: Iterable[str | None], year: int | None = None) -> ColumnProfile:
    cells = [c for t in texts if (c := compact(t)) and (meaningful(c) or is_operator(c))]
    if not cells:
        return ColumnProfile()
    n = len(cells)
    level1 = sum(canonical_level1(c) is not None for c in cells) / n
    level2 = sum(canonical_level2(c) is not None for c in cells) / n
    operators = sum(is_operator(c) for c in cells)  # 定性 beside ≤ in one column: the row has no comparator
    operator = (operators + sum(is_target_kind(c) for c in cells)) / n if operators else 0.0
    value = sum(parse_indicator_value(c, year).value_kind != "text" for c in cells) / n
    unit = sum(_is_unit(c) for c in cells) / n
    return ColumnProfile(n=n, level1=level1, level2=level2, operator=operator, value=value, unit=unit,
                         mean_length=sum(len(c) for c in cells) / n)


def holds_levels(row: Row, col: int, year: int | None) -> bool:
    """The column's cells are 一级/二级 names: a level column whatever its header says (绩效目标 over
    投入 | 产出 in a 2017 form is not a project's goal)."""
    p = profile(body_texts(row, col), year)
    return p.n >= 2 and max(p.level1, p.level2) >= 0.6


def holds_values(row: Row, col: int, year: int | None) -> bool:
    """The column's cells are targets (6500平方米, 80%以上): a value column whatever its header says (海南's 绩效目标
    beside 指标类型 | 绩效指标 is no project's goal)."""
    p = profile(body_texts(row, col), year)
    return p.n >= 2 and p.value >= 0.6 and p.mean_length <= 12


def _is_unit(text: str) -> bool:
    info = normalize_unit(text) if len(text) <= 6 and not re.search(r"\d", text) else None
    return info is not None and info.family != "unknown"


def body_end(row: Row, limit: int = 40) -> int:
    """The index of the first row past the header's body: a footer row (注：…), the header of the next table
    (what another table holds says nothing about this one's columns), or `limit` rows down."""
    for r in range(row.index + 1, min(row.index + 1 + limit, row.n_rows)):
        first = row.slots.get((r, 0))
        if first is not None and first.row == r and is_footer_text(first.text):
            return r
        starting = (row.slots.get((r, c)) for c in range(row.n_cols))
        if len({role for c, cell in enumerate(starting) if cell is not None and cell.row == r and cell.col == c
                and (role := indicator_role(cell.text))}) >= 3:
            return r
    return min(row.index + 1 + limit, row.n_rows)


def body_texts(row: Row, col: int, end: int | None = None) -> list[str | None]:
    """Texts of the cells starting in `col` below the header row, down to `end` (body_end's by default)."""
    texts = []
    for r in range(row.index + 1, body_end(row) if end is None else end):
        cell = row.slots.get((r, col))
        if cell is not None and cell.row == r and cell.col == col:
            texts.append(clean(cell.text))
    return texts


def _heading_cell(row: Row, col: int) -> Cell | None:
    """The header cell over `col`: in this row, or merged down from the row above (指标值 beside a 绩效指标
    group over 一级/二级/三级); a cell running on below the header is a row label, not a heading."""
    cell = row.owner(col)
    return cell if cell is not None and cell.row + cell.row_span - 1 <= row.index else None


def spelled_roles(row: Row) -> set[str]:
    """The roles the row's cells are spelled as in headers.yaml (the "header" roles of header_columns)."""
    return {role for col in range(row.n_cols)
            if (cell := _heading_cell(row, col)) is not None and cell.col == col and (role := indicator_role(cell.text))}


def header_columns(row: Row, year: int | None) -> list[Column]:
    """One Column per grid column, with the role its header cell gives it."""
    columns = []
    for col in range(row.n_cols):
        cell = _heading_cell(row, col)
        heading = cell is not None
        text = cell.text if heading and cell.col == col else ""
        role, how = header_role(text, year)
        group = cell.col if heading and cell.col_span > 1 else None
        before = columns[-1] if columns else None
        if not compact(text) and group is None and before is not None and (
                before.group is not None or before.role in (*VALUE_ROLES, *_STANDARD_ROLES)):
            # a 指标值 header over ≥ | 95 | %, or 绩效标准 over 优 | 良 | 中 | 差, that lost its span (published
            # text): the blank columns after it
            group = before.group if before.group is not None else before.col
            before.group = group
        columns.append(Column(col=col, header=compact(text), role=role, how=how, group=group))
    return columns


def resolve(row: Row, columns: list[Column], year: int | None, groups: dict[int, str]) -> ColumnRoles:
    """Roles from headers, then from content; one column per role (see the module doc)."""
    end = body_end(row)  # once for every column
    profiles = {c.col: profile(body_texts(row, c.col, end), year) for c in columns}
    _split_spanned(columns, profiles)
    _names_that_are_levels(columns, profiles)
    _unheaded_names(columns, profiles)
    for column in columns:
        if column.role is None and (role := _content_role(profiles[column.col], columns)):
            column.role, column.how = role, "content"
    decided: list[str] = []
    roles = _claim(columns, year, groups, decided)
    places = _places(columns, profiles, roles, decided)
    standards = {c.col for c in columns if c.role in _STANDARD_ROLES}
    unresolved = [c.header or f"column {c.col + 1}" for c in columns
                  if c.role is None and c.col not in roles.values() and c.col not in places
                  and c.group not in standards and _looks_like_data(profiles[c.col])]
    actual = next((c for c in columns if "actual" in roles and c.col == roles["actual"]), None)
    return ColumnRoles(roles=roles, unresolved=unresolved, decided=decided, places=places,
                       actual_of_past=actual is not None and _of_past(actual.header + groups.get(actual.col, ""), year))


def _claim(columns: list[Column], year: int | None, groups: dict[int, str], decided: list[str]) -> dict[str, int]:
    """role -> column: the preferred column of each role (_preference), one target, a name column."""
    roles: dict[str, int] = {}
    by_column = {c.col: c for c in columns}
    for column in sorted(columns, key=lambda c: _preference(c, year, groups)):
        if column.role is None:
            continue
        if column.role in roles:
            if column.role in ("value", "target") and "actual" not in roles and _says_actual(column.header):
                roles["actual"] = column.col
            continue
        roles[column.role] = column.col
        if column.how != "header":
            decided.append(f"{column.header or f'column {column.col + 1}'} → {column.role} ({column.how})")
    values = [role for role in VALUE_ROLES if role in roles]
    if len(values) > 1:  # 半年指标值 | 全年指标值 under two spellings: one target, the annual one
        keep = min(values, key=lambda r: _preference(by_column[roles[r]], year, groups))
        for role in values:
            if role != keep:
                decided.append(f"{by_column[roles.pop(role)].header} left unread: {by_column[roles[keep]].header} "
                               "is the year's target")
    if "level3" not in roles and "description" in roles:  # the name column under a description's spelling
        roles["level3"] = roles.pop("description")
        decided.append("no 三级指标 column: the description column holds the names")
    return roles


def _places(columns: list[Column], profiles: dict[int, ColumnProfile], roles: dict[str, int],
            decided: list[str]) -> list[int]:
    """Columns of one target per place (西坪镇尧山村 | 桃舟乡吾培村); the first is the value column unless
    the header names one."""
    places = [c.col for c in columns if _PLACE.search(c.header) and (c.role is None or c.how == "content")
              and _looks_like_data(profiles[c.col])]
    if len(places) < 2:
        return []
    how = {c.col: c.how for c in columns}
    if not any(r in roles and how[roles[r]] == "header" for r in VALUE_ROLES):
        for role in VALUE_ROLES:
            roles.pop(role, None)
        roles["value"] = places[0]
        decided.append(f"one target per place ({'、'.join(c.header for c in columns if c.col in places)})")
    return places


def _split_spanned(columns: list[Column], profiles: dict[int, ColumnProfile]) -> None:
    """A value header spanning several columns (指标值 over ≥ | 95 | %): each sub-column by its cells."""
    groups: dict[int, list[Column]] = {}
    for column in columns:
        if column.group is not None:
            groups.setdefault(column.group, []).append(column)
    for start, members in groups.items():
        head = next(c for c in members if c.col == start)
        if head.role not in VALUE_ROLES or len(members) < 2:
            continue
        value_role, roles = head.role, {}
        for column in members:
            p = profiles[column.col]
            if p.operator >= 0.8:
                roles[column.col] = "operator"
            elif p.unit >= 0.6:
                roles[column.col] = "unit"
        rest = [c for c in members if c.col not in roles]
        if not rest:
            continue
        roles[max(rest, key=lambda c: (profiles[c.col].value, -c.col)).col] = value_role
        for column in members:
            column.role, column.how = roles.get(column.col), "content"
            column.header = column.header or f"{head.header}[{column.col - start + 1}]"


def _names_that_are_levels(columns: list[Column], profiles: dict[int, ColumnProfile]) -> None:
    """指标类型 | 指标名称 | 指标值 | 指标描述 with 数量指标, 质量指标 … under 指标名称: the name column holds the
    二级 and the indicator is written in the description (the name then comes from there)."""
    if any(c.role == "level2" for c in columns):
        return
    for column in columns:
        if column.role == "level3" and profiles[column.col].n >= 2 and profiles[column.col].level2 >= 0.7:
            column.role, column.how = "level2", "content"


def _unheaded_names(columns: list[Column], profiles: dict[int, ColumnProfile]) -> None:
    """一级指标 | 二级指标 | (blank) | 绩效标准 | 指标值 with names under the blank heading: the 二级 heading
    spanned the name column in the form, so a blank-headed text column right after the levels, where no
    column is headed as the name, holds the names — as does one headed only 绩效指标 (指标类型 | 绩效指标 |
    绩效目标: headers.yaml generic_name_headings)."""
    if any(c.role == "level3" for c in columns):
        return
    levels = [c.col for c in columns if c.role in ("level1", "level2")]
    after = next((c for c in columns if levels and c.col == max(levels) + 1), None)
    if after is None or (after.header and after.header not in _generic_name_headings()) \
            or after.role is not None or after.group is not None:
        return
    p = profiles[after.col]
    if p.n >= 2 and max(p.value, p.level1, p.level2, p.operator) < 0.5:
        after.role, after.how = "level3", "content"


def _looks_like_data(p: ColumnProfile) -> bool:
    """Cells a reader would miss if the column were dropped: values, operators or level names."""
    return p.n > 0 and max(p.value, p.operator, p.level1, p.level2) >= 0.5


def _content_role(p: ColumnProfile, columns: list[Column]) -> str | None:
    """A role for a column its header does not name, when its cells leave no doubt."""
    if p.n == 0:
        return None
    taken = {c.role for c in columns if c.role}
    if p.level1 >= 0.6 and "level1" not in taken:
        return "level1"
    if p.level2 >= 0.6 and "level2" not in taken:
        return "level2"
    if p.operator >= 0.8 and "operator" not in taken:
        return "operator"
    if p.value >= 0.6 and not taken & set(VALUE_ROLES):
        return "value"
    return None


def _preference(column: Column, year: int | None, groups: dict[int, str]) -> tuple[int, int, int]:
    """Order in which columns claim a role: the annual block and the document's year (else the
    latest year named) first, then left to right."""
    context = column.header + groups.get(column.col, "")
    years = [int(y) for y in re.findall(r"20\d\d", context)]
    score = 0
    if year is not None and years:
        score += 0 if year in years else 2
    if any(w in context for w in ("中期", "长期", "半年", "上年", "去年", "实施期")):
        score += 1
    if any(w in context for w in ("年度", "全年", "本年")):
        score -= 1
    return score, -max(years, default=0), column.col


def _of_past(header: str, year: int | None) -> bool:
    """A header about an earlier year than the document's: 上年/去年, or 20xx before the document year."""
    years = [int(y) for y in re.findall(r"20\d\d", header)]
    return any(w in header for w in ("上年", "去年", "往年")) or bool(year and years and max(years) < year)


def _says_actual(header: str) -> bool:
    return any(w in header for w in ("实际", "完成值", "完成情况", "上年", "去年"))
