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
    # Outcomes for the negative binomial and the ordered logit, from a second generator so the
    # columns above keep their values.
    rng2 = np.random.default_rng(7)
    mu = np.exp(0.3 + 0.4 * x1 - 0.3 * x2)
    y_nb = rng2.negative_binomial(1 / 0.8, 1 / (1 + 0.8 * mu))
    y_ord = np.digitize(0.8 * x1 - 0.5 * x2 + 0.3 * x3 + rng2.logistic(size=n), [-1.0, 0.5, 1.5])
    return dict(ccode1=a, ccode2=b, year=year, dyad_id=dyad, x1=x1, x2=x2, x3=x3, y_lin=y_lin, y_bin=y_bin, y_cnt=y_cnt, y_nb=y_nb, y_ord=y_ord)


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
    res["twoway:dyad_id,year"] = {"estimate": base.params.tolist(), "std_error": sandwiches(scores, bread, d)["twoway:dyad_id,year"]}
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


def dyadic_literal(_X, scores, bread, a, b):
    """Aronow, Samii & Assenova (2015): sum_i V_C(i) - V_D - (N - 2) V_0, each V_C(i) a
    cluster matrix with every observation involving state i in one cluster and every other
    observation alone."""
    n = len(a)
    states = np.unique(np.concatenate([a, b]))

    def cluster(groups):
        meat = np.zeros((scores.shape[1], scores.shape[1]))
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


def sandwiches(S, B, d, hat=None):
    """Every robust variance type from per-observation scores S (n x p) and bread B, written
    out: HC0, HC1 = n/(n-p) HC0, HC3 (scores over 1 - h_i, when hat values are given), one-way
    cluster on the dyad with Stata's factor for ML models G/(G-1), two-way on dyad and year
    (V1 + V2 - V12, each with its factor), and dyadic (literal)."""
    n, p = S.shape
    out = {}
    se = lambda v: np.sqrt(np.diag(v)).tolist()
    out["hc0"] = se(B @ S.T @ S @ B)
    out["hc1"] = se(B @ S.T @ S @ B * n / (n - p))
    if hat is not None:
        R = S / (1 - hat)[:, None]
        out["hc3"] = se(B @ R.T @ R @ B)

    def cl(groups):
        meat = np.zeros((p, p))
        gs = np.unique(groups)
        for g in gs:
            t = S[groups == g].sum(axis=0)
            meat += np.outer(t, t)
        return B @ meat @ B * len(gs) / (len(gs) - 1)

    out["cluster:dyad_id"] = se(cl(d["dyad_id"]))
    both = d["dyad_id"] * 10000 + d["year"]
    out["twoway:dyad_id,year"] = se(cl(d["dyad_id"]) + cl(d["year"]) - cl(both))
    out["dyadic:ccode1,ccode2"] = se(dyadic_literal(None, S, B, d["ccode1"], d["ccode2"]))
    return out


def richardson(f, x, h=1e-3):
    """Central differences of f at x in every coordinate, Richardson-extrapolated (error
    O(h^4)); f may return an array (one derivative per entry)."""
    cols = []
    for j in range(len(x)):
        def D(h):
            e = np.zeros(len(x))
            e[j] = h
            return (np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * h)
        cols.append((4 * D(h / 2) - D(h)) / 3)
    return np.stack(cols, axis=-1)


def more_models(d, X):
    """Probit, negative binomial and ordered logit: estimates from statsmodels; scores and
    Hessians from statsmodels where it has them analytically (probit, NB2), else numerically
    from statsmodels' own log-likelihood (ordered logit, in the cutpoints themselves)."""
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    out = {}
    m = sm.Probit(d["y_bin"], X)
    r = m.fit(disp=0, tol=1e-12, maxiter=100)
    S, B = m.score_obs(r.params), np.linalg.inv(-m.hessian(r.params))
    # Hat values from the expected information, as IRLS weighs a probit: phi^2 / (Phi (1 - Phi)).
    eta = X @ r.params
    from scipy.stats import norm
    w = norm.pdf(eta) ** 2 / (norm.cdf(eta) * norm.sf(eta))
    hat = w * np.einsum("ij,jk,ik->i", X, np.linalg.inv(X.T @ (X * w[:, None])), X)
    out["probit"] = {"params": r.params.tolist(), "classical": tidy(r), "logLik": float(r.llf), **sandwiches(S, B, d, hat)}

    m = sm.NegativeBinomial(d["y_nb"], X)
    r = m.fit(disp=0, tol=1e-12, maxiter=500, method="newton")
    S, B = m.score_obs(r.params), np.linalg.inv(-m.hessian(r.params))
    out["negbin"] = {"params": r.params.tolist(), "classical": {"std_error": r.bse.tolist()}, "logLik": float(r.llf), "llnull": float(r.llnull), **sandwiches(S, B, d)}

    m = OrderedModel(d["y_ord"], X[:, 1:], distr="logit")
    r = m.fit(method="bfgs", disp=0, gtol=1e-11, maxiter=10000)
    r = m.fit(method="newton", disp=0, tol=1e-14, maxiter=50, start_params=r.params)
    k = X.shape[1] - 1

    def to_sm(theta):
        return np.concatenate([theta[:k], [theta[k]], np.log(np.diff(theta[k:]))])

    phi = np.asarray(r.params)
    theta = np.concatenate([phi[:k], np.cumsum(np.concatenate([[phi[k]], np.exp(phi[k + 1:])]))])
    S = richardson(lambda t: m.loglikeobs(to_sm(t)), theta)
    H = richardson(lambda t: richardson(lambda u: m.loglike(to_sm(u)), t), theta, h=1e-2)
    B = np.linalg.inv(-(H + H.T) / 2)
    out["ologit"] = {"params": theta.tolist(), "classical": {"std_error": np.sqrt(np.diag(B)).tolist()}, "logLik": float(r.llf), **sandwiches(S, B, d)}
    return out


