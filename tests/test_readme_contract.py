"""The README's format and error-code tables name every format and code the code can produce."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

from jixiao.extractors import READERS
from jixiao.model.errors import ErrorCode

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = README.index(title)
    end = README.find("\n## ", start + 1)
    return README[start:end if end > 0 else None]


def test_every_error_code_is_in_the_readme_table():
    rows = set(re.findall(r"^\| `([a-z_]+)` \|", _section("### Error codes"), re.M))
    assert rows == set(get_args(ErrorCode))


def test_every_reader_format_and_suffix_is_in_the_format_table():
    table = _section("## Formats a township may send")
    for reader in READERS:
        assert f"| `{reader.format}` |" in table, reader.format
        for suffix in reader.suffixes:
            assert f"`{suffix}`" in table, suffix
