"""Parse the 绩效目标 structure out of the document model, whatever format it came from.

Two parts, read in one pass over the blocks:
- the department part (部门整体绩效目标): 总体绩效目标, 分项绩效目标 items with their
  绩效目标/绩效指标 sentences, 工作保障措施 items — from paragraphs;
- the 项目绩效目标表: key/value rows (项目编码, 预算数 …), the spending plan, 目标内容 and
  the indicator table — from table rows. Tables are treated as a stream of rows, so a
  table split in two (across pages, or by the clerk) parses the same as one.
Labels are matched by meaning (normalized text, a few spellings), never by position.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from jixiao.model.document import Cell, Document, Paragraph, Table
from jixiao.normalizers.text import compact


class Goal(BaseModel):
    kind: str  # overall | item | measure | project
    seq: int
    title: str
    goal_text: str
    indicator_text: str | None = None
    project_code: str | None = None


class Project(BaseModel):
    table_no: int
    title: str | None = None
    project_code: str | None = None
    project_name: str | None = None
    unit_line: str | None = None
    budget_wan: float | None = None
    fiscal_wan: float | None = None
    other_wan: float | None = None
    purpose: str | None = None
    plan_mar: str | None = None
    plan_jun: str | None = None
    plan_oct: str | None = None
    plan_dec: str | None = None
    page: int | None = None


class TableIndicator(BaseModel):
    """One row of a project's indicator table, as written (merged cells filled down)."""

    table_no: int
    row_no: int
    page: int | None = None
    project_code: str | None = None
    project_name: str | None = None
    level1_raw: str | None = None
    level2_raw: str | None = None
    name_raw: str | None = None
    description: str | None = None
    value_raw: str | None = None
    basis_raw: str | None = None
    # 一级 taken from an earlier row because this row's cell was blank (not a merged cell): a
    # guess that loses to the row's own 二级 when they disagree (unruled PDFs centre the label)
    level1_guessed: bool = False


class ParsedDocument(BaseModel):
    unit_code: str | None = None
    year: int | None = None
    goals: list[Goal] = Field(default_factory=list)
    projects: list[Project] = Field(default_factory=list)
    indicators: list[TableIndicator] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)  # why a document is only partially parsed
    names: list[str] = Field(default_factory=list)  # title lines and unit names (parsing/names.py)


# ---------------------------------------------------------------------------- text helpers

_SPACE = re.compile(r"\s+")
_CN_NUM = "一二三四五六七八九十百零〇"
# "一、" "（一）" "(一)" "1、" "1." "（1）" "第一部分" at the start of a line
_NUMBERING = re.compile(
    rf"^\s*(?:第[{_CN_NUM}\d]+部分|[（(]\s*[{_CN_NUM}\d]+\s*[)）]|[{_CN_NUM}]+\s*[、.．]|\d+\s*[、.．](?!\d))\s*"
)
_ITEM_NUMBERING = re.compile(rf"^\s*(?:[（(]\s*[{_CN_NUM}\d]+\s*[)）]|\d+\s*[、.．](?!\d)|[{_CN_NUM}]+\s*[、.．])\s*")
_GOAL_LABEL = re.compile(r"^\s*(?:绩效|年度)?目标\s*[:：]\s*")
_INDICATOR_LABEL = re.compile(r"^\s*(?:绩效|年度)?指标\s*[:：]\s*")
_TABLE_TITLE = re.compile(r"绩效目标(?:申报)?表\s*$")
_UNIT_LINE = re.compile(r"^(?:金额)?单位\s*[:：]\s*(\S+)")
_PROJECT_CODE = re.compile(r"(?<![0-9A-Za-z])\d{6,}[A-Z][0-9A-Z]{6,}(?![0-9A-Za-z])")
_YEAR = re.compile(r"(20\d\d)\s*年")
_MONTH_LABEL = re.compile(r"^(\d{1,2})月(?:底|末|份)?(?:前)?$")
_NUMBER = re.compile(r"-?\d+(?:,\d{3})*(?:\.\d+)?")
# "1.目标内容1：…" / "（1）…" / "目标2：…" at the start of the cell or after a sentence end
_TARGET_ITEM = re.compile(
    r"(?:^|(?<=[。；;！!\n]))\s*(?:[（(]?\d+\s*[.、．)）](?!\d)\s*(?:(?:目标内容|目标)\s*\d+\s*[:：]\s*)?"
    r"|(?:目标内容|目标)\s*\d+\s*[:：]\s*)"
)
# a 目标内容 line printed outside its table (an unruled PDF, a table cut by a page break)
_PROJECT_GOAL_LINE = re.compile(r"^\s*(?:(?:绩效|年度)?目标\s*[:：]?\s*)?(?:\d+\s*[.、．]\s*)?目标内容\s*\d*\s*[:：]")
# "项目编码 XXX 项目名称 YYY" printed as a line of text (a table row the PDF lost its rules for)
_CODE_LINE = re.compile(r"^项目(?:编码|代码|编号)[:：]?(?P<code>[0-9A-Z]{8,})(?:项目名称[:：]?(?P<name>.+))?$")
_SENTENCE_END = "。；;"

