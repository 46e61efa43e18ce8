"""Write docs/contract.md, the data contract a user reads, from the model: every table and column
(jixiao/model/schema.py, with their meanings from jixiao/model/meanings.py), the views, and every value of
the model's Literals (status, error codes with their comments in errors.py, formats, read methods, form kinds).

    python scripts/write_contract.py [--check]

`--check` writes nothing and exits 1 when docs/contract.md is not what the model gives (tests run it too).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import get_args

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from jixiao.model import errors  # noqa: E402
from jixiao.model.document import Format, ReadMethod  # noqa: E402
from jixiao.model.meanings import TABLES as TABLE_MEANINGS, column_meaning  # noqa: E402
from jixiao.model.outcome import FormKind, Status  # noqa: E402
from jixiao.model.schema import TABLES, VIEWS  # noqa: E402

CONTRACT = REPO / "docs" / "contract.md"

INTRODUCTION = """\
# The data contract of `jixiao`

What the pipeline reads, what it writes, and the names analysts, tests and benchmarks rely on. Written by
`python scripts/write_contract.py` from `jixiao/model/schema.py` (the columns, defined once) and
`jixiao/model/meanings.py`: edit those, not this file. Column names are fixed: add columns freely, rename none.

## Input: an inbox folder

```
inbox/
  丰登坞镇/2024年部门绩效目标.docx
  石各庄镇/绩效目标表.pdf
  银城铺镇/目标.txt          # UTF-8, UTF-8 with BOM, or GB18030/GBK
  manifest.csv              # optional: file,township,unit_code,year (and current, supersedes)
```
or, for several years: `inbox/<YYYY>/<township>/<file>`.

- Any file that cannot be read (corrupt, encrypted, empty, unsupported, wrong extension, too large) becomes a
  `documents` row with `status = 'failed'`, an `error_code` and an `error` a person can act on. One bad file
  never stops the batch.
- A township may send a revised version beside its first file: the newer one supersedes the older
  (`documents.superseded_by`); the `current_*` views count current documents only.

## Output: `DIR/district.duckdb`, and the same tables as `DIR/parquet/<table>.parquet`

`jixiao run INBOX --out DIR` builds them; `jixiao query "SQL" --out DIR` reads them. Re-running on the same
inbox gives the same tables.
"""


def _literal_list(title: str, literal: object, what: str) -> list[str]:
    return [f"### {title}", "", f"{what}: " + ", ".join(f"`{v}`" for v in get_args(literal)) + ".", ""]


def _error_codes() -> list[str]:
    """Each ErrorCode with the comment errors.py gives it."""
    source = Path(errors.__file__).read_text(encoding="utf-8")
    comments = dict(re.findall(r'^\s*"(\w+)",\s*#\s*(.+)$', source, flags=re.M))
    lines = ["### Error codes", "", "`documents.error_code`, for failed and partial documents:", "",
             "| code | meaning |", "|---|---|"]
    return lines + [f"| `{code}` | {comments[code]} |" for code in get_args(errors.ErrorCode)] + [""]


def render_contract() -> str:
    lines = [INTRODUCTION]
    for table, schema in TABLES.items():
        lines += [f"### {table} — {TABLE_MEANINGS[table]}", "", "| column | type | meaning |", "|---|---|---|"]
        lines += [f"| `{field.name}` | {field.type} | {column_meaning(table, field.name)} |" for field in schema]
        lines.append("")
    lines += ["### Views", "", "What totals and reports use: the tables without superseded documents.", ""]
    lines += [f"- `{name}`: `{sql}`" for name, sql in VIEWS.items()]
    lines += ["", "## Values", ""]
    lines += _literal_list("Status", Status, "`documents.status`")
    lines += _error_codes()
    lines += _literal_list("Formats", Format, "`documents.format`, what a file was read as")
    lines += _literal_list("Read methods", ReadMethod, "`documents.read_method`, how its text was obtained")
    lines += _literal_list("Form kinds", FormKind, "`documents.form_kind`")
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether docs/contract.md is current")
    args = parser.parse_args(argv)
    text = render_contract()
    if args.check:
        current = CONTRACT.exists() and CONTRACT.read_text(encoding="utf-8") == text
        print(f"{CONTRACT.relative_to(REPO)} is {'current' if current else 'out of date: run scripts/write_contract.py'}")
        return 0 if current else 1
    CONTRACT.parent.mkdir(exist_ok=True)
    CONTRACT.write_text(text, encoding="utf-8")
    print(f"wrote {CONTRACT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
