"""Parse the 绩效目标 structure out of the document model, whatever format it came from.

One pass over the blocks feeds two readers:
- department.py: the 部门整体绩效目标 part (总体/分项绩效目标, 工作保障措施) from paragraphs;
- projects.py: projects, their labelled fields and indicator tables from table rows (a table is a
  stream of rows, so a table split across pages parses the same as one).
Labels, headers and title words come from dictionaries/forms.yaml and headers.yaml, matched by
meaning (folded text, spellings a person extends), never by position. This module then decides
the form's kind and what an honest status must say about what is missing.
"""

from __future__ import annotations

import re
from collections import Counter

from jixiao.model.document import Document, Paragraph, Table
from jixiao.normalizers.text import compact
from jixiao.parsing.department import DepartmentState
from jixiao.parsing.grid import table_rows
from jixiao.parsing.projects import ProjectState
from jixiao.model.outcome import FormKind
from jixiao.parsing.records import Goal, ParsedDocument, Project, TableIndicator, clean
from jixiao.parsing.vocabulary import department_markers, is_form_title, is_whole_department

__all__ = ["Goal", "ParsedDocument", "Project", "TableIndicator", "clean", "parse_document", "unit_code_of",
           "year_of"]

_YEAR = re.compile(r"(20\d\d)\s*年")
# a 目标内容 line printed outside its table (an unruled PDF, a table cut by a page break)
_PROJECT_GOAL_LINE = re.compile(r"^\s*(?:(?:绩效|年度)?目标\s*[:：]?\s*)?(?:\d+\s*[.、．]\s*)?目标内容\s*\d*\s*[:：]")


def parse_document(document: Document) -> ParsedDocument:
    """The target structure of one submission (raw text; normalization comes later)."""
    department = DepartmentState()
    year = year_of(document)
    projects = ProjectState(year=year)
    for block in document.blocks:
        if isinstance(block, Table):
            for row in table_rows(block):
                projects.row(row)
            continue
        text = block.text.strip()
        page = block.prov.page
        if not text:
            continue
        projects.notice_line(text)
        if is_form_title(text):
            projects.title(text)
            department.section = None
        elif projects.unit(text) or projects.code_line(text, page):
            continue
        elif department.section is None and projects.prose_line(text, page):
            continue
        elif projects.current is not None and department.section is None and _PROJECT_GOAL_LINE.match(text):
            projects.goal_paragraph(text)
        elif department.section is not None or department.heading(text):
            department.paragraph(text, block.confidence)
        else:
            projects.label_line(text, page)
    projects.finish()
    parsed = ParsedDocument(goals=department.finish() + projects.goals, projects=projects.projects,
                            indicators=projects.indicators)
    parsed.unit_code = unit_code_of([p.project_code for p in parsed.projects])
    parsed.year = year
    marked = _department_marked(document)
    parsed.form_kind = form_kind(parsed, projects.title_kinds, marked, projects.results_read)
    parsed.problems = _problems(parsed, marked, projects.rows.incomplete) + _row_gaps(parsed, projects)
    parsed.problems += [f"{title}: announced but no project table (项目名称/预算数, indicator rows) read after it"
                        for title in projects.unread_titles]
    return parsed


def form_kind(parsed: ParsedDocument, title_kinds: list[str], department_marked: bool,
              results_read: bool = False) -> FormKind | None:
    """self_evaluation | region | department | project, from the titles and what was read (a header with
    this year's actual or a score; an earlier year's actual beside the target is still a target form)."""
    if "self_evaluation" in title_kinds or results_read:
        return "self_evaluation"
    if "region" in title_kinds:
        return "region"
    if department_marked or "department" in title_kinds or any(g.kind in ("overall", "item") for g in parsed.goals):
        return "department"
    if parsed.projects or parsed.indicators:
        return "project"
    return None


