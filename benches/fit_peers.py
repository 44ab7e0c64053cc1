"""Peers of `allywar bench fit`, timed on the same frame in the same run: statsmodels (GLM
logit with dyad-clustered SEs), pyfixest (feglm logit, dyad-clustered, with and without year
fixed effects) and, where Rscript is on the PATH, R's glm with sandwich's vcovCL (year fixed
effects as factor(year) dummies, R's way). Reading the CSV and building the arrays are not
timed; only the fit and its variance (R: model frame, fit and variance). Prints JSON: {case:
[seconds per run]}.

    python3 benches/fit_peers.py FRAME.csv RUNS
"""

import json
import shutil
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
R = r"""
suppressMessages(library(sandwich))
args <- commandArgs(TRUE)
regs <- strsplit(args[3], ",")[[1]]
df <- read.csv(args[1])[, c("init", "dyad_id", "year", regs)]
df <- df[complete.cases(df), ]
f <- reformulate(regs, "init")
fy <- reformulate(c(regs, "factor(year)"), "init")
time <- function(expr) { t <- proc.time()[["elapsed"]]; force(expr); proc.time()[["elapsed"]] - t }
cl <- numeric(0); yr <- numeric(0)
for (i in seq_len(as.integer(args[2]))) {
  cl <- c(cl, time({ m <- glm(f, binomial, df); sqrt(diag(vcovCL(m, cluster = ~dyad_id))) }))
  yr <- c(yr, time({ m <- glm(fy, binomial, df); sqrt(diag(vcovCL(m, cluster = ~dyad_id))) }))
}
cat(nrow(df), "\n", paste(cl, collapse = " "), "\n", paste(yr, collapse = " "), "\n")
"""
if shutil.which("Rscript"):
    import subprocess

    # One run: R's fits take minutes (the year dummies make a 1.5 M × 211 model matrix).
    res = subprocess.run(["Rscript", "-e", R, path, "1", ",".join(REGRESSORS)], capture_output=True, text=True, check=True)
    rows, cluster, year = res.stdout.strip().split("\n")
    assert int(rows) == out["rows"], (rows, out["rows"])
    out["cluster:dyad_id/R glm+sandwich"] = [float(v) for v in cluster.split()]
    out["| year/R glm+sandwich"] = [float(v) for v in year.split()]
print(json.dumps(out))
