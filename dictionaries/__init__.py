"""The controlled vocabulary, as YAML files a person edits (no vocabulary lives in code)."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import yaml

# JIXIAO_DICTIONARIES points at another folder of the same YAML files (a district's own vocabulary;
# tests that change a dictionary without touching the package).
DICTIONARY_DIR = Path(os.environ.get("JIXIAO_DICTIONARIES") or Path(__file__).resolve().parent)


class DictionaryError(Exception):
    """A dictionary file is missing or malformed; the message names the file and the problem."""


@cache
def load_dictionary(name: str) -> Any:
    """Parsed content of `dictionaries/<name>.yaml` (cached: dictionaries are read-only at run time)."""
    path = DICTIONARY_DIR / f"{name}.yaml"
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except FileNotFoundError as exc:
        raise DictionaryError(f"dictionary file {path} is missing") from exc
    except yaml.YAMLError as exc:
        raise DictionaryError(f"dictionary file {path} is not valid YAML: {exc}") from exc
