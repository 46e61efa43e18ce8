"""What one run works on, settled once before it starts: the inbox discovered and hashed, the inputs'
fingerprint, the options, and (locally) the documents being read ahead. The flow takes it as its one
parameter, so nothing is discovered, hashed or fingerprinted twice in a run.

Light on purpose (no Prefect, no readers): the command line builds a plan before Prefect's API starts.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, SecretStr, model_serializer

from jixiao.extractors import DEFAULT_MAX_BYTES
from jixiao.flows.fingerprint import inputs_fingerprint
from jixiao.flows.inbox import InboxFile, ManifestEntry, discover_inbox

if TYPE_CHECKING:
    from jixiao.flows.extract import Extraction

Runner = Literal["local", "dask"]


@runtime_checkable
class ReadingAhead(Protocol):
    """Documents a run reads before its read tasks start (flows.runtime.ahead.ReadAhead): the tasks wait
    for these instead of reading them again."""

    def reads(self, doc_id: str) -> bool: ...

    def result(self, doc_id: str) -> Extraction: ...


class RunOptions(BaseModel):
    """The options of `jixiao run` that shape the flow (see its --help)."""

    model_config = ConfigDict(frozen=True)

    workers: int = 1
    max_bytes: int = DEFAULT_MAX_BYTES
    runner: Runner = "local"
    address: str | None = None  # a Dask scheduler
    db: SecretStr | None = None  # a PostgreSQL URL; a secret so nothing records its password
    year: int | None = None  # the district's budget year the checks compare documents with
    progress: bool = False  # a progress bar on the terminal


class RunPlan(BaseModel):
    """One run's inputs. Prefect records only `summary()` of it as the flow's parameters: the file list
    can be thousands long and the read-ahead is a live object."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    inbox: Path  # absolute: Dask workers do not share this process's working directory
    out: Path
    files: list[InboxFile]
    fingerprint: str  # flows.fingerprint.inputs_fingerprint of the files and options
    options: RunOptions
    read_before: tuple[str, ...] = ()  # doc_ids read while the flow started: not read again, even for a retry
    ahead: ReadingAhead | None = None  # documents being read now (local runs)

    @model_serializer
    def summary(self) -> dict[str, Any]:
        options = self.options
        return {"inbox": str(self.inbox), "out": str(self.out), "n_files": len(self.files),
                "fingerprint": self.fingerprint, "workers": options.workers, "max_bytes": options.max_bytes,
                "runner": options.runner, "address": options.address, "year": options.year,
                "db": options.db is not None, "n_read_before": len(self.read_before)}


def plan_run(inbox: Path, out: Path, options: RunOptions, manifest: dict[str, ManifestEntry] | None = None) -> RunPlan:
    """Discover and hash the inbox, once, and fingerprint it with the options."""
    inbox, out = inbox.resolve(), out.resolve()
    files = discover_inbox(inbox, exclude=out, manifest=manifest)
    return RunPlan(inbox=inbox, out=out, files=files, options=options,
                   fingerprint=inputs_fingerprint(inbox, files, options.year, options.max_bytes))
