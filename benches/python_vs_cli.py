"""The Python package against the command line, on the same machine in the same run (a
benchmark, not a test): ratios of medians, since the machines here are shared and noisy.

1. The peacesciencer-equivalent dyad-year frame (1816–2010, GML, ATOP, contiguity, distance,
   majors, democracy, peace years): `allywar.build` in process, against `allywar build --out
   F.parquet` in a fresh process followed by `pl.read_parquet(F)`.
2. An interactive loop of 20 fits on that frame: `allywar.fit(df, ...)` in process, against 20
   `allywar fit F.parquet --out J.json` processes, each read back with `json.load`.

Both sides are release builds: ALLYWAR_BIN (default target/release/allywar) and the installed
package (`pip install ./python`). Usage:

    ALLYWAR_DATA=../shared/data/raw python3 benches/python_vs_cli.py [--runs 3]
"""

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

import polars as pl

import allywar

REGRESSORS = ["tgt_def", "chal_def", "chal_off", "def_any", "land_contig", "ln_capdist", "major1", "major2", "jdem", "peace_years"]


def formulas():
    """20 specifications an analyst might try in a row: each regressor added in turn, then dropped."""
    out = []
    for k in range(1, len(REGRESSORS) + 1):
        out.append("init ~ " + " + ".join(REGRESSORS[:k]))
    for k in range(len(REGRESSORS)):
        out.append("init ~ " + " + ".join(r for j, r in enumerate(REGRESSORS) if j != k))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    root = pathlib.Path(__file__).resolve().parents[1]
    binary = os.environ.get("ALLYWAR_BIN", str(root / "target" / "release" / "allywar"))
    data = os.environ.get("ALLYWAR_DATA", str(root.parent / "shared" / "data" / "raw"))
    names = allywar._allywar.peacesciencer_vars()
    work = pathlib.Path(tempfile.mkdtemp(prefix="allywar-bench-"))
    frame = work / "dy.parquet"

    def cli(*a):
        subprocess.run([binary, *map(str, a), "-q", "--data-dir", data], check=True, capture_output=True)

    build_py, build_cli = [], []
    for _ in range(args.runs):
        t = time.perf_counter()
        df = allywar.build("dyad-year", years=(1816, 2010), mids="gml", vars=names, data_dir=data)
        build_py.append(time.perf_counter() - t)
        t = time.perf_counter()
        cli("build", "dyad-year", "--years", "1816:2010", "--mids", "gml", "--vars", ",".join(names), "--out", frame)
        back = pl.read_parquet(frame)
        build_cli.append(time.perf_counter() - t)
    assert back.equals(df), "the two frames differ"

    fits = formulas()
    fit_py, fit_cli = [], []
    for _ in range(args.runs):
        t = time.perf_counter()
        py = [allywar.fit(df, f, model="logit", se="cluster:dyad_id").params for f in fits]
        fit_py.append(time.perf_counter() - t)
        t = time.perf_counter()
        outs = []
        for i, f in enumerate(fits):
            out = work / f"fit{i}.json"
            subprocess.run([binary, "fit", str(frame), "--formula", f, "--model", "logit", "--se", "cluster:dyad_id", "--out", str(out), "-q"], check=True, capture_output=True)
            outs.append({c["term"]: c["estimate"] for c in json.loads(out.read_text())["coefficients"]})
        fit_cli.append(time.perf_counter() - t)
    assert all(abs(a[k] - b[k]) < 1e-12 * max(1, abs(b[k])) for a, b in zip(py, outs) for k in b), "fits differ"

    med = statistics.median
    print(f"frame: {df.height} rows x {df.width} columns; {len(fits)} fits; medians of {args.runs} runs")
    print(f"build  python {med(build_py):8.2f} s   cli+read_parquet {med(build_cli):8.2f} s   cli/python {med(build_cli) / med(build_py):.2f}")
    print(f"20 fits python {med(fit_py):7.2f} s   20 cli processes {med(fit_cli):8.2f} s   cli/python {med(fit_cli) / med(fit_py):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
