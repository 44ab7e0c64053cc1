"""The raw datasets, as ``allywar data``: status, fetch, describe, cite, and your own datasets
(``add``)."""

from __future__ import annotations

import json
import os
from typing import Any, Dict, List, Optional, Sequence, Union

from . import PathLike, _data_args, _names, _run

__all__ = ["add", "cite", "describe", "fetch", "status"]


def status(data_dir: Optional[PathLike] = None) -> Dict[str, Any]:
    """Every catalog dataset (and your own) in the data directory: verified, mismatch or
    missing, version, rows, path; as ``allywar data status --json``."""
    return json.loads(_run("data", "status", "--json", *_data_args(data_dir)))


def fetch(
    names: Union[str, Sequence[str], None] = None,
    mirror: Optional[str] = None,
    data_dir: Optional[PathLike] = None,
) -> str:
    """Downloads (or copies from a mirror) and verifies datasets, all of them by default; files
    already present and verified are skipped. Returns what the command printed."""
    argv: List[str] = ["data", "fetch", *_names(names), "-q", *_data_args(data_dir)]
    if mirror:
        argv += ["--mirror", mirror]
    return _run(*argv)


def describe(name: str, data_dir: Optional[PathLike] = None) -> Dict[str, Any]:
    """The codebook of a dataset: columns with types and meanings, missing codes, years, rows,
    citation and producer; as ``allywar data describe NAME --json``."""
    return json.loads(_run("data", "describe", name, "--json", *_data_args(data_dir)))


def cite(names: Union[str, Sequence[str], None] = None) -> str:
    """BibTeX entries for the datasets (all of them, or the ones named)."""
    return _run("data", "cite", *_names(names))


def add(
    name: str,
    file: PathLike,
    unit: str,
    keys: Optional[Sequence[str]] = None,
    schema: Optional[Sequence[str]] = None,
    describe: Optional[Dict[str, str]] = None,
    na: Optional[Sequence[str]] = None,
    symmetric: bool = False,
    data_dir: Optional[PathLike] = None,
) -> str:
    """Adds a dataset of your own (``state-year`` or ``dyad-year``, joined on COW codes and
    year), as ``allywar data add``; its columns become variables for :func:`allywar.build`."""
    argv: List[str] = ["data", "add", name, "--file", os.fspath(file), "--unit", unit, *_data_args(data_dir)]
    if keys:
        argv += ["--keys", ",".join(keys)]
    if schema:
        argv += ["--schema", ",".join(schema)]
    for col, text in (describe or {}).items():
        argv += ["--describe", f"{col}={text}"]
    if na:
        argv.append("--na=" + ",".join(na))
    if symmetric:
        argv.append("--symmetric")
    return _run(*argv)
