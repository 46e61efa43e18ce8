"""The Chinese a clerk or reviewer reads for the dataset's codes (dictionaries/labels.yaml): statuses,
formats, categories, error codes and the rules of the checks — one table for the report, the workbook and
the checks. The dataset keeps the codes (and the English detail of an error) for queries.
"""

from __future__ import annotations

from typing import Any

from jixiao.dictionaries import DictionaryError, dictionary_cache, load_dictionary
from jixiao.model.codes import CODED_COLUMNS, codes

UNKNOWN = "—"  # what a person reads for a value that is not known (a budget not read, a share without rows)


@dictionary_cache
def label_table() -> dict[str, dict[str, str]]:
    """Column → {code: label}, checked to cover every code of jixiao/model/codes.py and every rule of checks.yaml."""
    data = load_dictionary("labels") or {}
    table = {column: {str(k): str(v) for k, v in (values or {}).items()}
             for column, values in (data.get("labels") or {}).items()}
    rules = (load_dictionary("checks") or {}).get("rules") or {}
    table["rule"] = {rule: str((spec or {}).get("label") or "") for rule, spec in rules.items()}
    missing = [f"{column}: {code}" for column in CODED_COLUMNS for code in codes(column)
               if not table.get(column, {}).get(code)]
    missing += [f"rule: {rule} (a `label` in checks.yaml)" for rule, text in table["rule"].items() if not text]
    messages = data.get("error_messages") or {}
    missing += [f"error_messages: {code}" for code in codes("error_code") if not messages.get(code)]
    if missing:
        raise DictionaryError(f"labels.yaml: no Chinese label for {'; '.join(missing)}")
    return table


def label(column: str, value: Any) -> Any:
    """`value` as a person reads it: a code of `column` by its label, anything else as it is, None as "—"."""
    if value is None:
        return UNKNOWN
    return label_table().get(column, {}).get(value, value) if isinstance(value, str) else value


def error_message(code: str | None) -> str | None:
    """What a clerk does about a document that failed or was read in part, in Chinese (None: no error)."""
    if not code:
        return None
    return str((load_dictionary("labels") or {}).get("error_messages", {}).get(code) or label("error_code", code))
