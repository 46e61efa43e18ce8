"""Which body rows of an indicator table become indicators, with their levels carried down.

A row earns its place only under an indicator header (indicators.header_of), with a name or a value
that is not a template's blank slot, and is not a total (合计) — footers and stamp lines end the table
before it gets here (indicators.is_footer). Merged 一级/二级 cells are carried down the way a reader
sees them; a blank level where the table has that column, and a row cut off by the end of the page,
are counted so the document's status can say so.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from jixiao.normalizers.levels import canonical_level1, canonical_level2, in_another_block, parent_level1
from jixiao.normalizers.text import compact
from jixiao.normalizers.units import normalize_unit
from jixiao.normalizers.value_checks import is_bare_slot, is_choice_list, is_placeholder
from jixiao.normalizers.values import parse_indicator_value
from jixiao.parsing.grid import Row
from jixiao.parsing.columns import VALUE_ROLES, header_role
from jixiao.parsing.indicators import (IndicatorHeader, is_level_fragment, is_level_name, number_cell,
                                       place_targets, read_row)
from jixiao.parsing.records import Project, TableIndicator, meaningful
from jixiao.parsing.vocabulary import is_operator, is_target_kind, is_total


@dataclass
class IndicatorRows:
    indicators: list[TableIndicator] = field(default_factory=list)
    per_table: Counter[int] = field(default_factory=Counter)  # indicator rows read per project (table_no)
    last_levels: tuple[str | None, str | None] = (None, None)
    incomplete: str | None = None  # the last indicator row read, when it stops mid-row
    level_gaps: Counter[str] = field(default_factory=Counter)  # rows with a blank 一级/二级 where the table has one
    unread_columns: list[str] = field(default_factory=list)  # header cells over values no role was found for
    split_by_place: list[str] = field(default_factory=list)  # rows whose target differs between place columns
    set_aside: list[str] = field(default_factory=list)  # lone labels in the body (附件：, 百分比), not indicators
    # rows of a block whose own 一级 and 二级 are no level (预算绩效评价结果 | 考核节点进度完成率 | 10分): not read
    outside_levels: list[str] = field(default_factory=list)
    foreign_block: str | None = None  # the 一级 text of the block being skipped
    nameless: list[str] = field(default_factory=list)  # values of rows that name no indicator: not read
    past_end: list[str] = field(default_factory=list)  # rows after a table's footer that look like indicators
    after_total: bool = False  # a total row was read and no level name has opened a block since

    def new_header(self, header: IndicatorHeader, continued: bool) -> None:
        """A header row; a repeated one (a page break) keeps the levels of the rows above it."""
        self.unread_columns += [h for h in header.unresolved if h not in self.unread_columns]
        if not continued:
            self.last_levels = (None, None)
            self.foreign_block = None
            self.after_total = False

    def after_end(self, row: Row, ended: IndicatorHeader | None) -> None:
        """A row of a table after the footer that ended its indicators (`ended`): one that still has a level
        name in a level column and a target is counted, never dropped unsaid."""
        if ended is None:
            return
        values = read_row(row, ended)
        if (is_level_name(values.get("level1_raw")) or is_level_name(values.get("level2_raw"))) \
                and meaningful(values.get("value_raw")):
            self.past_end.append(values.get("name_raw") or values.get("level2_raw") or "?")

    def read(self, row: Row, header: IndicatorHeader, project: Project) -> None:
        """Add `row` to `project`'s indicators when it is one."""
        values = read_row(row, header)
        if len(place_targets(row, header)) > 1:
            self.split_by_place.append(values.get("name_raw") or "?")
        own_levels = [row.own_text(header.roles[r]) for r in ("level1", "level2")
                      if r in header.roles and row.starts_here(header.roles[r])]
        if any(is_total(cell.text) for cell in row.cells) or is_total(values.get("name_raw")):
            # 合计 | 100, 总分(100分) | 100: a total, not an indicator, wherever its label sits; all but a block's
            # 小计 end the indicators
            self.after_total = not any(compact(cell.text).startswith("小计") for cell in row.cells)
            return
        if self.after_total and not any(is_level_name(t) for t in own_levels):
            # below the total, the form's tail (偏差原因分析 | 无, 改进措施 | 无); a figure there is said
            if _BARE_FIGURE.match(compact(values.get("value_raw"))):
                self.past_end.append(values.get("name_raw") or "?")
            return
        self.after_total = False
        if self._outside_levels(row, header, values):
            return
        if "level3" in header.roles and not row.starts_here(header.roles["level3"]) \
                and not row.starts_here(header.roles[header.value_role]):
            return  # its name and its target both merged down from the row above: that row, continued
        if all(not compact(c.text) or is_placeholder(c.text) or is_bare_slot(c.text) for c in row.cells):
            return  # a template's blank slots (指标1： | 指标2：) under cells merged down from above: nothing of its own
        if any(_BARE_FIGURE.match(compact(t)) for t in own_levels if t):
            self.set_aside.append(values.get("name_raw") or "?")  # 505006 | 学校 | 30.00: a code under 二级, shifted
            return
        if self._level_heading(values, header, row):
            return
        guessed = self._carry_levels(values)
        if _headings(values) or _grade_bands(row):
            return  # 2021年实际值 | 预期2022年值: the second line of a two-row header
        if _is_level_label(values):
            self.set_aside.append(values["name_raw"])  # 产出指标 | 产出指标 | 正向: the 一级 read as the name,
            return  # the row's cells are out of their columns
        if is_choice_list(values.get("value_raw")) or is_choice_list(values.get("name_raw")):
            return  # 最近年度绩效评价情况 | 优秀□ 良好□ 合格□: a form field below the indicators, in either column
        if is_target_kind(values.get("value_raw")):
            values["value_raw"] = None  # 正向 / 定量 under 指标值: the row's value is not where its header says
        # a template row left blank ("指标1：" | "≥**%") is no indicator; a filled name keeps its placeholder value
        if not any(values.get(k) and not is_placeholder(values[k]) for k in ("name_raw", "description", "value_raw")) \
                or (is_bare_slot(values.get("name_raw")) and not _filled(values.get("value_raw"))):
            fragment = next((t for t in own_levels if is_level_fragment(t)), None)
            self.incomplete = f"'{fragment}'" if fragment and row.last else None
            return
        name = compact(values.get("name_raw"))
        if _BARE_FIGURE.match(name) and (name[0] in _OPERATORS or not _BARE_FIGURE.match(compact(values.get("value_raw")))
                                         or not is_level_name(values.get("level2_raw"))):
            # 90% | 计划标准, ≥50000人次 | 110406, or 100% under a 二级 that is a sentence: a target under the name,
            # the row shifted (a 成本 row named by its amount, 成本指标 | 20万元 | 100%, is read)
            self.set_aside.append(values["name_raw"])
            return
        if (re.search(r"\d", name) and parse_indicator_value(name).value_kind == "date") \
                or (len(name) > _LONGEST_NAME and "。" in name.rstrip("。")):
            # 12月底之前完成: a dated deadline is a target; sentences after sentences are a report's prose, not a name
            self.set_aside.append(values["name_raw"])
            return
        if _words_under_figures(row, header):
            self.set_aside.append(values["name_raw"])  # 众欢迎 | 受目的国受 under 得分: the row's cells are out of their columns
            return
        if _BAND.search(name) and _BAND.search(compact(values.get("value_raw"))):
            self.set_aside.append(values["name_raw"])  # 满意率98%以上 | 满意率80%以上: a standard's grade bands, no row
            return
        if not values.get("name_raw") and not values.get("description"):
            self.nameless.append(values.get("value_raw") or "?")  # a value no name goes with: said, not stored
            return
        if _repeated_label(row, header, values):
            self.set_aside.append(values["name_raw"])  # 预算执行率 | 预算执行率: one label copied over its cells
            return
        target = header.roles.get(header.value_role) if header.value_role else None
        if (target is not None and "operator" in header.roles and is_operator(row.own_text(target))) \
                or is_target_kind(values.get("name_raw")):
            # 数量指标 | 指标1:租车次数 | 正向 | 大于等于 under 三级 | 性质 | 方向 | 指标值: a comparator is never a target
            # where the form has a column for it, nor 正向 a name — the row's cells are one column off
            self.set_aside.append(values["name_raw"])
            return
        if _lone_label(values) and not row.last:
            self.set_aside.append(values["name_raw"])  # not stored, but said: the row may be a shifted one
            return
        if row.last and _nothing_measured(row, header):
            # the table ends on a row whose target, result and score cells are all blank: where a page or
            # excerpt was cut (公众满, 补助标准 | 15…), not a target; said, not stored
            self.incomplete = f"'{values.get('name_raw')}' has no 指标值"
            return
        self.incomplete = None
        self.level_gaps["一级"] += "level1" in header.roles and not values.get("level1_raw") and not _implied_level1(values)
        self.level_gaps["二级"] += "level2" in header.roles and not values.get("level2_raw")
        self.add(project, values, page=row.page, level1_guessed=guessed, admitted=header.admission(),
                 confidence=_confidence(row, header.roles.values()), columns_inferred=header.inferred())

    def _outside_levels(self, row: Row, header: IndicatorHeader, values: dict) -> bool:
        """True for a row of a block that a 一级 cell naming no level opens with a 二级 naming none either
        (a score block printed under the indicators): it is said, not stored. A block under an unusual
        一级 (项目决策) whose 二级 is a level (数量指标) is read."""
        if "level1" in header.roles and row.starts_here(header.roles["level1"]):
            level1, level2 = values.get("level1_raw"), values.get("level2_raw")
            self.foreign_block = level1 if meaningful(level1) and not is_level_name(level1) and not (
                level2 and is_level_name(level2)) and "level2" in header.roles else None
        if self.foreign_block is None:
            return False
        self.outside_levels.append(f"{self.foreign_block}: {values.get('level2_raw') or values.get('name_raw') or '?'}")
        return True

    def _level_heading(self, values: dict, header: IndicatorHeader, row: Row) -> bool:
        """一、投入目标 alone in the name column of a table with no column for that level (江苏's score tables):
        the heading of the rows below it, which carry it."""
        name = values.get("name_raw")
        level1, level2 = canonical_level1(name), canonical_level2(name)
        unheaded = (level1 and "level1" not in header.roles) or (level2 and not level1 and "level2" not in header.roles)
        if not name or not unheaded or not _nothing_measured(row, header) or values.get("description"):
            return False
        self.last_levels = (name, None) if level1 else (self.last_levels[0], name)
        return True

    def _carry_levels(self, values: dict) -> bool:
        """Fill blank 一级/二级 from the rows above (merged cells); True when the 一级 is only carried down."""
        level1, level2 = self.last_levels
        named = values.get("level2_raw")
        if not values.get("level1_raw") and canonical_level1(named) and not canonical_level2(named):
            values["level1_raw"], values["level2_raw"] = named, None  # 产出指标 under 二级: the 一级 one column right
        if not values.get("level1_raw") and in_another_block(canonical_level2(named), canonical_level1(level1)):
            level1 = None  # 社会效益 after 产出指标's rows, its 一级 cell lost: not under 产出 (its own 一级 is implied)
        guessed = not values.get("level1_raw") and level1 is not None
        if values.get("level1_raw") and values["level1_raw"] != level1 and not values.get("level2_raw"):
            level2 = None  # a new 一级 block does not inherit the last block's 二级
        values["level1_raw"] = values.get("level1_raw") or level1
        values["level2_raw"] = values.get("level2_raw") or level2
        self.last_levels = (values["level1_raw"], values["level2_raw"])
        return guessed

    def add(self, project: Project, values: dict, **about: object) -> None:
        """Store one indicator of `project` (its fields as written, and where it came from)."""
        self.per_table[project.table_no] += 1
        self.indicators.append(TableIndicator(table_no=project.table_no, row_no=self.per_table[project.table_no],
                                              project_code=project.project_code, project_name=project.project_name,
                                              **about, **values))