_UNIT_SCALE_TO_WAN = {"万元": 1.0, "元": 1e-4, "千元": 0.1, "百万元": 100.0, "亿元": 1e4}
_PLAN_MONTHS = {3: "plan_mar", 6: "plan_jun", 10: "plan_oct", 12: "plan_dec"}


def clean(text: str | None) -> str | None:
    """Cell text as written, minus layout whitespace; None when blank."""
    if text is None:
        return None
    text = _SPACE.sub(" ", text.replace("\n", "")).strip()
    return text or None


def _strip_numbering(text: str) -> str:
    return _NUMBERING.sub("", text, count=1).strip()


# ---------------------------------------------------------------------------- label tables
# Each label is matched on folded text; the first spelling that the folded cell starts
# with (or equals) wins. Kept here because they describe the document layout, not the
# indicator vocabulary (which lives in dictionaries/).

_SECTION_HEADINGS = {
    "overall": ("总体绩效目标", "总体目标", "整体绩效目标"),
    "item": ("分项绩效目标", "分项目标", "具体绩效目标"),
    "measure": ("工作保障措施", "保障措施"),
}
_KEY_LABELS = {
    "project_code": ("项目编码", "项目代码", "项目编号"),
    "project_name": ("项目名称",),
    "budget": ("预算数", "预算金额", "年度预算数", "资金总额", "年度资金总额"),
    "fiscal": ("其中:财政资金", "财政资金", "其中财政资金", "财政拨款", "其中:财政拨款"),
    "other": ("其他资金", "其中:其他资金"),
    "purpose": ("资金用途", "预算规模及资金用途", "预算规模"),
    "goal": ("绩效目标", "年度绩效目标", "年度目标", "目标内容"),
    "plan": ("资金支出计划", "支出计划", "资金使用计划"),
}
_INDICATOR_COLUMNS = {
    "level1_raw": ("一级指标",),
    "level2_raw": ("二级指标",),
    "name_raw": ("三级指标", "指标名称"),
    "description": ("绩效指标描述", "指标描述", "指标解释", "指标内容"),
    "value_raw": ("指标值", "目标值", "年度指标值", "指标目标值"),
    "basis_raw": ("指标值确定依据", "确定依据", "绩效标准", "参考值确定依据", "评价标准", "指标值设定依据"),
    # budget systems split 指标值 into operator | number | unit columns; they are joined back
    "operator_part": ("指标方向", "运算符号", "运算符", "指标性质", "符号"),
    "unit_part": ("计量单位", "度量单位", "单位"),
}
_BRACKETED = re.compile(r"[（(][^（()）]*[)）]")


def _label_of(text: str, labels: dict[str, tuple[str, ...]]) -> str | None:
    folded = compact(text)
    if not folded or len(folded) > 14:
        return None
    for key, spellings in labels.items():
        for spelling in spellings:
            if folded == spelling or (folded.startswith(spelling) and len(folded) - len(spelling) <= 4):
                return key
    return None


def _indicator_column(text: str) -> str | None:
    folded = _BRACKETED.sub("", compact(text))  # "指标值（包含数字及文字描述）" is 指标值
    for key, spellings in _INDICATOR_COLUMNS.items():
        if folded in spellings:
            return key
    return None


