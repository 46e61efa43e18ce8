"""Indicator tables read by their header row: every column gets a role from dictionaries/headers.yaml.

A header row is found wherever it sits (its own table, inside a project table, after a label
column such as 绩效指标). Body rows are read by role, so a form with 指标性质 | 指标值 | 度量单位,
one with 指标值及单位, and a self-evaluation form with 年度指标值 | 全年实际值 | 得分 all give the same
record. Columns holding project fields (单位名称 | 项目名称 | 预算数 | 年度目标, merged down over each
project's rows) are reported separately so the project state can start one project per group.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jixiao.dictionaries import dictionary_cache
from jixiao.normalizers.levels import canonical_level1, canonical_level2, level_spellings
from jixiao.normalizers.text import compact
from jixiao.normalizers.value_checks import is_placeholder
from jixiao.parsing.columns import (NAME_ROLES, VALUE_ROLES, header_columns, holds_levels, holds_values, resolve,
                                    spelled_roles)
from jixiao.parsing.grid import Row
from jixiao.parsing.records import meaningful
from jixiao.parsing.vocabulary import (is_footer_text, is_operator, is_signoff, min_header_roles, money_unit,
                                       project_column_role, unit_line)

# roles read into TableIndicator fields of the same meaning
_TEXT_FIELDS = {"level1": "level1_raw", "level2": "level2_raw", "level3": "name_raw",
                "description": "description", "basis": "basis_raw", "actual": "actual",
                "explanation": "explanation"}
_NUMBER = re.compile(r"[(（]?(-?\d+(?:\.\d+)?)(?:分|%)?[)）]?")


@dataclass
class IndicatorHeader:
    roles: dict[str, int]  # indicator role -> grid column
    project_columns: dict[str, int] = field(default_factory=dict)  # project role -> grid column
    money_units: dict[str, str] = field(default_factory=dict)  # project role -> unit named in its header
    unresolved: list[str] = field(default_factory=list)  # headers of filled columns no role was found for
    decided: list[str] = field(default_factory=list)  # roles the vocabulary did not give, and how they were found
    n_cols: int = 0  # width of the table the header heads: a narrower or wider table after it is another table
    actual_of_past: bool = False  # its actual column is an earlier year's result: a target form, not a 自评表
    places: list[int] = field(default_factory=list)  # one target column per place: read when they agree
    text: str = ""  # the header as written, for the reason a row was admitted

    @property
    def reports_results(self) -> bool:
        """A 自评表's header: this year's actual or a score beside the target."""
        return "score" in self.roles or ("actual" in self.roles and not self.actual_of_past)

    def inferred(self) -> str | None:
        """The roles found without the vocabulary's spelling, and the columns left unread, for review."""
        notes = [*self.decided, *(f"{h}: not read" for h in self.unresolved)]
        return "; ".join(notes) or None

    def admission(self) -> str:
        """Why a body row under this header is an indicator: the header, and any role not spelled out."""
        note = f"; {'; '.join(self.decided)}" if self.decided else ""
        return f"row under the indicator header {self.text}{note}"

    @property
    def value_role(self) -> str:
        return next(r for r in VALUE_ROLES if r in self.roles)

    def body_columns(self) -> set[int]:
        """Columns of the indicator proper (levels, names, values), where a wide cell means a footer."""
        keep = (*NAME_ROLES, *VALUE_ROLES)
        return {col for role, col in self.roles.items() if role in keep}


def header_of(row: Row, year: int | None = None) -> IndicatorHeader | None:
    """The header of an indicator table when this row is one, else None.

    Two of its cells must be spelled as the vocabulary has them and one must name a level or an
    indicator; the other columns get their roles from their words or their cells (columns.py)."""
    if len(spelled_roles(row)) < 2:  # every row of every table is asked: the cheap test first
        return None
    columns = header_columns(row, year)
    if not {c.role for c in columns if c.role} & set(NAME_ROLES):
        return None
    others: dict[str, tuple[int, str]] = {}
    names = [c.col for c in columns if c.role == "level3"]
    for column in columns:
        project_role = project_column_role(column.header) if column.role is None else None
        if project_role == "goal" and names and column.col > names[0] \
                and not any(c.role in VALUE_ROLES for c in columns):
            column.role, column.how = "value", "after the names"  # 海南's 指标名称 | 绩效目标: the targets, in words
        elif project_role and not holds_levels(row, column.col, year) \
                and not (project_role == "goal" and holds_values(row, column.col, year)):
            others.setdefault(project_role, (column.col, column.header))
    project_cols = {col for col, _ in others.values()}
    resolved = resolve(row, [c for c in columns if c.col not in project_cols], year, _groups(row))
    roles = resolved.roles
    spelled = {c.role for c in columns if c.how == "header" and c.role in roles}
    # 序号 | 三级指标 | 年度指标值: a table of names and targets only, both spelled as forms spell them
    bare_pair = len(roles) == 2 and "level3" in spelled and bool(spelled & set(VALUE_ROLES))
    if ((len(roles) < min_header_roles() and not bare_pair) or not any(r in roles for r in VALUE_ROLES)
            or not any(r in roles for r in NAME_ROLES)):
        return None
    units = {role: unit for role, (_, text) in others.items() if (unit := money_unit(text))}
    text = "|".join(c.header for c in columns if c.col in roles.values())
    return IndicatorHeader(roles=roles, project_columns={r: c for r, (c, _) in others.items()}, money_units=units,
                           unresolved=resolved.unresolved, decided=resolved.decided, n_cols=row.n_cols, text=text,
                           actual_of_past=resolved.actual_of_past, places=resolved.places)