# a scoring rule (未达指标值酌情扣分, 每降低1%扣1分, 定量指标计算：…记满分) left in the name column of an empty row
_SCORING_RULE = re.compile(r"扣\d*(?:\.\d+)?分|得\d+(?:\.\d+)?分|记满分|记分|指标计算[:：]")
# a figure alone (90%, ≥10, 80M, 180天) is a target, never an indicator's name
_OPERATORS = "≥≤<>=＞＜≧≦"
_BARE_FIGURE = re.compile(rf"^[{_OPERATORS}]?-?\d+(?:\.\d+)?(?:%|[^\d\s]{{1,2}})?$")
# a figure with its comparator after it closing a cell (满意率98%以上, 30%以下): a target or a grade band, never a name
_BAND = re.compile(r"\d+(?:\.\d+)?%?(?:以上|以下|以内)$")
_LONGEST_NAME = 100  # characters: a longer name of several sentences is prose read into a table
_LEVEL_LIKE = 8  # a name ending in 指标 no longer than this, with nothing beside it, is a level heading
_MEASURED_ROLES = (*VALUE_ROLES, "actual", "weight", "score")  # an operator (≤, 定性) alone measures nothing


def _nothing_measured(row: Row, header: IndicatorHeader) -> bool:
    """Every cell of the row that holds a target, a result or a score is blank (places included)."""
    columns = [col for role, col in header.roles.items() if role in _MEASURED_ROLES] + list(header.places)
    return not any(compact(row.own_text(col)) for col in columns)