# ---------------------------------------------------------------------------- department part


@dataclass
class _DepartmentState:
    section: str | None = None
    goals: list[Goal] = field(default_factory=list)
    overall: list[str] = field(default_factory=list)

    def heading(self, text: str) -> str | None:
        folded = compact(_strip_numbering(text))
        if len(folded) > 16:
            return None
        for section, spellings in _SECTION_HEADINGS.items():
            if any(folded == s or folded.startswith(s) for s in spellings):
                return section
        return None

    def paragraph(self, text: str) -> None:
        section = self.heading(text)
        if section:
            self.section = section
            return
        if self.section == "overall":
            self.overall.append(text.strip())
        elif self.section == "item":
            self._item_line(text)
        elif self.section == "measure":
            self._measure_line(text)

    def _items(self, kind: str) -> list[Goal]:
        return [g for g in self.goals if g.kind == kind]

    def _item_line(self, text: str) -> None:
        items = self._items("item")
        if _GOAL_LABEL.match(text) and items:
            items[-1].goal_text = _join(items[-1].goal_text, _GOAL_LABEL.sub("", text, count=1))
        elif _INDICATOR_LABEL.match(text) and items:
            items[-1].indicator_text = _join(items[-1].indicator_text, _INDICATOR_LABEL.sub("", text, count=1))
        elif _ITEM_NUMBERING.match(text):
            body = _ITEM_NUMBERING.sub("", text, count=1).strip()
            title, goal, indicator = _split_item(body)
            self.goals.append(Goal(kind="item", seq=len(items) + 1, title=title, goal_text=goal,
                                   indicator_text=indicator))
        elif items:  # a wrapped continuation of the last sentence
            last = items[-1]
            if last.indicator_text is not None:
                last.indicator_text = _join(last.indicator_text, text)
            else:
                last.goal_text = _join(last.goal_text, text)

    def _measure_line(self, text: str) -> None:
        measures = self._items("measure")
        if _ITEM_NUMBERING.match(text):
            body = _ITEM_NUMBERING.sub("", text, count=1).strip()
            title, rest = _split_title(body)
            self.goals.append(Goal(kind="measure", seq=len(measures) + 1, title=title, goal_text=rest))
        elif measures:
            measures[-1].goal_text = _join(measures[-1].goal_text, text)
        # text before the first numbered measure is the section's preamble, not a measure

    def finish(self) -> list[Goal]:
        goals = list(self.goals)
        if self.overall:
            goals.insert(0, Goal(kind="overall", seq=1, title="总体绩效目标", goal_text="\n".join(self.overall)))
        return goals


def _join(first: str | None, more: str) -> str:
    more = more.strip()
    return f"{first}{more}" if first else more


def _split_title(body: str) -> tuple[str, str]:
    """'完善制度建设。提高…' -> ('完善制度建设', '提高…'); a long first sentence is text, not a title."""
    match = re.search(rf"[{_SENTENCE_END}:：]", body)
    if match and 0 < match.start() <= 20:
        return body[: match.start()].strip(), body[match.end():].strip()
    return body[:20].strip(), body


def _split_item(body: str) -> tuple[str, str, str | None]:
    """An item heading may carry its 绩效目标/绩效指标 on the same line."""
    goal, indicator = "", None
    parts = re.split(r"(?=(?:绩效|年度)?(?:目标|指标)\s*[:：])", body, maxsplit=2)
    title = parts[0].strip().rstrip("。.;；:：")
    for part in parts[1:]:
        if _GOAL_LABEL.match(part):
            goal = _GOAL_LABEL.sub("", part, count=1).strip()
        elif _INDICATOR_LABEL.match(part):
            indicator = _INDICATOR_LABEL.sub("", part, count=1).strip()
    return title, goal, indicator


# ---------------------------------------------------------------------------- project tables


