"""The controlled vocabulary, as YAML files a person edits (no vocabulary lives in code).

Nothing is read at import time. A dictionary is read when first used, from the folder
JIXIAO_DICTIONARIES names (a district's own vocabulary) or else the files shipped here, and the
folder is looked up at that moment. Everything computed from a dictionary is cached with
`dictionary_cache`, so `clear_dictionary_caches()` makes the next use read the files again
(tests swap the folder with monkeypatch.setenv and one call).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml

BUNDLED_DIR = Path(__file__).resolve().parent  # the dictionaries shipped with jixiao
ENV_VAR = "JIXIAO_DICTIONARIES"

F = TypeVar("F", bound=Callable[..., Any])
_CACHES: list[Any] = []  # every cache derived from dictionary content, cleared together


class DictionaryError(Exception):
    """A dictionary file is missing or malformed; the message names the file and the problem."""


def dictionary_dir() -> Path:
    """The folder dictionaries are read from now: $JIXIAO_DICTIONARIES, or the shipped files."""
    return Path(os.environ.get(ENV_VAR) or BUNDLED_DIR)


def dictionary_cache(function: F | None = None, *, maxsize: int | None = None) -> Any:
    """`functools.lru_cache` for anything computed from dictionary content, cleared by
    `clear_dictionary_caches` (use it instead of a bare cache, or a changed dictionary is not seen).
    """

    def wrap(f: F) -> F:
        cached = functools.lru_cache(maxsize=maxsize)(f)
        _CACHES.append(cached)
        return cached  # type: ignore[return-value]

    return wrap(function) if function is not None else wrap


def clear_dictionary_caches() -> None:
    """Forget every dictionary read and everything computed from one; the next use reads the files."""
    for cached in _CACHES:
        cached.cache_clear()


# libyaml's safe loader when PyYAML was built with it: the same documents, about 8× faster to parse.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dictionary_cache
def load_dictionary(name: str) -> Any:
    """Parsed content of `<dictionary_dir>/<name>.yaml` (cached: dictionaries are read-only in a run)."""
    path = dictionary_dir() / f"{name}.yaml"
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_SAFE_LOADER)
    except FileNotFoundError as exc:
        raise DictionaryError(f"dictionary file {path} is missing") from exc
    except yaml.YAMLError as exc:
        raise DictionaryError(f"dictionary file {path} is not valid YAML: {exc}") from exc


def spelling_table(
    entries: Mapping[Any, Iterable[Any]],
    key: Callable[[str], str],
    source: str,
    *,
    canonical_is_spelling: bool = True,
) -> dict[str, str]:
    """{key(spelling): canonical} from `canonical: [spellings]` entries.

    A spelling listed under two entries would make matching depend on file order, so it is an error
    that names both. `canonical_is_spelling=False` for entries whose name is a code (">=").
    """
    table: dict[str, str] = {}
    for canonical, spellings in entries.items():
        listed = [canonical, *spellings] if canonical_is_spelling else list(spellings)
        for spelling in listed:
            folded = key(str(spelling))
            if table.get(folded, str(canonical)) != str(canonical):
                raise DictionaryError(f"{source}: {spelling!r} is listed under both {table[folded]!r} and "
                                      f"{str(canonical)!r} — keep it under one of them")
            table[folded] = str(canonical)
    return table
