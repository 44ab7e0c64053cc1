"""The Python package against the CLI it wraps (frames equal to `allywar build`'s Parquet, fits
equal to `allywar fit --out` to 1e-12) and against statsmodels; errors as typed exceptions with
the CLI's messages."""

import _thread
import json
import signal
import threading
import time

import numpy as np
import pandas as pd
import polars as pl
import pytest
import statsmodels.api as sm
from polars.testing import assert_frame_equal

import allywar

COVARIATES = ["init", "tgt_def", "chal_def", "cinc1", "cinc2", "peace_years", "land_contig"]


@pytest.fixture(scope="module")
def dyad_years(data_dir):
    return allywar.build("dyad-year", years=(1960, 1975), vars=COVARIATES, data_dir=data_dir)


@pytest.mark.parametrize(
    "unit,args,kwargs",
    [
        ("dyad-year", ["--years", "1960:1975", "--vars", ",".join(COVARIATES)], {"years": (1960, 1975), "vars": COVARIATES}),
        ("dyad-year", ["--years", "1990", "--nondirected", "--prd", "--vars", "mid_onset,stateabb1,region2,cinc_minmax"], {"years": 1990, "directed": False, "prd": True, "vars": ["mid_onset", "stateabb1", "region2", "cinc_minmax"]}),
        ("state-year", ["--years", "1816:2010"], {"years": "1816:2010"}),
        ("mission", [], {}),
        ("joiner", ["--mids", "gml"], {"mids": "gml"}),
    ],
)
def test_build_equals_the_cli_parquet(unit, args, kwargs, data_dir, cli, tmp_path):
    out = tmp_path / "frame.parquet"
    cli("build", unit, *args, "-q", "--out", out, "--data-dir", data_dir)
    want = pl.read_parquet(out)
    got = allywar.build(unit, data_dir=data_dir, **kwargs)
    assert got.height > 0
    assert_frame_equal(got, want)


def test_build_notes_are_the_clis(data_dir, cli):
    _, notes = allywar.build("dyad-year", years=(1990, 1991), vars=["init"], data_dir=data_dir, notes=True)
    said = cli("build", "dyad-year", "--years", "1990:1991", "--vars", "init", "--out", "/dev/null.parquet", "--data-dir", data_dir, check=False).stderr
    assert notes and all(n in said for n in notes), (notes, said)


