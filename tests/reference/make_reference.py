"""Reference numbers for allywar's estimators, from independent implementations.

Writes tests/reference/synthetic.csv (a small seeded dyadic data set: 30 states, directed
dyad-years) and tests/reference/estimates.json (coefficients and standard errors by model and
variance type). The Rust tests compare against the committed JSON; rerun this script (numpy,
statsmodels) only to change the data or add a case:

    python3 tests/reference/make_reference.py [real.csv]

With a path, it also fits a real frame built by allywar (see REAL_BUILD) and records those
numbers; without one, the recorded real-frame numbers are kept.

Where statsmodels has the estimator it is used as is: OLS (classical, HC0, HC1, HC3, one-way
cluster with Stata's factor, two-way cluster) with their t/z statistics, p-values and
confidence intervals; logit and Poisson coefficients, classical and HC0 SEs (GLM). Where it has not, the formula is written out here in numpy from its source:
- logit and Poisson HC1 and HC3 (statsmodels' GLM quietly returns HC0 for both): R sandwich's definitions,
  HC1 = n/(n-k) HC0 and HC3 with residuals over (1 - h_i), h the hat values of the weighted
  design;
- logit and Poisson one-way cluster: Stata's factor for ML models, G/(G-1), on statsmodels' uncorrected
  cluster matrix;
- dyadic cluster-robust (Aronow, Samii & Assenova 2015): the sum of the V_C(i) built literally,
  one cluster matrix per state, minus V_D minus (N-2) V_0.
"""

import json
import pathlib

import numpy as np
import statsmodels.api as sm
from statsmodels.stats.sandwich_covariance import cov_cluster

HERE = pathlib.Path(__file__).parent


def data():
    rng = np.random.default_rng(20261125)
    states = np.arange(30) * 10 + 2
    rows = []
    for year in range(2000, 2004):
        for a in states:
            for b in states:
                if a != b and rng.random() < 0.12:
                    rows.append((a, b, year))
    a, b, year = (np.array(c) for c in zip(*rows))
    n = len(rows)
    # A state effect shared by every dyad it is in: the reason for dyadic clustering.
    effect = dict(zip(states, rng.normal(size=len(states))))
    u = np.array([effect[x] + effect[y] for x, y in zip(a, b)])
    x1 = rng.normal(size=n) + 0.3 * u
    x2 = (rng.random(n) < 0.4).astype(float)
    x3 = rng.normal(size=n)
    y_lin = 1.0 + 0.5 * x1 - 0.3 * x2 + 0.2 * x3 + u + rng.normal(size=n)
    eta = -0.4 + 0.7 * x1 - 0.6 * x2 + 0.3 * x3 + 0.5 * u
    y_bin = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    dyad = np.minimum(a, b) * 1000 + np.maximum(a, b)
    y_cnt = rng.poisson(np.exp(0.2 + 0.3 * x1 - 0.2 * x2 + 0.1 * x3 + 0.3 * u))
    return dict(ccode1=a, ccode2=b, year=year, dyad_id=dyad, x1=x1, x2=x2, x3=x3, y_lin=y_lin, y_bin=y_bin, y_cnt=y_cnt)


def write_csv(d, path):
    cols = list(d)
    with open(path, "w") as f:
        f.write(",".join(cols) + "\n")
        for i in range(len(d["year"])):
            cells = []
            for c in cols:
                v = d[c][i]
                cells.append(repr(float(v)) if c in ("x1", "x2", "x3", "y_lin") else str(int(v)))
            f.write(",".join(cells) + "\n")


def tidy(r):
    """broom's names, from a statsmodels result (t for OLS's classical SEs, z otherwise)."""
    ci = np.asarray(r.conf_int())
    return {
        "estimate": np.asarray(r.params).tolist(),
        "std_error": np.asarray(r.bse).tolist(),
        "statistic": np.asarray(r.tvalues).tolist(),
        "p_value": np.asarray(r.pvalues).tolist(),
        "conf_low": ci[:, 0].tolist(),
        "conf_high": ci[:, 1].tolist(),
    }


def ml_cases(y, X, family, d):
    """Classical and HC0 from statsmodels' GLM; HC1, HC3, CR1 and dyadic written out."""
    glm = sm.GLM(y, X, family=family)
    base = glm.fit(tol=1e-12)
    mu = base.fittedvalues
    w = mu * (1 - mu) if isinstance(family, sm.families.Binomial) else mu
    resid = y - mu
    bread = np.linalg.inv(X.T @ (X * w[:, None]))
    scores = X * resid[:, None]
    res = {"classical": tidy(base), "hc0": tidy(glm.fit(tol=1e-12, cov_type="HC0"))}
    for kind in ["hc1", "hc3"]:
        v = hc_by_hand(X, resid, w, bread, kind)
        res[kind] = {"estimate": base.params.tolist(), "std_error": np.sqrt(np.diag(v)).tolist()}
    g = len(np.unique(d["dyad_id"]))
    v = cov_cluster(base, d["dyad_id"], use_correction=False) * g / (g - 1)
    res["cluster:dyad_id"] = {"estimate": base.params.tolist(), "std_error": np.sqrt(np.diag(v)).tolist()}
    v = dyadic_literal(X, scores, bread, d["ccode1"], d["ccode2"])
    res["dyadic:ccode1,ccode2"] = {"estimate": base.params.tolist(), "std_error": np.sqrt(np.diag(v)).tolist()}
    res["glance"] = {"logLik": float(base.llf)}
    return res


