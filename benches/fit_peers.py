"""Peers of `allywar bench fit`, timed on the same frame in the same run: statsmodels (GLM
logit with dyad-clustered SEs) and pyfixest (feglm logit, dyad-clustered, with and without year
fixed effects). Reading the CSV and building the arrays are not timed; only the fit and its
variance. Prints JSON: {case: [seconds per run]}.

    python3 benches/fit_peers.py FRAME.csv RUNS
"""

import json
import sys
import time
import warnings

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")
REGRESSORS = sys.argv[3].split(",")
path, runs = sys.argv[1], int(sys.argv[2])
df = pd.read_csv(path, usecols=["init", "dyad_id", "year", *REGRESSORS]).dropna().reset_index(drop=True)
y = df["init"].to_numpy(float)
X = np.column_stack([np.ones(len(df)), df[REGRESSORS].to_numpy(float)])
groups = df["dyad_id"].to_numpy()
out = {"rows": len(df)}


def timed(name, f):
    out[name] = []
    for _ in range(runs):
        t = time.perf_counter()
        f()
        out[name].append(time.perf_counter() - t)


try:
    import statsmodels.api as sm

    timed("cluster:dyad_id/statsmodels", lambda: sm.GLM(y, X, family=sm.families.Binomial()).fit(cov_type="cluster", cov_kwds={"groups": groups}).bse)
except ImportError:
    pass
try:
    import pyfixest as pf

    fml = "init ~ " + " + ".join(REGRESSORS)
    timed("cluster:dyad_id/pyfixest", lambda: pf.feglm(fml, df, family="logit", vcov={"CRV1": "dyad_id"}).se())
    timed("| year/pyfixest", lambda: pf.feglm(fml + " | year", df, family="logit", vcov={"CRV1": "dyad_id"}).se())
except ImportError:
    pass
print(json.dumps(out))