def _department_marked(document: Document) -> bool:
    """The text announces a 部门整体绩效目标 part (a heading; not a table cell, not the title of a
    部门整体支出绩效目标表, whose goals sit in the table)."""
    markers = department_markers()
    return any(isinstance(b, Paragraph) and len(folded := compact(b.text)) <= 30 and not is_form_title(b.text)
               and any(m in folded for m in markers) for b in document.blocks)


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
    table — project tables carry over older projects), else in the first form title, else in the whole
    text (where the documents a form cites may outnumber its own year)."""
    prose = []
    title = ""
    for block in document.blocks:
        if isinstance(block, Table) or is_form_title(block.text):
            title = "" if isinstance(block, Table) else block.text
            break
        prose.append(block.text)
    for text in ("\n".join(prose), title, document.text()):
        years = Counter(int(y) for y in _YEAR.findall(text))
        if years:
            return max(years.items(), key=lambda kv: (kv[1], kv[0]))[0]
    return None


def _problems(parsed: ParsedDocument, department_marked: bool, incomplete: str | None) -> list[str]:
    """What was expected and is missing, named so a clerk can check it in the file."""
    problems = []
    rows = Counter(i.table_no for i in parsed.indicators)
    coded = any(p.project_code for p in parsed.projects)  # the form has a 项目编码 row: every project needs one
    for project in parsed.projects:
        label = project.project_name or clean(project.title) or f"project {project.table_no}"
        if not project.project_name and not is_whole_department(project.title):
            problems.append(f"{label}: no 项目名称 (project name) found")
        if project.budget_wan is None and project.fiscal_wan is None:
            problems.append(f"{label}: no 预算数/资金总额 (budget) found")
        if coded and not project.project_code:
            problems.append(f"{label}: no 项目编码 found")
        if not rows[project.table_no]:
            problems.append(f"{label}: no indicator rows found")
    kinds = {g.kind for g in parsed.goals}
    if department_marked and "overall" not in kinds and "item" not in kinds:
        problems.append("部门整体绩效目标 heading found but no 总体/分项绩效目标 read")
    if incomplete:
        problems.append(f"the last indicator table stops mid-row ({incomplete}): indicator rows after it are "
                        "missing — the table is cut off")
    return problems


def _some(texts: list[str | None]) -> str:
    """The first three of a list of cells for a message (a cell with no text shown as ?)."""
    return "、".join(t or "?" for t in texts[:3])


def _row_gaps(parsed: ParsedDocument, projects: ProjectState) -> list[str]:
    """Rows stored with a part missing, and columns left unread: a document with any is not `ok`."""
    gaps = []
    unnamed = [i for i in parsed.indicators if not i.name_raw]
    if unnamed:
        gaps.append(f"{len(unnamed)} indicator rows have no 三级指标 (name): e.g. value {unnamed[0].value_raw!r}")
    valueless = [i.name_raw or "?" for i in parsed.indicators if not i.value_raw]
    if valueless:
        gaps.append(f"{len(valueless)} indicator rows have no 指标值 (target): {_some(valueless)}")
    for level, n in projects.rows.level_gaps.items():
        if n:
            gaps.append(f"{n} indicator rows have no {level}指标 although the table has that column")
    if aside := projects.rows.set_aside:
        gaps.append(f"{len(aside)} rows of an indicator table hold only a label, no indicator or value (not read): "
                    f"{_some(aside)} — check the rows around them")
    if nameless := projects.rows.nameless:
        gaps.append(f"{len(nameless)} rows have a value but no indicator name (not read): {_some(nameless)}")
    if past := projects.rows.past_end:
        gaps.append(f"{len(past)} rows after the end of an indicator table (a note or a line across it) look like "
                    f"indicators and were not read: {_some(past)}")
    if outside := projects.rows.outside_levels:
        gaps.append(f"{len(outside)} rows under a 一级 that names no level were not read as indicators: "
                    f"{_some(outside)}")
    if split := projects.rows.split_by_place:
        gaps.append(f"{len(split)} indicator rows give each township/village its own target, no single 指标值: "
                    f"{_some(split)}")
    if projects.rows.unread_columns:
        gaps.append(f"columns not understood (values under a header jixiao does not know): "
                    f"{'、'.join(projects.rows.unread_columns)} — add the spelling to dictionaries/headers.yaml")
    return gaps
