"""The records the structure parser produces: raw text as written, before normalization."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from jixiao.model.outcome import FormKind


class Goal(BaseModel):
    kind: str  # overall | item | measure | project
    seq: int
    title: str
    goal_text: str
    indicator_text: str | None = None
    project_code: str | None = None
    confidence: float | None = None  # OCR'd: the lowest recognition confidence of its paragraphs


class Project(BaseModel):
    table_no: int  # the project's number in the document (several projects may share one table)
    title: str | None = None
    project_code: str | None = None
    project_name: str | None = None
    department: str | None = None  # 主管部门 / 预算部门
    implementing_unit: str | None = None  # 实施单位 / 单位名称
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
    """One row of an indicator table, as written (merged cells filled down)."""

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
    weight: float | None = None  # 权重/分值 (on the row where a merged weight cell starts)
    direction: str | None = None  # 正向 / 反向
    actual: str | None = None  # 自评表: 实际完成值 as written
    score: float | None = None  # 自评表: 得分
    explanation: str | None = None  # 自评表: 偏差原因 / 改进措施
    # 一级 taken from an earlier row because this row's cell was blank (not a merged cell): a
    # guess that loses to the row's own 二级 when they disagree (unruled PDFs centre the label)
    level1_guessed: bool = False
    confidence: float | None = None  # OCR'd: the lowest recognition confidence of the row's cells
    admitted: str | None = None  # why this row was taken for an indicator (the header it sits under …)
    # columns of its table whose role the vocabulary did not give (found by words or content): a reviewer checks
    columns_inferred: str | None = None


class ParsedDocument(BaseModel):
    unit_code: str | None = None
    year: int | None = None
    form_kind: FormKind | None = None
    goals: list[Goal] = Field(default_factory=list)
    projects: list[Project] = Field(default_factory=list)
    indicators: list[TableIndicator] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)  # why a document is only partially parsed
    names: list[str] = Field(default_factory=list)  # title lines and unit names (parsing/names.py)


_SPACE = re.compile(r"\s+")


def clean(text: str | None) -> str | None:
    """Cell text as written, minus layout whitespace; None when blank."""
    if text is None:
        return None
    text = _SPACE.sub(" ", text.replace("\n", "")).strip()
    return text or None


def meaningful(text: str | None) -> bool:
    """True when a cell says something: a placeholder such as "……", "—" or "/" says nothing."""
    return bool(text) and any(ch.isalnum() for ch in text)
