"""The peer of `allywar fit FRAME.parquet --model logit --se cluster:dyad_id` as a whole process:
read the Parquet frame, drop rows with a missing value, fit statsmodels' Logit (Newton) with
dyad-clustered standard errors, print the first slope and its SE. Time both whole processes side
by side (e.g. with /usr/bin/time or hyperfine):

    allywar build dyad-year --years 1816:2014 --mids cow5 \\
        --vars init,tgt_def,chal_def,def_12,def_21,peace_years,peace_years2,peace_years3,land_contig,ln_capdist,major_any,cap_ratio_ln,jdem \\
        --out frame.parquet
    python3 benches/fit_end_to_end.py frame.parquet
    allywar fit frame.parquet --model logit --se cluster:dyad_id \\
        --formula "init ~ tgt_def + chal_def + def_12 + def_21 + peace_years + peace_years2 + peace_years3 + land_contig + ln_capdist + major_any + cap_ratio_ln + jdem"

(statsmodels' GLM with a clustered covariance is the slower of its two paths here.)
"""

import sys

import numpy as np
import polars as pl
import statsmodels.api as sm

REGRESSORS = "tgt_def chal_def def_12 def_21 peace_years peace_years2 peace_years3 land_contig ln_capdist major_any cap_ratio_ln jdem".split()
df = pl.read_parquet(sys.argv[1], columns=["init", "dyad_id", *REGRESSORS]).drop_nulls()
y = df["init"].to_numpy().astype(float)
X = np.column_stack([np.ones(df.height), df.select(REGRESSORS).to_numpy().astype(float)])
r = sm.Logit(y, X).fit(disp=0, cov_type="cluster", cov_kwds={"groups": df["dyad_id"].to_numpy()})
print(r.params[1], r.bse[1], df.height)
