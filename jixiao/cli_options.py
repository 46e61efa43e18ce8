"""Options several `jixiao` commands share, declared once so their flags and help read the same."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

OutOption = Annotated[Path, typer.Option("--out", "-o", help="Output folder (dataset, cache, reports).")]
TownshipOption = Annotated[str | None, typer.Option(help="Only this township (as in the documents table).")]
LimitOption = Annotated[int, typer.Option(min=1, help="Rows to print at most.")]
