"""The lines a page prints outside its tables, read into the project state: a 项目编码/项目名称 line, a
"label：value" line, a notice naming its project in quotes, an indicator list written as prose (or in a
cell beside its level's label), and a project's goal text cut into its 目标内容 items. A base of
projects.ProjectState, which holds the state these methods read and write.
"""

from __future__ import annotations

import re

from jixiao.model.document import Cell
from jixiao.normalizers.text import compact
from jixiao.parsing.fields import line_label
from jixiao.parsing.grid import Row
from jixiao.parsing.indicator_rows import IndicatorRows
from jixiao.parsing.indicators import IndicatorHeader
from jixiao.parsing.prose import ProseItem, read_line, row_lists
from jixiao.parsing.records import Goal, Project, clean, meaningful
from jixiao.parsing.vocabulary import quoted_subject, stated_budgets

# "项目编码 XXX 项目名称 YYY" printed as a line of text (a table row the PDF lost its rules for)
_CODE_LINE = re.compile(r"^项目(?:编码|代码|编号)[:：]?(?P<code>[0-9A-Z]{8,})(?:项目名称[:：]?(?P<name>.+))?$")
# "项目名称 X": a label and its value on one line, a space between them (no other space in the label)
_SPACED_LABEL = re.compile(r"^\s*(\S{2,16})[ \t\u3000]+(\S.*?)\s*$")
# "1.目标内容1：…" / "（1）…" / "目标2：…" at the start of the cell or after a sentence end
_TARGET_ITEM = re.compile(
    r"(?:^|(?<=[。；;！!\n]))\s*(?:[（(]?\d+\s*[.、．)）](?!\d)\s*(?:(?:目标内容|目标)\s*\d+\s*[:：]\s*)?"
    r"|(?:目标内容|目标)\s*\d+\s*[:：]\s*)"
)
IDENTITY = ("project_code", "project_name")
STARTS_PROJECT = {"project_code", "project_name", "budget", "fiscal"}
# who is responsible: kept for the next project, but alone no project (a cover table's 填报单位)
PARTIES = ("department", "implementing_unit")


class ProjectLines:
    """Reading lines outside tables; the fields are ProjectState's."""

    projects: list[Project]
    goals: list[Goal]
    rows: IndicatorRows
    header: IndicatorHeader | None
    pending_parties: dict[str, str]
    prose_level1: str | None
    prose_level2: str | None
    quoted_name: str | None
    stated_budgets: set[float]

    @property
    def current(self) -> Project | None:
        return self.projects[-1] if self.projects else None

    def start_project(self, page: int | None) -> Project:
        raise NotImplementedError  # ProjectState's

    def _set(self, project: Project, key: str, value: str | None, unit: str | None, row: Row, cell: Cell) -> None:
        raise NotImplementedError  # ProjectState's

    def notice_line(self, text: str) -> None:
        """A line before any table may name the project in quotes (关于“…项目”的公示); any line of the notice
        may state its budget in words (下达…预算资金100万元)."""
        if self.current is None and self.quoted_name is None:
            self.quoted_name = quoted_subject(text)
        self.stated_budgets.update(stated_budgets(text))

    def code_line(self, text: str, page: int | None) -> bool:
        """A 项目编码/项目名称 line outside a table starts a project like the table row would."""
        match = _CODE_LINE.match(compact(text))
        if not match:
            return False
        project = self.current
        if project is None or project.project_code or self.header is not None:
            project = self.start_project(page)
        project.project_code = match.group("code")
        if match.group("name"):
            project.project_name = clean(re.split(r"项目名称\s*[:：]?", text, maxsplit=1)[-1])
        return True

    def label_line(self, text: str, page: int | None) -> bool:
        """"项目名称：X" / "预算数：10万元" / "主管部门：Y" written as a line of text; also "项目名称 X", the
        cells of a table row a web page printed with a space between them."""
        head, sep, value = re.sub(r"\s+", "", text).partition("：" if "：" in text else ":")
        if not sep and (spaced := _SPACED_LABEL.match(text)):
            head, sep, value = spaced.group(1), " ", spaced.group(2)
        label = line_label(head, value) if sep else None
        project = self.current
        if label is None or label.key not in (*STARTS_PROJECT, *PARTIES, "other") or not meaningful(value) \
                or (label.key == "other" and (project is None or self.header is not None)):
            return False  # an 其他资金 line belongs to the project above it, and alone starts none
        if label.key in PARTIES and (project is None or self.header is not None):
            self.pending_parties.setdefault(label.key, clean(value))
            return True
        if project is None or (label.key in IDENTITY and getattr(project, label.key)) or self.header is not None:
            project = self.start_project(page)
        self._set(project, label.key, clean(value), label.unit, Row([], {}, 0, 0, page), Cell(row=0, col=0, text=head))
        return True

    def prose_line(self, text: str, page: int | None) -> bool:
        """A line of an indicator list written as prose (prose.py): its 一级 or 二级 heading, or its items."""
        read = read_line(text, self.prose_level1, self.prose_level2, in_table=self.header is not None)
        self.prose_level1, self.prose_level2 = read.level1, read.level2
        self._add_listed(read.items, read.level1, page, "in the text under")
        return read.consumed

    def _add_listed(self, items: list[ProseItem], level1: str | None, page: int | None, where: str) -> None:
        for item in items:
            project = self.current or self.start_project(page)
            levels = " / ".join(w for w in (level1, item.level2_raw) if w)
            self.rows.add(project, {"level1_raw": level1, "level2_raw": item.level2_raw or None,
                                    "name_raw": item.name_raw, "value_raw": item.value_raw}, page=page,
                          admitted=f"listed {where} {levels}" if levels else "listed after a 绩效目标 label")

    def _listed_cells(self, row: Row) -> bool:
        """产出指标 | 开展巡查频次8次;编制资料3个。: indicators listed in the cell beside a level's label."""
        listed = row_lists([c.text for c in row.cells])
        for label, items in listed:
            self._add_listed(items, label if not items[0].level2_raw else None, row.page, "in the cell beside")
        return bool(listed)

    def goal_paragraph(self, text: str) -> None:
        self._project_goals(self.current, re.sub(r"^\s*(?:绩效|年度)?目标\s*[:：]?\s*(?=\d|目标内容)", "", text))

    def _project_goals(self, project: Project, text: str | None) -> None:
        if not meaningful(text):
            return
        raw = text.strip()
        starts = list(_TARGET_ITEM.finditer(raw))
        pieces = [raw[m.end(): (starts[i + 1].start() if i + 1 < len(starts) else len(raw))]
                  for i, m in enumerate(starts)] if starts else [raw]
        own = [g for g in self.goals if g.project_code == project.project_code and g.title.startswith("目标内容")]
        known = {g.goal_text for g in own}
        for piece in (clean(p) for p in pieces):
            if piece and piece not in known:
                known.add(piece)
                seq = len(own) + 1
                own.append(Goal(kind="project", seq=seq, title=f"目标内容{seq}", goal_text=piece,
                                project_code=project.project_code))
                self.goals.append(own[-1])
