"""The coded values of the dataset's columns, defined once: the tables store these codes, and every view a
person reads (report, workbook, checks) shows each through its Chinese label (dictionaries/labels.yaml).

`CODED_COLUMNS` says which Literals a column's values come from; the label table is checked against it
when it is loaded, so a code added here without a label fails at once, not in a clerk's workbook.
"""

from __future__ import annotations

from typing import Literal, get_args

from jixiao.model.document import Format, ReadMethod
from jixiao.model.errors import ErrorCode
from jixiao.model.outcome import FormKind, Status
# indicators.source: a row of an indicator table, or a 绩效指标 sentence of a paragraph
Source = Literal["table", "paragraph"]
# indicators.match_method: how the name reached the controlled vocabulary
MatchMethod = Literal["exact", "synonym", "fuzzy", "new"]
# indicators.value_kind and operator: what 指标值 was read as
ValueKind = Literal["number", "percent", "grade", "date", "text"]
Operator = Literal[">=", "<=", "=", ">", "<"]
# indicators.value_flag: why a value needs a look
ValueFlag = Literal["placeholder", "percent_above_100", "negative_value"]
# goals.kind
GoalKind = Literal["overall", "item", "measure", "project"]
# duplicates.kind beyond the goals' own: a goal's 绩效指标 text, an indicator row or description, a
# project's whole indicator set or its purpose
CopiedKind = Literal["overall_indicator", "item_indicator", "measure_indicator", "project_indicator",
                     "row", "description", "indicator_set", "purpose"]
# duplicates.level
CopiedLevel = Literal["indicator", "goal", "project"]
# results.outcome: a 自评表's actual against the year's target
ResultOutcome = Literal["met", "missed", "no_actual", "not_comparable", "no_target"]
# target_history.change: a target against the same indicator's the year before
TargetChange = Literal["new", "dropped", "unchanged", "lowered", "raised", "changed"]
# results.link and target_history.link: how a project was found again in another document or year
LinkMethod = Literal["code", "name", "fuzzy"]
# checks.severity: must be fixed before approval / should be fixed or explained / for the record
Severity = Literal["error", "warning", "info"]

CODED_COLUMNS: dict[str, tuple[object, ...]] = {
    "status": (Status,), "format": (Format,), "read_method": (ReadMethod,), "error_code": (ErrorCode,),
    "form_kind": (FormKind,), "source": (Source,), "match_method": (MatchMethod,), "value_kind": (ValueKind,),
    "operator": (Operator,), "value_flag": (ValueFlag,), "kind": (GoalKind, CopiedKind), "level": (CopiedLevel,),
    "severity": (Severity,), "outcome": (ResultOutcome,), "change": (TargetChange,), "link": (LinkMethod,),
}


def codes(column: str) -> list[str]:
    """Every value the model allows in `column`, in the order the Literals list them."""
    return [value for literal in CODED_COLUMNS[column] for value in get_args(literal)]
