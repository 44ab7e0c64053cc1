"""Reference numbers for R-style factors on text columns, from statsmodels with patsy formulas.

quine.csv is the `quine` data of R's MASS package (Quine 1975; Venables & Ripley, Modern Applied
Statistics with S, 4th ed., §7.4): days absent from school of 146 Australian children by
ethnicity (A, N), sex (F, M), age group (F0-F3) and learner status (AL, SL), all text. MASS's
published fit, `glm.nb(Days ~ Eth + Sex + Age + Lrn, data = quine)`, has theta = 1.275 and
EthN = -0.569.

Writes tests/reference/factors.json: for each case the allywar formula, estimator and variance,
and statsmodels' coefficient names, estimates and standard errors (patsy names its terms
`C(Eth)[T.N]`, the names allywar must give). Run:

    python3 tests/reference/make_factor_reference.py
"""

import json
import pathlib

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf

HERE = pathlib.Path(__file__).parent


def tidy(r, names=None):
    names = list(names if names is not None else r.params.index)
    return {"term": names, "estimate": [float(v) for v in r.params], "std_error": [float(v) for v in r.bse]}


def main():
    d = pd.read_csv(HERE / "quine.csv", dtype={"Eth": str, "Sex": str, "Age": str, "Lrn": str})
    d["long"] = (d["Days"] > 14).astype(int)
    # A cluster id that is text: the child's cell (ethnicity, sex, age).
    d["cell"] = d["Eth"] + "-" + d["Sex"] + "-" + d["Age"]
    codes = pd.factorize(d["cell"])[0]
    g = len(set(codes))
    cases = []

    f = "Days ~ C(Eth) + C(Sex) + C(Age) + C(Lrn)"
    nb = smf.negativebinomial(f, d, loglike_method="nb2").fit(method="newton", tol=1e-12, maxiter=200, disp=0)
    names = [n if n != "alpha" else "alpha" for n in nb.params.index]
    names = ["(Intercept)" if n == "Intercept" else n for n in names]
    cases.append({"formula": f, "model": "negbin", "se": "classical", **tidy(nb, names), "theta": float(1 / nb.params["alpha"])})

    # A logit with a chosen reference (patsy's Treatment) and an interaction of two text factors,
    # clustered on a text column (Stata's G/(G-1) for ML models).
    f_sm = 'long ~ C(Eth) * C(Sex) + C(Age, Treatment("F2")) + C(Lrn)'
    lg = smf.logit(f_sm, d).fit(method="newton", tol=1e-12, maxiter=200, disp=0, cov_type="cluster", cov_kwds={"groups": codes, "use_correction": False})
    bse = np.sqrt(np.diag(lg.cov_params()) * g / (g - 1))
    r = tidy(lg)
    r["std_error"] = [float(v) for v in bse]
    r["term"] = ["(Intercept)" if n == "Intercept" else n.replace('C(Age, Treatment("F2"))', "C(Age)") for n in r["term"]]
    cases.append({"formula": 'long ~ C(Eth) * C(Sex) + C(Age, ref="F2") + C(Lrn)', "model": "logit", "se": "cluster:cell", **r})

    # OLS, HC1, a text factor beside a number.
    f = "Days ~ C(Age) + C(Lrn) + long"
    ols = smf.ols(f, d).fit(cov_type="HC1")
    r = tidy(ols)
    r["term"] = ["(Intercept)" if n == "Intercept" else n for n in r["term"]]
    cases.append({"formula": f, "model": "ols", "se": "hc1", **r})

    out = {"data": "quine.csv (+ long = Days > 14, cell = Eth-Sex-Age)", "statsmodels": sm.__version__, "cases": cases}
    (HERE / "factors.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