@dataclass
class _Row:
    """One table row as seen by the parser: the cells that start in it plus slot owners."""

    cells: list[Cell]
    owners: dict[int, Cell]  # grid column -> the cell covering that slot in this row
    index: int
    page: int | None

    def texts(self) -> list[str]:
        return [c.text for c in self.cells]

    def value_after(self, label_cell: Cell) -> str | None:
        """Text of the first cell to the right of a label cell (blank -> None)."""
        following = [c for c in self.cells if c.col > label_cell.col]
        return clean(following[0].text) if following else None


def _table_rows(table: Table) -> Iterator[_Row]:
    owners: dict[tuple[int, int], Cell] = {}
    for cell in table.cells:
        for r in range(cell.row, cell.row + cell.row_span):
            for c in range(cell.col, cell.col + cell.col_span):
                owners[(r, c)] = cell
    for index, cells in enumerate(table.rows()):
        row_owners = {c: owners[(index, c)] for c in range(table.n_cols) if (index, c) in owners}
        yield _Row(cells=cells, owners=row_owners, index=index, page=table.page_of_row(index))


@dataclass
class _ProjectState:
    projects: list[Project] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    indicators: list[TableIndicator] = field(default_factory=list)
    pending_title: str | None = None
    pending_no: int | None = None
    unit_line: str | None = None
    columns: dict[str, int] | None = None  # indicator field -> grid column, while in an indicator table
    plan_columns: dict[int, str] | None = None  # grid column -> plan field, for the row after the plan header
    expect_purpose: bool = False
    last_levels: tuple[str | None, str | None] = (None, None)
    rows_per_table: Counter[int] = field(default_factory=Counter)  # indicator rows read per table_no

    @property
    def current(self) -> Project | None:
        return self.projects[-1] if self.projects else None

    def title(self, text: str) -> None:
        match = re.match(r"^\s*(\d+)\s*[、.．]\s*(.+)$", text.strip())
        self.pending_title = (match.group(2) if match else text).strip()
        self.pending_no = int(match.group(1)) if match else None
        self.columns = None

    def unit(self, text: str) -> bool:
        match = _UNIT_LINE.match(compact(text))
        if not match:
            return False
        self.unit_line = text.strip()
        if self.current is not None and self.current.unit_line is None and not self.current.budget_wan:
            self.current.unit_line = self.unit_line
        return True

    def start_project(self, page: int | None) -> Project:
        table_no = self.pending_no or len(self.projects) + 1
        project = Project(table_no=table_no, title=self.pending_title, unit_line=self.unit_line, page=page)
        self.projects.append(project)
        self.pending_title = self.pending_no = None
        self.columns = None
        self.last_levels = (None, None)
        return project

    def _scale(self) -> float:
        unit = _UNIT_LINE.match(compact(self.current.unit_line or "")) if self.current else None
        return _UNIT_SCALE_TO_WAN.get(unit.group(1), 1.0) if unit else 1.0

    def row(self, row: _Row) -> None:
        texts = row.texts()
        if not any(t.strip() for t in texts):
            return
        if len(row.cells) == 1 and self.unit(texts[0]):
            return
        if self._indicator_header(row):
            return
        labels = {key: c for c in row.cells if (key := _label_of(c.text, _KEY_LABELS))}
        if "project_code" in labels or (self.pending_title and self.columns is None and labels):
            self._key_values(row, labels)
            return
        if self.columns is not None:
            self._indicator_row(row)
            return
        if self.current is not None:
            self._key_values(row, labels)

    def _key_values(self, row: _Row, labels: dict[str, Cell]) -> None:
        project = self.current
        if project is None or ("project_code" in labels and project.project_code):
            project = self.start_project(row.page)
        if self.plan_columns is not None:
            values = {field: clean(row.owners[col].text) if col in row.owners and row.owners[col].row == row.index
                      else None for col, field in self.plan_columns.items()}
            if not labels:
                for field_name, value in values.items():
                    setattr(project, field_name, value)
                self.plan_columns = None
                return
            self.plan_columns = None
        months = {c.col: (int(m.group(1)), c.text.strip().split("\n", 1)[1:])
                  for c in row.cells if (m := _MONTH_LABEL.match(compact(c.text.strip().split("\n", 1)[0])))}
        if len(months) >= 2:
            plan = {col: (_PLAN_MONTHS[m], rest) for col, (m, rest) in months.items() if m in _PLAN_MONTHS}
            if any(rest for _, rest in plan.values()):  # the amounts were printed inside the month cells
                for field_name, rest in plan.values():
                    setattr(project, field_name, clean(rest[0]) if rest else None)
            else:
                self.plan_columns = {col: field_name for col, (field_name, _) in plan.items()}
            return
        for key, cell in labels.items():
            value = row.value_after(cell)
            if key == "project_code":
                code = _PROJECT_CODE.search(compact(value or ""))
                project.project_code = code.group(0) if code else value
            elif key == "project_name":
                project.project_name = value
            elif key in ("budget", "fiscal", "other"):
                setattr(project, f"{key}_wan" if key != "budget" else "budget_wan", _amount(value, self._scale()))
                self.expect_purpose = key == "budget" or self.expect_purpose
            elif key == "goal":
                self._project_goals(project, value)
        if "purpose" in labels and "budget" not in labels and project.purpose is None:
            project.purpose = row.value_after(labels["purpose"])
            self.expect_purpose = False
        elif self.expect_purpose and not (labels.keys() - {"purpose"}):
            project.purpose = _longest_unlabelled(row)
            self.expect_purpose = False
        if project.project_code is None:
            code = next((m.group(0) for t in row.texts() if (m := _PROJECT_CODE.search(compact(t)))), None)
            project.project_code = code

    def code_line(self, text: str, page: int | None) -> bool:
        """A 项目编码/项目名称 line outside a table starts a project like the table row would."""
        match = _CODE_LINE.match(compact(text))
        if not match:
            return False
        project = self.current
        if project is None or project.project_code or self.columns is not None:
            project = self.start_project(page)
        project.project_code = match.group("code")
        if match.group("name"):
            project.project_name = clean(re.split(r"项目名称\s*[:：]?", text, maxsplit=1)[-1])
        return True

    def goal_paragraph(self, text: str) -> None:
        self._project_goals(self.current, re.sub(r"^\s*(?:绩效|年度)?目标\s*[:：]?\s*(?=\d|目标内容)", "", text))

    def _project_goals(self, project: Project, text: str | None) -> None:
        if not text:
            return
        raw = text.strip()
        starts = list(_TARGET_ITEM.finditer(raw))
        pieces = [raw[m.end(): (starts[i + 1].start() if i + 1 < len(starts) else len(raw))]
                  for i, m in enumerate(starts)] if starts else [raw]
        first_seq = sum(1 for g in self.goals if g.project_code == project.project_code) + 1
        for offset, piece in enumerate(p for p in pieces if clean(p)):
            seq = first_seq + offset
            self.goals.append(Goal(kind="project", seq=seq, title=f"目标内容{seq}", goal_text=clean(piece) or "",
                                   project_code=project.project_code))

    def _indicator_header(self, row: _Row) -> bool:
        columns = {}
        for cell in row.cells:
            key = _indicator_column(cell.text)
            if key and key not in columns:
                columns[key] = cell.col
        if len(columns) < 3 or "value_raw" not in columns:
            return False
        if self.columns is None:  # a repeated header (page break) keeps the running row numbers
            if self.current is None or self.rows_per_table[self.current.table_no]:
                self.start_project(row.page)
            self.last_levels = (None, None)
        self.columns = columns
        self.expect_purpose = False
        return True

    def _indicator_row(self, row: _Row) -> None:
        values: dict[str, str | None] = {}
        for key, col in self.columns.items():
            owner = row.owners.get(col)
            if owner is None or (owner.row == row.index and owner.col != col):
                values[key] = None  # covered from the left: part of a wider cell
            else:
                values[key] = clean(owner.text)
        operator, unit = values.pop("operator_part", None), values.pop("unit_part", None)
        if values.get("value_raw") and (operator or unit):
            values["value_raw"] = f"{operator or ''}{values['value_raw']}{unit or ''}"
        level1, level2 = self.last_levels
        guessed = not values.get("level1_raw") and level1 is not None
        values["level1_raw"] = values.get("level1_raw") or level1
        values["level2_raw"] = values.get("level2_raw") or level2
        self.last_levels = (values["level1_raw"], values["level2_raw"])
        if not any(values.get(k) for k in ("name_raw", "description", "value_raw")):
            return
        project = self.current
        self.rows_per_table[project.table_no] += 1
        row_no = self.rows_per_table[project.table_no]
        self.indicators.append(TableIndicator(table_no=project.table_no, row_no=row_no, page=row.page,
                                              project_code=project.project_code,
                                              project_name=project.project_name, level1_guessed=guessed,
                                              **values))

    def finish(self) -> None:
        """Carry codes/names learned late (e.g. code row after the indicators) onto rows and goals."""
        by_table = {p.table_no: p for p in self.projects}
        for ind in self.indicators:
            project = by_table[ind.table_no]
            ind.project_code = ind.project_code or project.project_code
            ind.project_name = ind.project_name or project.project_name
        for project in self.projects:
            if project.project_name is None and project.title:
                project.project_name = _TABLE_TITLE.sub("", project.title).strip() or None


