"""Reference numbers for the multinomial logit (tests/estimate.rs), from statsmodels' MNLogit on
tests/reference/synthetic.csv: the four levels of y_ord on x1, x2, x3 and an intercept. Writes
tests/reference/mlogit.json.

    python3 tests/reference/make_mlogit_reference.py

Estimates, log-likelihood and classical standard errors are statsmodels'; the robust ones are
the sandwiches written out from statsmodels' analytic scores (score_obs) and Hessian: HC0,
HC1 = n/(n-p) HC0, and the dyad cluster with Stata's ML factor G/(G-1), as make_reference.py
writes them for the other models. Parameters are level by level (every term of level 1, then of
level 2, ...), statsmodels' own order.
"""

import json

import numpy as np
import pandas as pd
import statsmodels.api as sm

d = pd.read_csv("tests/reference/synthetic.csv")
X = sm.add_constant(d[["x1", "x2", "x3"]]).to_numpy()
y = d["y_ord"].to_numpy()
m = sm.MNLogit(y, X)
r = m.fit(method="newton", disp=0, tol=1e-14, maxiter=100)
theta = np.asarray(r.params).ravel(order="F")
S = m.score_obs(theta)
B = np.linalg.inv(-m.hessian(theta))
n, p = S.shape
se = lambda v: np.sqrt(np.diag(v)).tolist()
meat = np.zeros((p, p))
groups = d["dyad_id"].to_numpy()
gs = np.unique(groups)
for g in gs:
    t = S[groups == g].sum(axis=0)
    meat += np.outer(t, t)
out = {
    "params": theta.tolist(),
    "logLik": float(r.llf),
    "llnull": float(r.llnull),
    "classical": np.asarray(r.bse).ravel(order="F").tolist(),
    "hc0": se(B @ S.T @ S @ B),
    "hc1": se(B @ S.T @ S @ B * n / (n - p)),
    "cluster:dyad_id": se(B @ meat @ B * len(gs) / (len(gs) - 1)),
    "nobs": int(n),
}
with open("tests/reference/mlogit.json", "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print(json.dumps({k: (v[:4] if isinstance(v, list) else v) for k, v in out.items()}))