def test_fit_equals_the_cli_json_and_statsmodels(dyad_years, cli, tmp_path):
    frame = tmp_path / "dy.parquet"
    dyad_years.write_parquet(frame)
    formula = "init ~ tgt_def + chal_def + cinc1 + cinc2 + peace_years + I(peace_years^2)"
    out = tmp_path / "fit.json"
    cli("fit", frame, "--formula", formula, "--model", "logit", "--se", "cluster:dyad_id", "--out", out, "-q")
    want = json.loads(out.read_text())
    for source in (frame, dyad_years):
        res = allywar.fit(source, formula, model="logit", se="cluster:dyad_id")
        got = json.loads(res.to_json())
        assert [c["term"] for c in got["coefficients"]] == [c["term"] for c in want["coefficients"]]
        for g, w in zip(got["coefficients"], want["coefficients"]):
            for k in ("estimate", "std_error", "p_value", "conf_low", "conf_high"):
                assert abs(g[k] - w[k]) <= 1e-12 * max(1.0, abs(w[k])), (g["term"], k, g[k], w[k])
        assert got["glance"] == want["glance"]
        assert got["margins"] == want["margins"]
    # From the file, the JSON is the CLI's byte for byte.
    assert allywar.fit(frame, formula, model="logit", se="cluster:dyad_id").to_json() == out.read_text()
    # The variance matrix's diagonal gives the standard errors.
    res = allywar.fit(dyad_years, formula, model="logit", se="cluster:dyad_id")
    assert np.allclose(np.sqrt(np.diag(res.vcov())), res.tidy()["std_error"].to_numpy(), rtol=1e-12)

    # statsmodels, on the same rows (classical variance: statsmodels' default).
    df = dyad_years.drop_nulls(["init", "tgt_def", "chal_def", "cinc1", "cinc2", "peace_years"]).to_pandas()
    X = sm.add_constant(df[["tgt_def", "chal_def", "cinc1", "cinc2", "peace_years"]].astype(float).assign(pys2=df["peace_years"] ** 2))
    sm_fit = sm.Logit(df["init"].astype(float), X).fit(disp=0, tol=1e-12, maxiter=100)
    ours = allywar.fit(dyad_years, formula, model="logit").tidy()
    np.testing.assert_allclose(ours["estimate"].to_numpy(), sm_fit.params.to_numpy(), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(ours["std_error"].to_numpy(), sm_fit.bse.to_numpy(), rtol=1e-6)


def test_polars_and_pandas_frames_give_the_same_fit(dyad_years):
    formula = "init ~ tgt_def + cinc1 + peace_years"
    a = allywar.fit(dyad_years, formula, model="probit", se="hc1")
    b = allywar.fit(dyad_years.to_pandas(), formula, model="probit", se="hc1")
    assert_frame_equal(a.tidy(), b.tidy())
    assert_frame_equal(a.glance(), b.glance())


def test_results_as_broom_and_stata_read_them(dyad_years):
    res = allywar.fit(dyad_years, "init ~ tgt_def + cinc1 + peace_years", model="logit", se="cluster:dyad_id")
    assert res.tidy().columns == ["term", "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"]
    g = res.glance()
    assert g["nobs"][0] == dyad_years.drop_nulls(["init", "tgt_def", "cinc1", "peace_years"]).height
    assert g["converged"][0] and g["n_clusters"][0] > 1000
    m = res.margins()
    assert m.filter(pl.col("term") == "tgt_def")["kind"][0] == "discrete_change"
    # A prediction at tgt_def = 1 and the first difference 0 → 1 agree with the logit's link.
    p1 = res.predict({"tgt_def": 1})["estimate"][0]
    p0 = res.predict({"tgt_def": 0})["estimate"][0]
    fd = res.first_difference("tgt_def", 0, 1, sims=500, seed=7)
    assert abs(fd["estimate"] - (p1 - p0)) < 1e-12
    assert fd["conf_low"] < fd["simulated_mean"] < fd["conf_high"]
    grid = res.margins_at("peace_years", [0, 10, 20])
    assert grid["at_peace_years"].to_list() == [0.0, 10.0, 20.0]
    assert grid["estimate"].is_sorted(descending=True)
    assert "logit: init ~ tgt_def + cinc1 + peace_years" in res.summary()


def test_errors_raise_typed_exceptions_with_the_clis_message(data_dir, cli, dyad_years, tmp_path):
    with pytest.raises(allywar.SpecError) as e:
        allywar.build("dyad-year", years=1990, vars=["tgt_deff"], data_dir=data_dir)
    said = cli("build", "dyad-year", "--years", "1990", "--vars", "tgt_deff", "--data-dir", data_dir, check=False).stderr
    assert str(e.value) in said and "did you mean `tgt_def`?" in str(e.value)
    with pytest.raises(allywar.SpecError, match="impossible year range"):
        allywar.build("dyad-year", years=(2000, 1990), data_dir=data_dir)
    with pytest.raises(allywar.DataError, match="does not exist"):
        allywar.build("state-year", data_dir=tmp_path / "nowhere")
    with pytest.raises(allywar.SpecError, match="unknown estimator|not one of|logitt"):
        allywar.fit(dyad_years, "init ~ tgt_def", model="logitt")
    separated = pl.DataFrame({"y": [0, 0, 0, 1, 1, 1], "x": [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]})
    with pytest.raises(allywar.EstimateError):
        allywar.fit(separated, "y ~ x", model="logit")
    assert issubclass(allywar.DataError, allywar.AllywarError)
    with pytest.raises(TypeError):
        allywar.fit([1, 2, 3], "y ~ x")


def test_a_long_build_stops_at_ctrl_c(data_dir):
    # Every directed dyad-year variable: seconds in release, far longer in a debug build, so the
    # interrupt comes while the build runs even when the timer is late on a loaded machine.
    # A job started in the background (`cmd &` without job control, as CI may be) inherits SIGINT
    # ignored, and then Python has no handler and interrupt_main does nothing: the test gives
    # Python its own handler back, as an interactive session has it.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        threading.Timer(0.3, _thread.interrupt_main).start()
        start = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            allywar.build("dyad-year", years=(1816, 2014), mids="cow5", vars=["all"], data_dir=data_dir)
        assert time.monotonic() - start < 2.5, "Ctrl-C is answered within the 50 ms the build is polled, not when it ends"
    finally:
        signal.signal(signal.SIGINT, previous)


def test_vars_data_and_multiverse_as_the_cli(data_dir, cli, tmp_path):
    v = allywar.vars("dyad-year")
    assert {"tgt_def", "init", "peace_years"} <= set(v["name"].to_list())
    status = allywar.data.status(data_dir)
    assert all(d["status"] == "verified" for d in status["datasets"])
    assert allywar.data.describe("nmc")["rows"] == 15951
    assert "@" in allywar.data.cite("nmc")
    reports = tmp_path / "reports"
    (reports / "pk").mkdir(parents=True)
    (reports / "pk" / "spec.toml").write_text(
        'title = "Coalitions"\nquestion = "Do mandated missions draw more states?"\n'
        '[frame]\nunit = "mission"\n'
        '[[model]]\nname = "OLS"\nformula = "statenum ~ un_mandate + regional_mandate"\nestimator = "ols"\nse = "hc1"\n'
        '[multiverse]\nterm = "un_mandate"\nformula = "statenum ~ un_mandate + regional_mandate"\n'
        '[[multiverse.choice]]\nname = "estimator"\n'
        'alternatives = [{ name = "OLS", estimator = "ols" }, { name = "Poisson", estimator = "poisson" }]\n'
    )
    got = allywar.multiverse("pk", reports=reports, data_dir=data_dir, out=tmp_path / "py")
    cli("multiverse", "pk", "-q", "--reports", reports, "--out", tmp_path / "cli", "--data-dir", data_dir)
    assert_frame_equal(got, pl.read_parquet(tmp_path / "cli" / "multiverse.parquet"))
    assert got.height == 2 and (got["status"] == "ok").all()
    # The study itself, reproduced from Python: the model equals a fit of the same frame.
    allywar.reproduce("pk", reports=reports, data_dir=data_dir)
    results = json.loads((reports / "pk" / "results.json").read_text())
    coefs = results["models"][0].get("coefficients") or results["models"][0]["results"]["coefficients"]
    ours = allywar.fit(allywar.build("mission", data_dir=data_dir), "statenum ~ un_mandate + regional_mandate", model="ols", se="hc1")
    assert [round(c["estimate"], 10) for c in coefs] == [round(e, 10) for e in ours.tidy()["estimate"].to_list()]
    # Unchanged inputs: skipped as up to date, the outputs left as they were.
    before = (reports / "pk" / "results.json").read_bytes()
    allywar.reproduce("pk", reports=reports, data_dir=data_dir)
    assert (reports / "pk" / "results.json").read_bytes() == before


def test_the_package_ships_types_an_ide_and_mypy_read(tmp_path):
    import subprocess
    import sys

    use = tmp_path / "use.py"
    use.write_text(
        "import allywar\nimport numpy as np\nimport polars as pl\n"
        "df = allywar.build('dyad-year', years=(1990, 1991), vars=['init', 'tgt_def'])\n"
        "assert isinstance(df, pl.DataFrame)\n"
        "res: allywar.Results = allywar.fit(df, 'init ~ tgt_def', se='cluster:dyad_id')\n"
        "t: pl.DataFrame = res.tidy()\nv: np.ndarray = res.vcov()\n"
        "fd: float = res.first_difference('tgt_def', 0, 1)['estimate']\n"
        "status: dict = allywar.data.status()\n"
        "allywar.fit(df, 3)\n"
    )
    r = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental", str(use)], capture_output=True, text=True)
    # The one mistake, a formula that is not a string, is found; nothing else is.
    assert "Found 1 error" in r.stdout and 'Argument 2 to "fit" has incompatible type "int"' in r.stdout, r.stdout
