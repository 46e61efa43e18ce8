"""Print what jixiao reads from one file: the document model (paragraphs, tables as grids with
spans) and the records parsed from it — for a developer working out why a form parses as it does.

    python scripts/show_document.py FILE [--model] [--records]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from jixiao.extractors import read_document
from jixiao.model.document import Table
from jixiao.parsing.structure import parse_document


def show_model(path: Path) -> None:
    document = read_document(path)
    for block in document.blocks:
        if isinstance(block, Table):
            print(f"--- table {block.n_rows}x{block.n_cols}")
            for r, cells in enumerate(block.rows()):
                texts = [f"[{c.col}{'+' + str(c.col_span) if c.col_span > 1 else ''}"
                         f"{'v' + str(c.row_span) if c.row_span > 1 else ''}]{c.text.strip()[:24]!r}" for c in cells]
                print(f"  r{r}: " + " ".join(texts))
        else:
            print(f"P: {block.text.strip()[:100]!r}")


def show_records(path: Path) -> None:
    parsed = parse_document(read_document(path))
    print(f"form_kind={parsed.form_kind} year={parsed.year} problems={parsed.problems}")
    for project in parsed.projects:
        print("PROJECT", project.model_dump(exclude_none=True))
    for row in parsed.indicators:
        print("ROW", {k: v for k, v in row.model_dump(exclude_none=True).items()
                      if k not in ("project_code", "project_name", "page")})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--model", action="store_true", help="only the document model")
    parser.add_argument("--records", action="store_true", help="only the parsed records")
    args = parser.parse_args()
    if not args.records:
        show_model(args.path)
    if not args.model:
        show_records(args.path)


if __name__ == "__main__":
    main()
