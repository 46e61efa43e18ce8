"""What every 审核 rule shares: the severities, a rule's settings from dictionaries/checks.yaml, the
`Finding` a rule returns and how numbers appear in its message. Document rules (checks.py) and project
and indicator rules (project_checks.py) both build on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, get_args

from jixiao.dictionaries import DictionaryError, load_dictionary
from jixiao.model.codes import Severity

SEVERITIES: tuple[str, ...] = get_args(Severity)


@dataclass(frozen=True)
class Finding:
    """One fault a rule found: the values it compared (they fill the message and the evidence)."""

    values: Mapping[str, Any]
    project: Mapping[str, Any] | None = None  # the projects row, for project-level rules
    name_raw: str | None = None  # the indicator, for indicator-level rules


@cache
def settings() -> dict[str, Any]:
    """dictionaries/checks.yaml, checked once: every rule needs a known severity, a label and a message."""
    data = load_dictionary("checks") or {}
    for rule, spec in (data.get("rules") or {}).items():
        if (spec or {}).get("severity") not in SEVERITIES or not (spec or {}).get("message") \
                or not (spec or {}).get("label"):
            raise DictionaryError(f"checks.yaml: rule {rule!r} needs a severity ({'/'.join(SEVERITIES)}), "
                                  "a Chinese label and a message")
    return data


def rule_settings(rule: str) -> dict[str, Any]:
    try:
        return settings()["rules"][rule]
    except KeyError as exc:
        raise DictionaryError(f"checks.yaml: no settings for rule {rule!r}") from exc


def number(value: float | None) -> str:
    """12.5 → '12.5', 3.0 → '3', None → '—' (not known); how amounts appear in messages and evidence."""
    if value is None:
        return "—"
    return f"{round(value, 4):,.4f}".rstrip("0").rstrip(".")
