"""The output tables of the data contract (../shared/contract.md), defined once.

Every writer (Parquet, DuckDB, PostgreSQL, xlsx) takes its column names and types
from here, so a column cannot be renamed in one place and not the others.
Columns beyond the contract come after the contract's own.
"""

from __future__ import annotations

import pyarrow as pa

_S, _I, _F, _D = pa.string(), pa.int32(), pa.float64(), pa.date32()

DOCUMENTS = pa.schema([
    ("doc_id", _S), ("township", _S), ("unit_code", _S), ("year", _I), ("source_path", _S),
    ("format", _S), ("encoding", _S), ("status", _S), ("error", _S),
    ("n_goals", _I), ("n_projects", _I), ("n_indicators", _I),
    ("n_pages", _I), ("size_bytes", pa.int64()), ("boilerplate_share", _F),
    ("error_code", _S), ("form_kind", _S), ("read_method", _S), ("superseded_by", _S), ("notes", _S),
])

GOALS = pa.schema([
    ("doc_id", _S), ("township", _S), ("kind", _S), ("seq", _I), ("title", _S),
    ("goal_text", _S), ("indicator_text", _S), ("project_code", _S),
])

PROJECTS = pa.schema([
    ("doc_id", _S), ("township", _S), ("table_no", _I), ("project_code", _S), ("project_name", _S),
    ("year", _I), ("budget_wan", _F), ("fiscal_wan", _F), ("other_wan", _F), ("purpose", _S),
    ("plan_mar", _S), ("plan_jun", _S), ("plan_oct", _S), ("plan_dec", _S),
    ("title", _S), ("unit_line", _S), ("page", _I), ("department", _S), ("implementing_unit", _S),
])

INDICATORS = pa.schema([
    ("doc_id", _S), ("township", _S), ("project_code", _S), ("project_name", _S), ("source", _S),
    ("level1_raw", _S), ("level1", _S), ("level2_raw", _S), ("level2", _S), ("name_raw", _S),
    ("indicator_id", _S), ("indicator", _S), ("match_score", _F), ("match_method", _S),
    ("description", _S), ("value_raw", _S), ("operator", _S), ("value", _F), ("unit_raw", _S),
    ("unit", _S), ("value_base", _F), ("base_unit", _S), ("value_kind", _S), ("grade", _S),
    ("due_date", _D), ("basis_raw", _S), ("basis", _S), ("page", _I), ("table_no", _I), ("row_no", _I),
    ("value_max", _F), ("value_note", _S), ("item_seq", _I), ("sentence", _S),
    ("weight", _F), ("direction", _S), ("actual", _S), ("score", _F), ("value_flag", _S), ("confidence", _F),
    ("explanation", _S), ("admitted", _S),
])

DUPLICATES = pa.schema([
    ("group_id", _S), ("level", _S), ("doc_id", _S), ("township", _S), ("project_code", _S),
    ("text", _S), ("similarity", _F), ("n_townships", _I), ("kind", _S), ("n_members", _I),
])

CHECKS = pa.schema([
    ("doc_id", _S), ("township", _S), ("source_path", _S), ("project_code", _S), ("name_raw", _S),
    ("rule", _S), ("severity", _S), ("message", _S), ("evidence", _S),
    ("project_name", _S), ("table_no", _I),
])

RESULTS = pa.schema([
    ("township", _S), ("year", _I), ("project_code", _S), ("project_name", _S), ("indicator_id", _S),
    ("name_raw", _S), ("target_raw", _S), ("actual_raw", _S), ("outcome", _S), ("link", _S),
    ("self_eval_target_raw", _S), ("explanation", _S), ("level1", _S), ("level2", _S), ("operator", _S),
    ("target_base", _F), ("actual_base", _F), ("base_unit", _S), ("target_doc_id", _S), ("self_eval_doc_id", _S),
])

TARGET_HISTORY = pa.schema([
    ("township", _S), ("project_code", _S), ("project_name", _S), ("name_raw", _S), ("indicator_id", _S),
    ("year", _I), ("value_raw", _S), ("change", _S),
    ("previous_year", _I), ("previous_value_raw", _S), ("level1", _S), ("level2", _S), ("link", _S), ("doc_id", _S),
])

TABLES: dict[str, pa.Schema] = {
    "documents": DOCUMENTS,
    "goals": GOALS,
    "projects": PROJECTS,
    "indicators": INDICATORS,
    "duplicates": DUPLICATES,
    "checks": CHECKS,
    "results": RESULTS,
    "target_history": TARGET_HISTORY,
}

# Views over the tables: a resubmitted township's older file keeps its rows (marked by
# documents.superseded_by), and these views — what totals and reports use — leave them out.
_CURRENT_DOCS = "select doc_id from documents where superseded_by is null"
VIEWS: dict[str, str] = {
    "current_documents": "select * from documents where superseded_by is null",
    **{f"current_{t}": f"select * from {t} where doc_id in ({_CURRENT_DOCS})"
       for t in ("goals", "projects", "indicators", "duplicates")},
}


def to_arrow(table: str, rows: list[dict]) -> pa.Table:
    """Rows (dicts keyed by column name; missing keys are null) as an Arrow table of the contract schema."""
    schema = TABLES[table]
    columns = {name: [row.get(name) for row in rows] for name in schema.names}
    return pa.Table.from_pydict(columns, schema=schema)