def _amount(text: str | None, scale: float) -> float | None:
    match = _NUMBER.search(compact(text or ""))
    if not match:
        return None
    return round(float(match.group(0).replace(",", "")) * scale, 6)


def _longest_unlabelled(row: _Row) -> str | None:
    label_words = "预算规模及资金用途"
    texts = [clean(c.text) for c in row.cells]
    texts = [t for t in texts if t and compact(t) not in label_words]
    return max(texts, key=len) if texts else None


# ---------------------------------------------------------------------------- document


def parse_document(document: Document) -> ParsedDocument:
    """The target structure of one submission (raw text; normalization comes later)."""
    department = _DepartmentState()
    projects = _ProjectState()
    for block in document.blocks:
        if isinstance(block, Paragraph):
            text = block.text.strip()
            if not text:
                continue
            if _TABLE_TITLE.search(compact(text)) and len(compact(text)) < 60:
                projects.title(text)
                department.section = None
            elif projects.unit(text) or projects.code_line(text, block.prov.page):
                continue
            elif projects.current is not None and department.section is None and _PROJECT_GOAL_LINE.match(text):
                projects.goal_paragraph(text)
            elif department.section is not None or department.heading(text):
                department.paragraph(text)
        else:
            for row in _table_rows(block):
                projects.row(row)
    projects.finish()
    goals = department.finish() + projects.goals
    parsed = ParsedDocument(goals=goals, projects=projects.projects, indicators=projects.indicators)
    parsed.unit_code = unit_code_of([p.project_code for p in parsed.projects])
    parsed.year = year_of(document)
    parsed.problems = _problems(parsed)
    return parsed


