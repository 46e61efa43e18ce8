"""Projects and their indicator rows, from table rows (and the few lines PDFs print outside tables).

Tables are read as a stream of rows, so a table split in two (across pages, or by the clerk)
parses the same as one. A project starts at a labelled identity (项目编码, 项目名称, 资金名称 …),
at a title followed by a new table, or — in a table listing several projects — at each new
cell of its 项目名称 column. Field values are found by label (grid.Row.value_of), indicator
rows by the table's header roles (indicators.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jixiao.model.document import Cell
from jixiao.normalizers.text import compact
from jixiao.parsing.fields import FieldCell, amount_wan, field_value, row_labels, summed_total
from jixiao.parsing.grid import Row
from jixiao.parsing.indicator_rows import IndicatorRows
from jixiao.parsing.indicators import IndicatorHeader, header_of, is_footer, is_level_name
from jixiao.parsing.project_lines import IDENTITY, PARTIES, STARTS_PROJECT, ProjectLines
from jixiao.parsing.records import Goal, Project, TableIndicator, clean, meaningful
from jixiao.parsing.vocabulary import (field_label, is_form_title, is_list_heading, money_label, money_unit,
                                       name_max_chars, title_kind, title_subject, unit_line)

_PROJECT_CODE = re.compile(r"(?<![0-9A-Za-z])\d{6,}[A-Z][0-9A-Z]{6,}(?![0-9A-Za-z])")
_MONTH_LABEL = re.compile(r"^(\d{1,2})月(?:底|末|份)?(?:前)?$")
_PLAN_MONTHS = {3: "plan_mar", 6: "plan_jun", 10: "plan_oct", 12: "plan_dec"}
_MONEY = {"budget": "budget_wan", "fiscal": "fiscal_wan", "other": "other_wan"}
_TEXT_FIELDS = ("project_name", "department", "implementing_unit", "purpose")


@dataclass
class ProjectState(ProjectLines):
    year: int | None = None  # the document's year: a header's year-qualified columns are read against it
    projects: list[Project] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    rows: IndicatorRows = field(default_factory=IndicatorRows)
    title_kinds: list[str] = field(default_factory=list)  # form kinds named by the titles seen
    pending_title: str | None = None
    pending_no: int | None = None
    unit_line: str | None = None
    header: IndicatorHeader | None = None  # while in an indicator table
    ended: IndicatorHeader | None = None  # the header of the last table a footer ended
    plan_columns: dict[int, str] | None = None  # grid column -> plan field, for the row after the plan header
    unread_titles: list[str] = field(default_factory=list)  # numbered project titles no table followed
    pending_parties: dict[str, str] = field(default_factory=dict)  # 主管部门/实施单位 read before any project
    money_below: set[tuple[int, str]] = field(default_factory=set)  # amounts read under a column heading
    label_units: dict[int, str] = field(default_factory=dict)  # id(project) -> money unit its first money label named
    total_labelled: set[int] = field(default_factory=set)  # id(project) of projects whose form has a total's label
    fiscal_alone: set[int] = field(default_factory=set)  # …whose 财政 amount is not a 其中 line under a total
    others: dict[int, list[float | None]] = field(default_factory=dict)  # id(project) -> every 其他/自有 amount read
    results_read: bool = False  # an indicator header had this year's actual or a score column (a 自评表)
    prose_level1: str | None = None  # the 一级 heading of an indicator list written as prose, while in one
    prose_level2: str | None = None  # its 二级 heading on a line of its own, while under one
    quoted_name: str | None = None  # a project named in quotes by the notice before any table (关于“…项目”)
    stated_budgets: set[float] = field(default_factory=set)  # amounts the notice's lines give as a budget, in 万元
    column_project: Project | None = None  # the project the last 项目名称 cell of a multi-project table started
    total_heading: tuple[int, str | None, int] | None = None  # (id(project), unit, rows left): a total's heading, no amount

    @property
    def indicators(self) -> list[TableIndicator]:
        return self.rows.indicators

    # ------------------------------------------------------------------ titles, unit lines

    def title(self, text: str) -> None:
        """A form or project title; a generic one ("绩效目标申报表") keeps a specific one before it."""
        if kind := title_kind(text):
            self.title_kinds.append(kind)
        self.header = None
        if self.pending_title and title_subject(self.pending_title) and not title_subject(text):
            return
        match = re.match(r"^\s*(\d+)\s*[、.．]\s*(.+)$", text.strip())
        title = (match.group(2) if match else text).strip()
        if self.pending_no is not None and compact(self.pending_title) != compact(title):
            self.unread_titles.append(self.pending_title)  # (the letter's list of attachments announcing this form is no other)
        self.pending_title = title
        self.pending_no = int(match.group(1)) if match else None

    def unit(self, text: str) -> bool:
        if len(compact(text)) > 40 or unit_line(text) is None:
            return False
        self.unit_line = text.strip()
        if self.current is not None and self.current.unit_line is None and self.current.budget_wan is None:
            self.current.unit_line = self.unit_line
        return True

    def start_project(self, page: int | None) -> Project:
        table_no = self.pending_no or len(self.projects) + 1
        project = Project(table_no=table_no, title=self.pending_title, unit_line=self.unit_line, page=page,
                          **self.pending_parties)
        self.pending_parties = {}
        self.projects.append(project)
        self.pending_title = self.pending_no = None
        self.header = None
        self.rows.last_levels = (None, None)
        return project

    # ------------------------------------------------------------------ rows

    def row(self, row: Row) -> None:
        if not any(meaningful(t) for t in row.texts()):
            return  # blank, or a template's filler row (……) between indicator rows: nothing, and no table end
        if len(row.cells) == 1 and (self.unit(row.cells[0].text) or self._title_cell(row.cells[0].text)):
            return
        header = header_of(row, self.year)
        if header is not None:
            self._indicator_header(header, row)
            return
        if self.header is not None and row.index == 0 and not self._continues(row):
            self.header = None  # another table (a list of recipients, a signature block), not the next page
        self.rows.after_end(row, None if self.header is not None or row.index == 0 else self.ended)
        if is_list_heading(row.cells[0].text):
            self.header = None  # 序号 | 乡镇名称 | 项目名称 | 金额: a list's column headings, not key/value pairs
            return
        if len(row.cells) == 1 and self.current is not None and (unit := money_unit(row.cells[0].text)):
            self.label_units.setdefault(id(self.current), unit)  # 资金情况（万元） alone: the amounts below are in it
        labels = row_labels(row)
        if self.header is None and not labels and self._summed_total(row):
            return
        if self.header is None and self._listed_cells(row):
            return
        if self.header is not None:
            if not any(f.label.key in IDENTITY and field_value(row, f)[1] for f in labels):
                if is_footer(row, self.header):
                    self.header, self.ended = None, self.header
                else:
                    self._indicator_row(row)
                return
            self.header = None
        if labels or self.plan_columns is not None:
            self._key_values(row, labels)
        self._total_heading(row)

    def _continues(self, row: Row) -> bool:
        """Whether a new table goes on with the indicator table before it (split by a page break): it has
        the same columns, or its first row carries a 一级/二级 name where the header has that level."""
        if row.n_cols == self.header.n_cols:
            return True
        return any(is_level_name(c.text) for c in row.cells)

    def _title_cell(self, text: str) -> bool:
        if is_form_title(text):
            self.title(text)
            return True
        return False

    def _indicator_header(self, header: IndicatorHeader, row: Row) -> None:
        self.results_read |= header.reports_results
        self.total_heading = None  # the amounts under a total's heading come before the indicators, or not at all
        continued = self.header is not None  # a repeated header (page break) keeps the running row numbers
        if not continued and (self.current is None or self.rows.per_table[self.current.table_no]):
            self.start_project(row.page)
        self.rows.new_header(header, continued)
        self.header = header
        self.plan_columns = None

    def _key_values(self, row: Row, labels: list[FieldCell]) -> None:
        project = self.current
        keys = {f.label.key for f in labels}
        clash = project is not None and any(getattr(project, key) for key in keys & set(IDENTITY))
        fresh = project is not None and self.pending_title is not None and self.rows.per_table[project.table_no]
        if (project is None and keys & STARTS_PROJECT) or clash or fresh:
            project = self.start_project(row.page)
        if project is None:
            for f in labels:
                if f.label.key in PARTIES and (value := field_value(row, f)[1]) and meaningful(value):
                    self.pending_parties.setdefault(f.label.key, value)
            return
        if self._plan(row, project, bool(labels)):
            return
        for f in labels:  # left to right; a money field keeps the first amount found
            cell, label = f.cell, f.label
            if label.key != "plan" and (found_value := field_value(row, f))[0]:
                beside = f.inline is not None or row.beside(cell)
                if label.key in _MONEY and beside and (id(project), label.key) in self.money_below:
                    setattr(project, _MONEY[label.key], None)  # 资金总额 | 30 beats a column heading's first row
                self._set(project, label.key, found_value[1], label.unit, row, cell)
                if label.key in _MONEY and not beside and getattr(project, _MONEY[label.key]) is not None:
                    self.money_below.add((id(project), label.key))
        if project.project_code is None:
            project.project_code = next((m.group(0) for t in row.texts() if (m := _PROJECT_CODE.search(compact(t)))),
                                        None)

    def _total_heading(self, row: Row) -> None:
        """Note a total's heading whose amount is not beside or below it (本年度预计投入(万元) | 财政资金 over
        中央 | 省级 …, then the amounts): the next rows may hold it as the sum of its parts."""
        project, waiting = self.current, self.total_heading
        self.total_heading = (waiting[0], waiting[1], waiting[2] - 1) if waiting and waiting[2] > 1 else None
        if project is None or project.budget_wan is not None:
            return
        labels = [label for c in row.cells if (label := field_label(c.text) or money_label(c.text))]
        if labels and labels[0].key == "budget":
            self.total_heading = (id(project), labels[0].unit, 2)

    def _summed_total(self, row: Row) -> bool:
        """A row of amounts under a total's heading whose first is the sum of the rest (7 | 0 | 7 | 0 | 0 | 0,
        a page's pipes having lost which heading spans which): the first is the budget."""
        project, waiting = self.current, self.total_heading
        if project is None or waiting is None or waiting[0] != id(project) or project.budget_wan is not None:
            return False
        total = summed_total(row.texts())
        if total is None:
            return False
        project.budget_wan = self.amount(total, waiting[1] or self.label_units.get(id(project)))
        self.total_heading = None
        return True

    def _set(self, project: Project, key: str, value: str | None, unit: str | None, row: Row, cell: Cell) -> None:
        if key == "project_code":
            code = _PROJECT_CODE.search(compact(value or ""))
            project.project_code = project.project_code or (code.group(0) if code else value)
        elif key in _MONEY:
            if key == "budget":
                self.total_labelled.add(id(project))
            elif key == "fiscal" and not compact(cell.text).startswith("其中"):
                self.fiscal_alone.add(id(project))
            elif key == "other":
                self.others.setdefault(id(project), []).append(self.amount(value, unit or self.label_units.get(id(project))))
            if getattr(project, _MONEY[key]) is None:
                unit = unit or next((u for t in row.left_texts(cell.col) if (u := money_unit(t))), None)
                # 资金总额（元）| 2700 then 其中：财政资金 | 2200: the breakdown is in the total's unit
                unit = self.label_units.setdefault(id(project), unit) if unit else self.label_units.get(id(project))
                setattr(project, _MONEY[key], self.amount(value, unit))
        elif key == "goal":
            self._project_goals(project, value)
        elif key in _TEXT_FIELDS and getattr(project, key) is None and meaningful(value) and not (
                key == "project_name" and len(compact(value)) > name_max_chars()):
            # a "name" longer than any project's is a glued list's run, not a name; a sentence's stop is no part of it
            setattr(project, key, value.rstrip("。；;，,") if key == "project_name" else value)

    def amount(self, text: str | None, unit: str | None = None) -> float | None:
        """An amount in 万元: the unit written after the number, else the label's, else the 单位 line's."""
        table_unit = unit_line(self.current.unit_line if self.current and self.current.unit_line else self.unit_line)
        return amount_wan(text, unit or table_unit)

    def _plan(self, row: Row, project: Project, labelled: bool) -> bool:
        """The 资金支出计划 months (3月底 …) and the amounts under them; True when the row was that."""
        if self.plan_columns is not None:
            columns, self.plan_columns = self.plan_columns, None
            if not labelled:
                for col, field_name in columns.items():
                    setattr(project, field_name, row.own_text(col) if row.starts_here(col) else None)
                return True
        months = {c.col: (int(m.group(1)), c.text.strip().split("\n", 1)[1:])
                  for c in row.cells if (m := _MONTH_LABEL.match(compact(c.text.strip().split("\n", 1)[0])))}
        if len(months) < 2:
            return False
        plan = {col: (_PLAN_MONTHS[m], rest) for col, (m, rest) in months.items() if m in _PLAN_MONTHS}
        if any(rest for _, rest in plan.values()):  # the amounts were printed inside the month cells
            for field_name, rest in plan.values():
                setattr(project, field_name, clean(rest[0]) if rest else None)
        else:
            self.plan_columns = {col: field_name for col, (field_name, _) in plan.items()}
        return True

    # ------------------------------------------------------------------ indicator rows

    def _indicator_row(self, row: Row) -> None:
        header = self.header
        if header.project_columns and not self._project_columns(row, header):
            return
        self.rows.read(row, header, self.current)

    def _project_columns(self, row: Row, header: IndicatorHeader) -> bool:
        """Project fields of a multi-project table; False for a row that is no project's (a total row)."""
        columns = header.project_columns
        key = next((k for k in ("project_name", "project_code") if k in columns), None)
        if key is None:
            return True
        col = columns[key]
        owner = row.owner(col)
        if owner is not None and owner.row == row.index and owner.col != col:
            return False  # a wider cell from the left (820-马踏镇部门 | total): not a project row
        if owner is not None and owner.row == row.index and owner.col_span > 1 and len(row.cells) == 1:
            return False  # one cell across the table (长期, a wrapped target): no project's row
        text = row.own_text(col)
        if not (row.starts_here(col) and meaningful(text) and re.search(r"[^\d.,%\s-]", text)):
            return True  # blank or merged from above: the same project continues
        project = self.current
        if project is None or (getattr(project, key) != text
                               and (getattr(project, key) is not None or self.rows.per_table[project.table_no])):
            if project is self.column_project and not self.rows.per_table[project.table_no]:
                self.projects.pop()  # a group total (820-马踏镇部门 | 8,827,620.53) with no rows of its own
            project = self.start_project(row.page)
            self.header = header
        if getattr(project, key) == text:
            return True
        self.column_project = project
        for role, field_col in columns.items():
            value = row.own_text(field_col) if row.starts_here(field_col) else None
            if role == "budget":
                project.budget_wan = self.amount(value, header.money_units.get("budget"))
            elif role == "goal":
                self._project_goals(project, value)
            elif role == "unit_name":
                project.implementing_unit = project.implementing_unit or value
            elif role == "project_code":
                code = _PROJECT_CODE.search(compact(value or ""))
                project.project_code = code.group(0) if code else value
            else:
                setattr(project, role, value)
        return True

    # ------------------------------------------------------------------ lines outside tables

    def finish(self) -> None:
        """Carry codes/names learned late (e.g. code row after the indicators) onto rows and goals."""
        if self.pending_no is not None:
            self.unread_titles.append(self.pending_title)
        for project in self.projects:
            if project.project_name is None and project.title:
                project.project_name = title_subject(project.title)
            if project.project_name is None and len(self.projects) == 1:
                project.project_name = self.quoted_name
            if project.budget_wan is None and len(self.projects) == 1 and len(self.stated_budgets) == 1:
                project.budget_wan = next(iter(self.stated_budgets))  # the notice's one stated budget, no form's
            if project.budget_wan is None and project.fiscal_wan is not None and id(project) in self.fiscal_alone \
                    and (id(project) not in self.total_labelled or _all_zero(self.others.get(id(project)))):
                # 本次下达中央预算内投资 | 853: the form's only amount; or a blank 年度资金总额 over 财政拨款小计 6.30,
                # 自有资金小计 0.00, 其他收入 0.00: the total is the 财政 part
                project.budget_wan = project.fiscal_wan
        by_table = {p.table_no: p for p in self.projects}
        for ind in self.indicators:
            project = by_table[ind.table_no]
            ind.project_code = ind.project_code or project.project_code
            ind.project_name = ind.project_name or project.project_name


def _all_zero(amounts: list[float | None] | None) -> bool:
    """Every 其他/自有 amount of a form was read, and each is 0.00."""
    return bool(amounts) and all(a == 0.0 for a in amounts)