def hc_by_hand(X, resid, w, bread, kind):
    """sandwich's HC0/HC1/HC3 for a GLM with canonical link: scores x_i r_i."""
    n, k = X.shape
    r = resid.copy()
    if kind == "hc3":
        h = w * np.einsum("ij,jk,ik->i", X, bread, X)
        r = r / (1 - h)
    meat = (X * r[:, None]).T @ (X * r[:, None])
    v = bread @ meat @ bread
    return v * (n / (n - k)) if kind == "hc1" else v


def dyadic_literal(X, scores, bread, a, b):
    """Aronow, Samii & Assenova (2015): sum_i V_C(i) - V_D - (N - 2) V_0, each V_C(i) a
    cluster matrix with every observation involving state i in one cluster and every other
    observation alone."""
    n = len(a)
    states = np.unique(np.concatenate([a, b]))

    def cluster(groups):
        meat = np.zeros((X.shape[1], X.shape[1]))
        for g in np.unique(groups):
            s = scores[groups == g].sum(axis=0)
            meat += np.outer(s, s)
        return bread @ meat @ bread

    total = np.zeros_like(bread)
    for i in states:
        groups = np.where((a == i) | (b == i), -1, np.arange(n))
        total += cluster(groups)
    dyad = np.minimum(a, b) * 100000 + np.maximum(a, b)
    v_d = cluster(dyad)
    v_0 = cluster(np.arange(n))
    return total - v_d - (len(states) - 2) * v_0


REAL_BUILD = "allywar build dyad-year --years 1946:1989 --prd --vars init,mid_onset,tgt_def,chal_def,peace_years --out real.csv"


def real_frame(path):
    """A real frame built by allywar (REAL_BUILD): logit with classical and dyad-clustered SEs,
    and the linear probability model with HC1."""
    import csv

    with open(path) as f:
        rows = list(csv.DictReader(f))
    col = lambda c: np.array([float(r[c]) for r in rows])
    X = sm.add_constant(np.column_stack([col("tgt_def"), col("chal_def"), col("peace_years")]))
    y = col("init")
    dyad = col("dyad_id").astype(int)
    glm = sm.GLM(y, X, family=sm.families.Binomial())
    base = glm.fit(tol=1e-12)
    g = len(np.unique(dyad))
    v = cov_cluster(base, dyad, use_correction=False) * g / (g - 1)
    return {
        "build": REAL_BUILD,
        "formula": "init ~ tgt_def + chal_def + peace_years",
        "nobs": len(rows),
        "logit": {
            "classical": tidy(base),
            "cluster:dyad_id": {"estimate": base.params.tolist(), "std_error": np.sqrt(np.diag(v)).tolist()},
            "glance": {"logLik": float(base.llf)},
        },
        "ols": {"hc1": tidy(sm.OLS(y, X).fit(cov_type="HC1"))},
    }


def main():
    import sys

    d = data()
    write_csv(d, HERE / "synthetic.csv")
    X = sm.add_constant(np.column_stack([d["x1"], d["x2"], d["x3"]]))
    names = ["(Intercept)", "x1", "x2", "x3"]
    out = {"terms": names, "nobs": int(len(d["year"])), "models": {}}
    two = np.column_stack([d["dyad_id"], d["year"]])

    ols = sm.OLS(d["y_lin"], X)
    res = {}
    for kind, kw in [
        ("classical", dict()),
        ("hc0", dict(cov_type="HC0")),
        ("hc1", dict(cov_type="HC1")),
        ("hc3", dict(cov_type="HC3")),
        ("cluster:dyad_id", dict(cov_type="cluster", cov_kwds={"groups": d["dyad_id"]})),
        ("twoway:dyad_id,year", dict(cov_type="cluster", cov_kwds={"groups": two})),
    ]:
        r = ols.fit(**kw)
        res[kind] = tidy(r)
    base = ols.fit()
    bread = np.linalg.inv(X.T @ X)
    v = dyadic_literal(X, X * base.resid[:, None], bread, d["ccode1"], d["ccode2"])
    res["dyadic:ccode1,ccode2"] = {"estimate": base.params.tolist(), "std_error": np.sqrt(np.diag(v)).tolist()}
    out["models"]["ols"] = res

    out["models"]["logit"] = ml_cases(d["y_bin"], X, sm.families.Binomial(), d)
    out["models"]["poisson"] = ml_cases(d["y_cnt"], X, sm.families.Poisson(), d)
    # Average marginal effects (dydx over the sample, delta-method SEs, classical variance).
    out["margins"] = {}
    for model, y, cls in [("logit", d["y_bin"], sm.Logit), ("poisson", d["y_cnt"], sm.Poisson)]:
        m = cls(y, X).fit(disp=0, tol=1e-12, maxiter=100).get_margeff(at="overall", method="dydx")
        out["margins"][model] = {"terms": names[1:], "estimate": m.margeff.tolist(), "std_error": m.margeff_se.tolist()}
    if len(sys.argv) > 1:
        out["real"] = real_frame(sys.argv[1])
    else:
        old = json.loads((HERE / "estimates.json").read_text())
        if "real" in old:
            out["real"] = old["real"]
    out["statsmodels"] = sm.__version__
    (HERE / "estimates.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
