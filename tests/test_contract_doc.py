"""The data contract a user reads is in the repository (docs/contract.md), written from the model, and
the README links nothing outside the repository: a fresh clone stands alone."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import get_args

from jixiao.model import meanings
from jixiao.model.errors import ErrorCode
from jixiao.model.schema import TABLES

REPO = Path(__file__).resolve().parents[1]


def _writer():
    spec = importlib.util.spec_from_file_location("write_contract", REPO / "scripts" / "write_contract.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_table_and_column_has_a_meaning_and_no_meaning_is_stale():
    assert set(meanings.TABLES) == set(TABLES)
    missing = [f"{t}.{c}" for t, schema in TABLES.items() for c in schema.names if not meanings.column_meaning(t, c)]
    assert not missing, f"columns without a meaning in jixiao/model/meanings.py: {missing}"
    columns = {c for schema in TABLES.values() for c in schema.names}
    assert not set(meanings.COLUMNS) - columns, "meanings of columns no table has"
    assert all(set(cols) <= set(TABLES[t].names) for t, cols in meanings.TABLE_COLUMNS.items())


def test_the_contract_document_is_what_the_model_gives():
    text = _writer().render_contract()
    assert (REPO / "docs" / "contract.md").read_text(encoding="utf-8") == text, \
        "docs/contract.md is out of date: run python scripts/write_contract.py"
    assert all(f"`{code}`" in text for code in get_args(ErrorCode))
    assert all(f"`{column}`" in text for schema in TABLES.values() for column in schema.names)


def test_the_readme_links_only_inside_the_repository():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    targets = [t.split("#")[0] for t in re.findall(r"\]\(([^)\s]+)\)", readme)
               if not t.startswith(("http://", "https://", "#"))]
    outside = [t for t in targets if not (REPO / t).resolve().is_relative_to(REPO)]
    assert not outside, f"README links outside the repository: {outside}"
    missing = [t for t in targets if not (REPO / t).exists()]
    assert not missing, f"README links to files that are not there: {missing}"
