"""Reference numbers for average marginal effects, as Stata's `margins, dydx(*)` reads them.

Two independent computations on tests/reference/synthetic.csv:

1. statsmodels' own `get_margeff(at="overall", method="dydx", dummy=True)` where it applies: a
   formula in which every column enters one linear term (a 0/1 column gets the discrete change).
2. For columns that enter several terms (polynomials, `I()`, interactions) and factors with more
   than two levels, where statsmodels reports one effect per design column: the margin as a
   numerical derivative of the average prediction, the design rebuilt by patsy from data with
   the column moved by ±h (or set to each level, or to 0 and 1), and its delta-method standard
   error from a numerical Jacobian in the coefficients with statsmodels' covariance matrix.
   Nothing of allywar's analytic derivative is reused.

Writes tests/reference/margins.json. Run:

    python3 tests/reference/make_margins_reference.py
"""

import json
import pathlib

import numpy as np
import pandas as pd
import patsy
import statsmodels.api as sm
from scipy.stats import norm

HERE = pathlib.Path(__file__).parent


def mean_fn(family):
    if family == "logit":
        return lambda eta: 1.0 / (1.0 + np.exp(-eta))
    if family == "poisson":
        return np.exp
    if family == "probit":
        return norm.cdf
    return lambda eta: eta


def gradient(f, beta):
    """Central differences of f in each coefficient."""
    grad = np.zeros(len(beta))
    for j in range(len(beta)):
        step = 1e-6 * max(1.0, abs(beta[j]))
        up, down = beta.copy(), beta.copy()
        up[j] += step
        down[j] -= step
        grad[j] = (f(up) - f(down)) / (2 * step)
    return grad


def numeric_margins(d, formula, family, margins, at=None):
    """Each margin as a numerical derivative or a discrete change of the average prediction."""
    y, X = patsy.dmatrices(formula, d, return_type="dataframe")
    info = X.design_info
    cls = {"logit": sm.Logit, "poisson": sm.Poisson, "probit": sm.Probit, "ols": sm.OLS}[family]
    r = cls(y, X).fit() if family == "ols" else cls(y, X).fit(disp=0, tol=1e-12, maxiter=200)
    beta, cov = r.params.values, r.cov_params().values
    mu = mean_fn(family)

    def design(data):
        return np.asarray(patsy.build_design_matrices([info], data)[0])

    out = []
    for kind, column, a, b, term in margins:
        if kind == "derivative":
            h = 1e-5 * max(1.0, float(np.abs(d[column]).mean()))
            hi, lo = d.copy(), d.copy()
            hi[column] = d[column] + h
            lo[column] = d[column] - h
            x1, x0, scale = design(hi), design(lo), 2 * h
        else:
            one, zero = d.copy(), d.copy()
            one[column] = b
            zero[column] = a
            x1, x0, scale = design(one), design(zero), 1.0

        def ame(bb):
            return float((mu(x1 @ bb) - mu(x0 @ bb)).mean() / scale)

        est, grad = ame(beta), gradient(ame, beta)
        out.append({"term": term, "kind": kind, "estimate": est, "std_error": float(np.sqrt(grad @ cov @ grad))})
    if at is None:
        return out
    # Average predictions with one column set to each value, the others as observed.
    column, values = at
    preds = []
    for v in values:
        moved = d.copy()
        moved[column] = v
        x = design(moved)

        def avg(bb):
            return float(mu(x @ bb).mean())

        grad = gradient(avg, beta)
        preds.append({"value": v, "estimate": avg(beta), "std_error": float(np.sqrt(grad @ cov @ grad))})
    return out, preds


def main():
    d = pd.read_csv(HERE / "synthetic.csv")
    cases = []
    # 1. statsmodels' get_margeff with dummy=True.
    for family, outcome, cls in [("logit", "y_bin", sm.Logit), ("poisson", "y_cnt", sm.Poisson)]:
        X = sm.add_constant(d[["x1", "x2", "x3"]])
        m = cls(d[outcome], X).fit(disp=0, tol=1e-12, maxiter=100).get_margeff(at="overall", method="dydx", dummy=True)
        kinds = ["derivative", "discrete_change", "derivative"]
        cases.append(
            {
                "source": "statsmodels get_margeff(dummy=True)",
                "model": family,
                "formula": f"{outcome} ~ x1 + x2 + x3",
                "margins": [
                    {"term": t, "kind": k, "estimate": float(e), "std_error": float(s)}
                    for t, k, e, s in zip(["x1", "x2", "x3"], kinds, m.margeff, m.margeff_se)
                ],
            }
        )
    # 2. Through every term, against numerical derivatives.
    years = sorted(d["year"].unique())
    factor = [("discrete_change", "year", years[0], y, f"C(year)[T.{y}]") for y in years[1:]]
    for family, outcome in [("logit", "y_bin"), ("poisson", "y_cnt"), ("probit", "y_bin"), ("ols", "y_lin")]:
        rhs = "x1 + I(x1**2) + x3 + x1:x3 + x2 + x2:x3 + C(year)"
        margins = [
            ("derivative", "x1", None, None, "x1"),
            ("derivative", "x3", None, None, "x3"),
            ("discrete_change", "x2", 0.0, 1.0, "x2"),
        ] + factor
        at = ("x1", [-1.0, 0.0, 0.5, 2.0])
        ames, preds = numeric_margins(d, f"{outcome} ~ {rhs}", family, margins, at)
        cases.append(
            {
                "source": "numerical derivative of the average prediction (patsy design, statsmodels covariance)",
                "model": family,
                "formula": f"{outcome} ~ {rhs}".replace("**", "^"),
                "margins": ames,
                "at": {"column": at[0], "predictions": preds},
            }
        )
    # log() and a cubic: a derivative through a function of the column.
    margins = [("derivative", "x1", None, None, "x1"), ("derivative", "x3", None, None, "x3")]
    rhs = "x1 + I(x1**2) + I(x1**3) + np.log(x3 + 5)"
    cases.append(
        {
            "source": "numerical derivative of the average prediction (patsy design, statsmodels covariance)",
            "model": "logit",
            "formula": "y_bin ~ x1 + I(x1^2) + I(x1^3) + log(x3 + 5)",
            "margins": numeric_margins(d, f"y_bin ~ {rhs}", "logit", margins),
        }
    )
    (HERE / "margins.json").write_text(json.dumps({"cases": cases}, indent=1) + "\n")


if __name__ == "__main__":
    main()