def _headings(values: dict) -> bool:
    name, value = values.get("name_raw"), values.get("value_raw")
    return bool(name and value and header_role(name)[0] and header_role(value)[0])


def _words_under_figures(row: Row, header: IndicatorHeader) -> bool:
    """A 分值 or 得分 cell of the row holding words and no figure at all: the row was cut into columns wrongly
    (a figure there with its unit, 1.5亩, is a short row's target one column left, and is read)."""
    return any(role in header.roles and row.starts_here(header.roles[role])
               and meaningful(text := row.own_text(header.roles[role])) and number_cell(text) is None
               and not re.search(r"\d", text) for role in ("weight", "score"))


def _grade_bands(row: Row) -> bool:
    """优 | 良 | 中 | 差 under 绩效标准: the grade bands' headings (海南's 项目绩效目标表), the second line of the header."""
    texts = [t for c in row.cells if (t := compact(c.text))]
    return len(texts) >= 3 and all(parse_indicator_value(t).value_kind == "grade" for t in texts)


def _lone_label(values: dict) -> bool:
    """A name standing alone that cannot be an indicator: a label (附件：), a unit (百分比), a level name or one
    spelled like it (实施效果指标), a stub of a few characters (中央补); a single character (指 | 标, a vertical
    label's pieces) with or without a value."""
    name = values.get("name_raw")
    folded = compact(name)
    if len(folded) == 1:
        return True
    if not name or any(values.get(k) for k in ("value_raw", "description", "actual", "weight")):
        return False  # a weighted row (保障收入 | 20 | | 定性) is a qualitative indicator, not a stray label
    unit = normalize_unit(folded)
    return (len(folded) <= 4 or folded.endswith((":", "：")) or is_level_name(name) or bool(_SCORING_RULE.search(folded))
            or (folded.endswith("指标") and len(folded) <= _LEVEL_LIKE) or (unit is not None and unit.family != "unknown"))