def unit_code_of(codes: list[str | None]) -> str | None:
    """The unit code is the shared prefix of the project codes, cut before the 'P' (project) part."""
    codes = [c for c in codes if c]
    if not codes:
        return None
    prefix = codes[0]
    for code in codes[1:]:
        while not code.startswith(prefix):
            prefix = prefix[:-1]
    digits = re.match(r"^\d{6,}", prefix)
    return digits.group(0) if digits else None


def year_of(document: Document) -> int | None:
    """The submission year: the most frequent 20xx年 in the department prose (before the first
    table — project tables carry over older projects), else in the whole text."""
    prose = []
    for block in document.blocks:
        if isinstance(block, Table) or _TABLE_TITLE.search(compact(block.text)):
            break
        prose.append(block.text)
    for text in ("\n".join(prose), document.text()):
        years = Counter(int(y) for y in _YEAR.findall(text))
        if years:
            return max(years.items(), key=lambda kv: (kv[1], kv[0]))[0]
    return None


def _problems(parsed: ParsedDocument) -> list[str]:
    problems = []
    for project in parsed.projects:
        label = project.title or f"project table {project.table_no}"
        if not project.project_code:
            problems.append(f"{label}: no 项目编码 found")
        if not any(i.table_no == project.table_no for i in parsed.indicators):
            problems.append(f"{label}: no indicator rows found")
    kinds = {g.kind for g in parsed.goals}
    if parsed.projects and "overall" not in kinds and "item" not in kinds:
        problems.append("no 部门整体绩效目标 part (总体/分项绩效目标) found")
    return problems
