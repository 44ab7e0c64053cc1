"""Reference numbers for the entanglement, coalition and abandonment studies (tests/report.rs), from
statsmodels on the frames allywar builds. Writes tests/reference/studies.json.

    B=target/release/allywar; D=/tmp/sref; mkdir -p $D
    $B build joiner --mids gml --vars joined,ally_def_a,ally_def_b,contig_orig,major,ln_dist_orig,cinc --out $D/joiner.csv
    $B build mission --vars statenum,ln_statenum,un_mandate,regional_mandate,cold_war,tptype,regnum --out $D/mission.csv
    $B build us-force --vars coalitional_use_of_force,igo_authorized_use_of_force,recession_year,budget_constraints,election_cycle,senate_divided,house_divided,ground_forces,post_cold_war,post_vietnam_war,severity --out $D/us_force.csv
    $B build dispute --mids gml --vars war,orig_a,orig_b --out $D/dispute.csv
    V=fulfilled,primary,styear,pact_type,ally_major,ally_dem,ally_cinc,contig_war,bilateral,partner_initiated,post1945
    $B build commitment --vars $V --out $D/commitment.csv
    python3 tests/reference/make_study_reference.py $D

The models and variances are the studies' (reports/*/spec.toml): the logit clustered on the
dispute or conflict (CR1, Stata's factor), and HC1 for the missions, US uses of force and disputes. NB2 is
checked on its coefficients and alpha only: statsmodels' HC1 for NegativeBinomial counts alpha
among the parameters in its n/(n−k) factor, allywar (like Stata) does not.
"""

import json
import re
import sys
import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf

warnings.filterwarnings("ignore")
d = sys.argv[1]
out = {}


def glm_hc1(res):
    """statsmodels' GLM quietly returns HC0 when asked for HC1 (see make_reference.py): scale by
    n/(n-k) as sandwich's and Stata's HC1 do."""
    n, k = res.nobs, len(res.params)
    res.bse_hc1 = res.bse * np.sqrt(n / (n - k))
    return res


def record(study, name, res, se=True):
    # patsy's `C(x, Treatment("r"))[T.l]` is allywar's `C(x, ref="r")`, named `C(x)[T.l]`.
    names = [("(Intercept)" if n == "Intercept" else re.sub(r"C\((\w+), Treatment\([^)]*\)\)", r"C(\1)", n)) for n in res.params.index]
    out.setdefault(study, {})[name] = {
        "terms": names,
        "estimate": [float(v) for v in res.params.values],
        "std_error": [float(v) for v in getattr(res, "bse_hc1", res.bse).values] if se else None,
        "nobs": int(res.nobs),
    }


j = pd.read_csv(f"{d}/joiner.csv")
cols = ["joined", "ally_def_a", "ally_def_b", "contig_orig", "major", "ln_dist_orig", "cinc", "dispnum"]
j = j[cols].dropna().reset_index(drop=True)
m = smf.glm("joined ~ ally_def_a + ally_def_b + contig_orig + major + ln_dist_orig + cinc", j, family=sm.families.Binomial())
res = m.fit(tol=1e-12, cov_type="cluster", cov_kwds={"groups": j["dispnum"].to_numpy()})
# statsmodels' GLM cluster factor is G/(G-1)(N-1)/(N-K) with use_correction=True (the default):
# Stata's CR1 for logit is G/(G-1) only (allywar uses the ML factor for ML models), so undo the
# second part.
n, k = res.nobs, len(res.params)
res_bse = res.bse / np.sqrt((n - 1) / (n - k))
record("entanglement", "Joined", res, se=False)
out["entanglement"]["Joined"]["std_error"] = [float(v) for v in res_bse.values]

ms = pd.read_csv(f"{d}/mission.csv")
ms = ms[["statenum", "ln_statenum", "un_mandate", "regional_mandate", "cold_war", "tptype", "regnum"]].dropna().reset_index(drop=True)
rhs = "un_mandate + regional_mandate + cold_war + C(tptype) + C(regnum)"
record("coalitions", "Missions: Poisson", glm_hc1(smf.glm(f"statenum ~ {rhs}", ms, family=sm.families.Poisson()).fit(tol=1e-12, cov_type="HC0")))
record("coalitions", "Missions: OLS of ln size", smf.ols(f"ln_statenum ~ {rhs}", ms).fit(cov_type="HC1"))
nb = smf.negativebinomial(f"statenum ~ {rhs}", ms).fit(method="newton", maxiter=200, tol=1e-12, disp=0)
record("coalitions", "Missions: NB2", nb, se=False)

u = pd.read_csv(f"{d}/us_force.csv")
xs = "igo_authorized_use_of_force + recession_year + budget_constraints + election_cycle + senate_divided + house_divided + ground_forces + post_cold_war + post_vietnam_war + severity"
u = u[["coalitional_use_of_force", *xs.split(" + ")]].dropna().reset_index(drop=True)
record("coalitions", "US uses of force", glm_hc1(smf.glm(f"coalitional_use_of_force ~ {xs}", u, family=sm.families.Binomial()).fit(tol=1e-12, cov_type="HC0")))

dp = pd.read_csv(f"{d}/dispute.csv")[["war", "orig_a", "orig_b"]].dropna().reset_index(drop=True)
record("coalitions", "Disputes: war", glm_hc1(smf.glm("war ~ orig_a + orig_b", dp, family=sm.families.Binomial()).fit(tol=1e-12, cov_type="HC0")))

def logit_cr1(frame, formula, cluster):
    """A logit clustered on `cluster` with Stata's CR1 factor G/(G-1) (statsmodels' GLM adds
    (N-1)/(N-K), undone here)."""
    res = smf.glm(formula, frame, family=sm.families.Binomial()).fit(tol=1e-12, cov_type="cluster", cov_kwds={"groups": frame[cluster].to_numpy()})
    n, k = res.nobs, len(res.params)
    res.bse_hc1 = res.bse / np.sqrt((n - 1) / (n - k))
    return res


# Abandonment: the fulfilment logits on the commitment unit's scored rows.
cm = pd.read_csv(f"{d}/commitment.csv")
full = "ally_major + ally_dem + ally_major:ally_dem + ally_cinc + contig_war + bilateral + partner_initiated + post1945"
early = "ally_major + ally_dem + contig_war + bilateral"
typed = 'C(pact_type, Treatment("defense")) + ally_major + ally_dem + ally_cinc + contig_war + bilateral + post1945'
for name, rows, rhs in [
    ("Pact types, wars 1816–2003", cm["primary"] == 1, full),
    ("Pact types, wars 1816–1944 (Leeds 2003)", (cm["primary"] == 1) & (cm["styear"] <= 1944), early),
    ("Every obligation, wars", cm["primary"].notna(), full),
    ("Pact types with type effects, wars 1816–2003", cm["primary"] == 1, typed),
]:
    cols = ["fulfilled", *[re.sub(r"C\((\w+).*", r"\1", t) for t in rhs.split(" + ") if ":" not in t], "conflict_id"]
    frame = cm[rows][cols].dropna().reset_index(drop=True)
    record("abandonment", name, logit_cr1(frame, f"fulfilled ~ {rhs}", "conflict_id"))

with open("tests/reference/studies.json", "w") as f:
    json.dump(out, f, indent=1, sort_keys=True)
    f.write("\n")
print(json.dumps({s: list(v) for s, v in out.items()}))