def _groups(row: Row) -> dict[int, str]:
    """The heading over each column in the row above (中期目标 | 年度目标 spanning their blocks)."""
    groups = {}
    for col in range(row.n_cols):
        cell = row.slots.get((row.index - 1, col))
        if cell is not None and cell.row + cell.row_span == row.index:
            groups[col] = compact(cell.text)
    return groups


def is_footer(row: Row, header: IndicatorHeader) -> bool:
    """A note or approval row (注：…, 财政部门审核意见 | （盖章）), or a cell starting in the indicator
    columns and spanning two of them: not an indicator — the table has ended."""
    body = header.body_columns()
    first = next((c for c in row.cells if c.text.strip()), None)
    if first is not None and is_footer_text(first.text) or any(is_signoff(c.text) for c in row.cells):
        return True
    if any(len(compact(c.text)) <= 8 and unit_line(c.text) for c in row.cells):
        return True  # 单位：万元 beside the next form's unit: the head of the next form, not an indicator
    for cell in row.cells:
        covered = set(range(cell.col, cell.col + cell.col_span)) & body
        if cell.col in body and len(covered) >= 2 and not is_level_name(cell.text):
            return True  # a level heading across the row (成本指标 with no indicator under it) goes on
    return False


def read_row(row: Row, header: IndicatorHeader) -> dict[str, str | float | None]:
    """The row's fields by role (raw text; levels as written, blank where the cell is blank)."""
    roles = header.roles
    text = {role: row.own_text(col) for role, col in roles.items()}
    values: dict[str, str | float | None] = {}
    for role, name in _TEXT_FIELDS.items():
        if role in roles:
            values[name] = text[role] if meaningful(text[role]) else None
    value = text.get(header.value_role)
    if len(place_targets(row, header)) > 1:
        value = None  # 1 | 2 | 1 under three villages: no one target for the project
    operator, direction = text.get("operator"), text.get("direction")
    if direction and is_operator(direction) and not is_operator(operator):
        # "指标方向" holding ≥ / 大于等于, its 指标性质 beside it 正向 / 反向: each column read for what it holds
        operator, direction = direction, operator
    # a template mark left as the value ("≥**%", "……") stays, so the value is flagged, not lost
    kept = value if meaningful(value) or is_placeholder(value) else None
    values["value_raw"] = compose_value(kept, operator, text.get("unit"))
    values["direction"] = direction_of(direction) or direction_of(operator) or (
        direction if meaningful(direction) else None)
    # a weight or score merged down over a group of rows belongs to the row where it starts
    for role in ("weight", "score"):
        if role in roles and row.starts_here(roles[role]):
            values[role] = number_cell(text[role])
    return values


def place_targets(row: Row, header: IndicatorHeader) -> set[str]:
    """The different targets a row gives its places (one column per township or village)."""
    return {compact(t) for col in header.places if meaningful(t := row.own_text(col))}


def compose_value(value: str | None, operator: str | None, unit: str | None) -> str | None:
    """指标性质 + 指标值 + 度量单位 as one value ("≥" "95" "%" → "≥95%"), never doubling what the
    value cell already says: the operator only before a bare number, the unit only after one."""
    if value is None:
        return None
    composed = value
    if operator and is_operator(operator) and re.match(r"^[-+.]?\d", compact(value)):
        composed = f"{operator.strip()}{composed}"
    if unit and meaningful_unit(unit) and re.search(r"\d$", compact(value)):
        composed = f"{composed}{unit.strip()}"
    return composed


def meaningful_unit(unit: str) -> bool:
    folded = compact(unit)
    return bool(folded) and folded not in ("-", "—", "/", "无", "…", "……") and not re.search(r"\d", folded)


def direction_of(text: str | None) -> str | None:
    """正向 / 反向 from a 指标方向性 or 指标性质 cell ("正向指标" → 正向), else None."""
    folded = compact(text)
    if not folded:
        return None
    for word in ("正向", "反向"):
        if word in folded:
            return word
    return None


def number_cell(text: str | None) -> float | None:
    """A weight or score: a cell that is a number (16, 16分, 20%, （10分）), not text holding one (指标1：)."""
    match = _NUMBER.fullmatch(compact(text))
    return float(match.group(1)) if match else None


@dictionary_cache
def _level_names() -> frozenset[str]:
    return frozenset(compact(n) for n in level_spellings())


def is_level_fragment(text: str | None) -> bool:
    """The first characters of a level name and no more ("时" of 时效指标): a row cut off mid-cell."""
    bare = compact(text)
    return (meaningful(bare) and canonical_level1(bare) is None and canonical_level2(bare) is None
            and any(name.startswith(bare) and name != bare for name in _level_names()))


def is_level_name(text: str | None) -> bool:
    """A 一级 or 二级 name as forms write them (产出指标, 数量指标（20分）)."""
    return canonical_level1(text) is not None or canonical_level2(text) is not None


