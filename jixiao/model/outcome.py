"""How reading one document came out: the status, error code, format, read method and counts the
`documents` table gives for it. Every value a person filters by is one of the model's Literals
(`Status`, `ErrorCode`, `Format`, `ReadMethod`, `FormKind`), the one list of them labels and docs use.

A document that was not read in full, for whatever reason (a reader error, a crash, a timeout, a file
discovery could not open, an identical copy, a run stopped early), is made by `Outcome.failed` only.
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import BaseModel

from jixiao.model.document import Format, ReadMethod
from jixiao.model.errors import ErrorCode

# `documents.status`: ok (read in full), partial (something recognizable but incomplete), failed (nothing).
Status = Literal["ok", "partial", "failed"]
# `documents.form_kind`: which form the document is.
FormKind = Literal["department", "project", "region", "self_evaluation"]


class Outcome(BaseModel):
    """The documents row's own columns for one read (or unread) document."""

    doc_id: str
    # False: not final, the next run reads the file again (a crash, a timeout, a file that vanished mid-read)
    cacheable: bool = True
    status: Status
    error_code: ErrorCode | None = None
    error: str | None = None  # for the clerk: what is wrong and what to do
    format: Format | str  # a Format; for a file no reader takes, its suffix (odt, ofd …)
    read_method: ReadMethod | None = None
    encoding: str | None = None
    n_pages: int | None = None
    form_kind: FormKind | None = None
    notes: list[str] = []  # what the reader skipped (hidden or empty sheets, formulas without a result)

    @classmethod
    def failed(cls, doc_id: str, format: Format | str, code: ErrorCode, error: str, cacheable: bool = True) -> Self:
        """A document not read in full: why (`code`, `error`) and whether that is final (`cacheable`)."""
        return cls(doc_id=doc_id, format=format, status="failed", error_code=code, error=error, cacheable=cacheable)

