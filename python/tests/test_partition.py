"""`allywar build --partition year`: the hive-partitioned folder that DuckDB and polars read holds
the same rows and values as the single file, whatever the block of years it was built in, and a
rerun writes the same bytes."""

import hashlib
import json
import pathlib

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

import allywar

# Units keyed by year, each with a window that starts after the state system's first year (so
# the first block counts peace years over the history and later blocks continue them), and
# blocks that do not divide the span.
CASES = [
    ("dyad-year", ["--years", "1938:1960", "--vars", "all"], 7),
    ("dyad-year", ["--years", "1980:1990", "--nondirected", "--prd", "--mids", "cow5", "--vars", "all"], 4),
    ("state-year", ["--vars", "all"], 30),
    ("alliance-year", [], 40),
]


def digests(folder: pathlib.Path) -> dict:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("unit,args,block", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_a_partitioned_frame_reads_as_the_single_file(unit, args, block, data_dir, cli, tmp_path):
    single = tmp_path / "frame.parquet"
    cli("build", unit, *args, "--out", single, "--data-dir", data_dir, "-q")
    folder = tmp_path / "frame"
    cli("build", unit, *args, "--partition", "year", "--block-years", block, "--out", folder, "--data-dir", data_dir, "-q")
    expected = pl.read_parquet(single)
    keys = [c for c in ("ccode1", "ccode2", "ccode", "atopid", "year") if c in expected.columns]

    # One part a year, the year in the path and not in the file.
    manifest = json.loads((folder / "_allywar.json").read_text())
    years = sorted(expected["year"].unique().to_list())
    assert [p["value"] for p in manifest["parts"]] == years
    assert all((folder / f"year={y}" / "part-0.parquet").is_file() for y in years)
    assert "year" not in pl.read_parquet(folder / f"year={years[0]}" / "part-0.parquet").columns
    assert manifest["rows"] == expected.height
    assert all(hashlib.sha256((folder / p["file"]).read_bytes()).hexdigest() == p["sha256"] for p in manifest["parts"])
    assert manifest["about"]["allywar_request"]["unit"] == unit

    # polars: a lazy scan of the folder, sorted back into the single file's order.
    scanned = pl.scan_parquet(folder / "**" / "*.parquet", hive_partitioning=True).collect()
    scanned = scanned.with_columns(pl.col("year").cast(expected.schema["year"])).select(expected.columns).sort(keys)
    assert_frame_equal(scanned, expected)

    # DuckDB: the same rows and values both ways (set difference with multiplicity; NULLs match).
    con = duckdb.connect()
    part = f"read_parquet('{folder}/**/*.parquet', hive_partitioning = true)"
    one = f"read_parquet('{single}')"
    cols = ", ".join(f'"{c}"' for c in expected.columns if c != "year")
    for a, b in [(part, one), (one, part)]:
        q = f"SELECT {cols}, year::INTEGER FROM {a} EXCEPT ALL SELECT {cols}, year::INTEGER FROM {b}"
        assert con.execute(f"SELECT count(*) FROM ({q})").fetchone()[0] == 0
    assert con.execute(f"SELECT count(*) FROM {part}").fetchone()[0] == expected.height
    # Partition pruning gives one year's rows.
    y = years[len(years) // 2]
    assert con.execute(f"SELECT count(*) FROM {part} WHERE year = {y}").fetchone()[0] == expected.filter(pl.col("year") == y).height

    # A rerun, and a rerun in other blocks, write the same parts byte for byte.
    before = digests(folder)
    cli("build", unit, *args, "--partition", "year", "--block-years", block, "--out", folder, "--data-dir", data_dir, "-q")
    assert digests(folder) == before
    other = tmp_path / "other"
    cli("build", unit, *args, "--partition", "year", "--block-years", 200, "--out", other, "--data-dir", data_dir, "-q")
    parts = {k: v for k, v in before.items() if k.endswith(".parquet")}
    assert {k: v for k, v in digests(other).items() if k.endswith(".parquet")} == parts


def test_partitioned_builds_refuse_what_they_cannot_do_and_leave_nothing(data_dir, cli, tmp_path):
    out = tmp_path / "f"
    r = cli("build", "dispute", "--partition", "year", "--out", out, "--data-dir", data_dir, check=False)
    assert r.returncode != 0 and "no year key" in r.stderr
    r = cli("build", "state-year", "--partition", "year", "--derive", "share = cinc / sum(cinc)", "--out", out, "--data-dir", data_dir, check=False)
    assert r.returncode != 0 and "reads rows other than its own" in r.stderr and "--derive share" in r.stderr
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    r = cli("build", "state-year", "--partition", "year", "--out", mine, "--data-dir", data_dir, check=False)
    assert r.returncode != 0 and "allywar did not write" in r.stderr
    assert sorted(p.name for p in mine.iterdir()) == ["notes.txt"]
    r = cli("build", "state-year", "--partition", "year", "--out", tmp_path / "f.parquet", "--data-dir", data_dir, check=False)
    assert r.returncode != 0 and "writes a folder" in r.stderr
    # A failed build (an expression that cannot be evaluated) writes no folder and leaves no temporary one.
    r = cli("build", "state-year", "--partition", "year", "--derive", "x = CAST(stateabb AS INTEGER)", "--out", out, "--data-dir", data_dir, check=False)
    assert r.returncode != 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]
    # Row-wise derived columns and filters are computed block by block and agree with one file.
    flags = ["--years", "1900:1950", "--derive", "big = cinc > 0.05", "--filter", "year % 2 = 0"]
    cli("build", "state-year", *flags, "--vars", "cinc", "--out", tmp_path / "one.parquet", "--data-dir", data_dir, "-q")
    cli("build", "state-year", *flags, "--vars", "cinc", "--partition", "year", "--block-years", 9, "--out", out, "--data-dir", data_dir, "-q")
    one = pl.read_parquet(tmp_path / "one.parquet")
    scanned = pl.scan_parquet(out / "**" / "*.parquet", hive_partitioning=True).collect()
    scanned = scanned.with_columns(pl.col("year").cast(pl.Int32)).select(one.columns).sort(["ccode", "year"])
    assert_frame_equal(scanned, one)
    assert set(scanned["year"].to_list()) == set(range(1900, 1951, 2))


def test_fit_reads_a_partitioned_folder_as_the_single_file(data_dir, cli, tmp_path):
    args = ["dyad-year", "--years", "1950:1970", "--vars", "all", "--data-dir", data_dir, "-q"]
    single, folder = tmp_path / "dy.parquet", tmp_path / "dy"
    cli("build", *args, "--out", single)
    cli("build", *args, "--partition", "year", "--block-years", 6, "--out", folder)
    formula = "init ~ tgt_def + chal_def + cinc1 + cinc2 + peace_years + I(peace_years^2)"
    fits = []
    for source in (single, folder):
        out = tmp_path / f"{source.name}.json"
        cli("fit", source, "--formula", formula, "--model", "logit", "--se", "cluster:dyad_id", "--out", out, "-q")
        fits.append(json.loads(out.read_text()))
    # The folder reads back as the file, rows in the same order: the same numbers bit for bit.
    one, parts = fits
    assert one["coefficients"] == parts["coefficients"] and one["glance"] == parts["glance"]
    assert one["margins"] == parts["margins"]
    # The Python package reads the folder the same way.
    from_package = json.loads(allywar.fit(folder, formula, model="logit", se="cluster:dyad_id").to_json())
    assert from_package["coefficients"] == parts["coefficients"]
    # Its provenance is the manifest's sha256 (which holds every part's).
    manifest_sha = hashlib.sha256((folder / "_allywar.json").read_bytes()).hexdigest()
    assert manifest_sha in json.dumps(parts)

    # A part changed after allywar wrote it is refused, with the part named.
    part = folder / "year=1960" / "part-0.parquet"
    part.write_bytes(part.read_bytes()[:-1] + b"\0")
    r = cli("fit", folder, "--formula", formula, "--model", "logit", check=False)
    assert r.returncode != 0 and "year=1960/part-0.parquet" in r.stderr and "changed after allywar wrote it" in r.stderr, r.stderr
