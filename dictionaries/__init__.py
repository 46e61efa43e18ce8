"""The controlled vocabulary, as YAML files a person edits (no vocabulary lives in code)."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DICTIONARY_DIR = Path(__file__).resolve().parent


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


def dictionaries_fingerprint() -> str:
    """A hash of every dictionary file: a changed vocabulary means re-normalizing (not re-reading)."""
    digest = hashlib.sha256()
    for path in sorted(DICTIONARY_DIR.glob("*.yaml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