def _repeated_label(row: Row, header: IndicatorHeader, values: dict) -> bool:
    """The row's own cells outside its level columns all hold one text and no target: a label merged over
    the row that a copy wrote into each cell (预算执行率 | 预算执行率), not an indicator."""
    levels = {header.roles[r] for r in ("level1", "level2") if r in header.roles}
    texts = {compact(c.text) for c in row.cells if c.col not in levels and compact(c.text)}
    return len([c for c in row.cells if c.col not in levels and compact(c.text)]) >= 2 and len(texts) == 1 \
        and not _filled(values.get("value_raw"))


def _is_level_label(values: dict) -> bool:
    """The name is the row's own 一级 label (a 三级 may repeat its 二级 — 成本指标 | 经济成本指标 |
    经济成本指标 — but never its 一级)."""
    name = compact(values.get("name_raw"))
    return bool(name) and name == compact(values.get("level1_raw"))


def _implied_level1(values: dict) -> bool:
    """The 一级 follows from the 二级 (数量指标 is under 产出指标): an unruled PDF that prints the 一级 label
    once, mid-block, loses nothing for the rows above it."""
    return parent_level1(canonical_level2(values.get("level2_raw"))) is not None


def _filled(value: str | None) -> bool:
    return bool(value) and meaningful(value) and not is_placeholder(value)


def _confidence(row: Row, columns: Iterable[int]) -> float | None:
    """The lowest OCR confidence of the cells a row's fields come from (None: not OCR'd)."""
    values = [cell.confidence for col in columns if (cell := row.owner(col)) is not None and cell.confidence is not None]
    return min(values, default=None)