def fixed_effects(d):
    """Absorbed fixed effects from pyfixest, with the small-sample factors allywar uses: every
    absorbed level counts as a parameter (k_fixef="full", as dummies would); HC1 is n/(n-K);
    ML models take G/(G-1) only for clusters; no singleton removal."""
    import pandas as pd
    import pyfixest as pf

    df = pd.DataFrame({c: d[c] for c in d})
    out = {}
    cases = [
        ("ols", "y_lin ~ x1 + x2 + x3 | ccode1", lambda f, v, ssc: pf.feols(f, df, vcov=v, ssc=ssc, fixef_rm="none", fixef_tol=1e-14)),
        ("ols", "y_lin ~ x1 + x2 + x3 | ccode1 + year", lambda f, v, ssc: pf.feols(f, df, vcov=v, ssc=ssc, fixef_rm="none", fixef_tol=1e-14)),
        ("poisson", "y_cnt ~ x1 + x2 + x3 | ccode1", lambda f, v, ssc: pf.fepois(f, df, vcov=v, ssc=ssc, fixef_rm="none", iwls_tol=1e-14, fixef_tol=1e-14)),
        ("logit", "y_bin ~ x1 + x2 + x3 | ccode2", lambda f, v, ssc: pf.feglm(f, df, family="logit", vcov=v, ssc=ssc, fixef_rm="none", iwls_tol=1e-14, fixef_tol=1e-14)),
    ]
    for model, fml, fit in cases:
        ols = model == "ols"
        res = {}
        for name, vcov in [("classical", "iid"), ("hc1", "hetero"), ("cluster:dyad_id", {"CRV1": "dyad_id"}), ("twoway:dyad_id,year", {"CRV1": "dyad_id+year"})]:
            # (n-1)/(n-K) for OLS only, K with the absorbed levels.
            ssc = pf.ssc(k_adj=ols, k_fixef="full", G_adj=True, G_df="conventional")
            r = fit(fml, vcov, ssc)
            se = r.se().to_numpy()
            if name == "hc1" and not ols:
                # HC1 = n/(n-K) HC0, K counting the groups left in the sample (pyfixest's k_adj
                # would count the dropped groups too): pyfixest's HC0 with the factor written out.
                fe = fml.split("| ")[1]
                used = df.groupby(fe)[fml.split(" ~")[0]].transform(lambda y: y.nunique() > 1)
                K = 3 + df.loc[used, fe].nunique()
                se = se * np.sqrt(r._N / (r._N - K))
            res[name] = {"estimate": r.coef().tolist(), "std_error": se.tolist()}
            res["nobs"] = int(r._N)
        # Dyadic: the literal formula on pyfixest's scores and bread (its rows, after any drop).
        kept = r._data if hasattr(r, "_data") else df
        v = dyadic_literal(None, np.asarray(r._scores), np.asarray(r._bread), kept["ccode1"].to_numpy(), kept["ccode2"].to_numpy())
        res["dyadic:ccode1,ccode2"] = {"estimate": r.coef().tolist(), "std_error": np.sqrt(np.diag(v)).tolist()}
        out[f"{model}: {fml}"] = res
    return out


def formula_and_predictions(d):
    """A formula with an interaction, I(), log() and a factor, through patsy (statsmodels'
    formula API); the expected probability at the means (delta-method SE on the probability
    scale, statsmodels' se_mean) with x2 set to 0 and to 1."""
    import pandas as pd
    import statsmodels.formula.api as smf

    df = pd.DataFrame({c: d[c] for c in d})
    r = smf.glm("y_bin ~ x1*x2 + I(x3**2) + np.log(x1 + 5) + C(year, Treatment(reference=2001))", df, family=sm.families.Binomial()).fit(tol=1e-12)
    out = {"allywar": "y_bin ~ x1*x2 + I(x3^2) + log(x1 + 5) + C(year, ref=2001)", "patsy_terms": list(r.params.index), "estimate": r.params.tolist(), "std_error": r.bse.tolist()}
    base = smf.glm("y_bin ~ x1 + x2 + x3", df, family=sm.families.Binomial()).fit(tol=1e-12)
    means = df[["x1", "x2", "x3"]].mean()
    out["predictions"] = []
    for x2 in [0.0, 1.0]:
        at = means.copy()
        at["x2"] = x2
        p = base.get_prediction(pd.DataFrame([at])).summary_frame()
        out["predictions"].append({"x2": x2, "estimate": float(p["mean"].iloc[0]), "std_error": float(p["mean_se"].iloc[0])})
    return out


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
        "probit": {"classical": tidy(sm.Probit(y, X).fit(disp=0, tol=1e-12, maxiter=100))},
        "logit | year": real_fixed_effects(rows),
    }


def real_fixed_effects(rows):
    """The logit with year fixed effects absorbed, dyad-clustered (G/(G-1)), from pyfixest."""
    import pandas as pd
    import pyfixest as pf

    df = pd.DataFrame(rows).astype(float)
    r = pf.feglm(
        "init ~ tgt_def + chal_def + peace_years | year", df, family="logit", vcov={"CRV1": "dyad_id"},
        ssc=pf.ssc(k_adj=False, k_fixef="full", G_adj=True, G_df="conventional"), fixef_rm="none", iwls_tol=1e-14,
    )
    return {"cluster:dyad_id": {"estimate": r.coef().tolist(), "std_error": r.se().tolist()}, "nobs": int(r._N)}


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
    out["more"] = more_models(d, X)
    out["fixed_effects"] = fixed_effects(d)
    out["formula"] = formula_and_predictions(d)
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
