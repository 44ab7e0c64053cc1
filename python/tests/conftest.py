"""Shared fixtures: the real data directory and the allywar binary the package is checked
against (the CLI's outputs are the reference the package must equal)."""

import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def data_dir() -> pathlib.Path:
    """$ALLYWAR_DATA, else ../shared/data/raw beside the repository; missing data fails."""
    d = pathlib.Path(os.environ.get("ALLYWAR_DATA") or ROOT.parent / "shared" / "data" / "raw")
    assert (d / "PROVENANCE.tsv").is_file(), f"real data not found at {d}: the Python tests do not skip"
    return d.resolve()


@pytest.fixture(scope="session")
def cli():
    """Runs the allywar binary ($ALLYWAR_BIN, else target/debug or target/release)."""
    candidates = [os.environ.get("ALLYWAR_BIN"), ROOT / "target" / "debug" / "allywar", ROOT / "target" / "release" / "allywar"]
    binary = next((str(c) for c in candidates if c and pathlib.Path(c).is_file()), None)
    assert binary, "no allywar binary: set ALLYWAR_BIN or build it first"

    def run(*args, check=True):
        r = subprocess.run([binary, *map(str, args)], capture_output=True, text=True, cwd=ROOT)
        if check:
            assert r.returncode == 0, r.stderr
        return r

    return run
