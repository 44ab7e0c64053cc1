//! Variance matrices as sandwiches B·M·B: the bread B = (X'WX)⁻¹ from the model, the meat M
//! from the model's per-observation scores u_i = ∂ℓ_i/∂θ. Group sums keep every clustered meat O(n·k²).

use super::design::Design;
use super::error::EstimateError;
use super::model::{Fit, Model};
use faer::{Mat, Side};

/// A variance type as users name it (`--se`, a spec's `se`): `classical`, `hc0`, `hc1`, `hc3`,
/// `cluster:VAR`, `twoway:VAR1,VAR2` or `dyadic:STATE1,STATE2`. Parsed once; its columns become a
/// [`Variance`] when the design's rows are known.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VarianceSpec {
    /// Model-based.
    Classical,
    /// HC0.
    Hc0,
    /// HC1.
    Hc1,
    /// HC3.
    Hc3,
    /// One-way cluster on a column.
    Cluster(String),
    /// Two-way cluster on two columns.
    TwoWay(String, String),
    /// Dyadic cluster on the two states' columns.
    Dyadic(String, String),
}

impl VarianceSpec {
    /// The columns it needs from the frame.
    pub fn columns(&self) -> Vec<&str> {
        match self {
            VarianceSpec::Classical | VarianceSpec::Hc0 | VarianceSpec::Hc1 | VarianceSpec::Hc3 => Vec::new(),
            VarianceSpec::Cluster(c) => vec![c.as_str()],
            VarianceSpec::TwoWay(a, b) | VarianceSpec::Dyadic(a, b) => vec![a.as_str(), b.as_str()],
        }
    }
}

impl std::fmt::Display for VarianceSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VarianceSpec::Classical => f.write_str("classical"),
            VarianceSpec::Hc0 => f.write_str("hc0"),
            VarianceSpec::Hc1 => f.write_str("hc1"),
            VarianceSpec::Hc3 => f.write_str("hc3"),
            VarianceSpec::Cluster(c) => write!(f, "cluster:{c}"),
            VarianceSpec::TwoWay(a, b) => write!(f, "twoway:{a},{b}"),
            VarianceSpec::Dyadic(a, b) => write!(f, "dyadic:{a},{b}"),
        }
    }
}

impl std::str::FromStr for VarianceSpec {
    type Err = String;
    fn from_str(spec: &str) -> Result<VarianceSpec, String> {
        const KINDS: [&str; 8] = ["classical", "hc0", "hc1", "hc3", "robust", "cluster", "twoway", "dyadic"];
        let expected =
            "expected classical, hc0, hc1 (or robust, as Stata calls it), hc3, cluster:VAR, twoway:VAR1,VAR2 or dyadic:STATE1,STATE2";
        let (kind, cols) = spec.trim().split_once(':').unwrap_or((spec.trim(), ""));
        let cols: Vec<String> = cols.split(',').map(str::trim).filter(|c| !c.is_empty()).map(String::from).collect();
        let v = match (kind, cols.as_slice()) {
            ("classical", []) => VarianceSpec::Classical,
            ("hc0", []) => VarianceSpec::Hc0,
            // Stata's `vce(robust)` is HC1.
            ("hc1" | "robust", []) => VarianceSpec::Hc1,
            ("hc3", []) => VarianceSpec::Hc3,
            ("cluster", [c]) => VarianceSpec::Cluster(c.clone()),
            ("twoway", [a, b]) => VarianceSpec::TwoWay(a.clone(), b.clone()),
            ("dyadic", [a, b]) => VarianceSpec::Dyadic(a.clone(), b.clone()),
            ("cluster", _) => return Err(format!("variance `{spec}`: cluster takes one column (cluster:VAR)")),
            ("twoway" | "dyadic", _) => return Err(format!("variance `{spec}`: {kind} takes two columns ({kind}:VAR1,VAR2)")),
            (k, _) if KINDS.contains(&k) => return Err(format!("variance `{spec}`: {k} takes no column")),
            (k, _) => return Err(format!("unknown variance `{spec}`{}; {expected}", crate::suggest::did_you_mean(k, KINDS))),
        };
        Ok(v)
    }
}

impl serde::Serialize for VarianceSpec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for VarianceSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<VarianceSpec, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

/// A variance type.
#[derive(Debug, Clone, PartialEq)]
pub enum Variance {
    /// Model-based: σ²(X'X)⁻¹ for OLS, (X'WX)⁻¹ for ML models.
    Classical,
    /// White's heteroskedasticity-consistent HC0.
    Hc0,
    /// HC0 × n/(n−k).
    Hc1,
    /// Scores over (1 − h_i), h the hat values of the weighted design.
    Hc3,
    /// One-way cluster (CR1 with Stata's factor: G/(G−1)·(N−1)/(N−K) for OLS, G/(G−1) for ML).
    Cluster(Vec<i64>),
    /// Two-way cluster (Cameron, Gelbach & Miller 2011): V₁ + V₂ − V₁₂, each with its own factor.
    TwoWay(Vec<i64>, Vec<i64>),
    /// Dyadic cluster-robust (Aronow, Samii & Assenova 2015) from the two states of each row:
    /// Σ_i V_C(i) − V_D − (N−2)·V₀, which is Σ_i S_i S_i' − Σ_D T_D T_D' in the meat (S_i the
    /// score sum of the rows involving state i, T_D of dyad D).
    Dyadic(Vec<i64>, Vec<i64>),
}

/// A variance matrix and what it rests on.
#[derive(Debug, Clone)]
pub struct Vcov {
    /// The matrix, in the design's term order.
    pub matrix: Mat<f64>,
    /// Clusters (the smaller count for two-way; states for dyadic).
    pub n_clusters: Option<usize>,
    /// Whether the matrix is positive definite (a clustered matrix need not be).
    pub positive_definite: bool,
}

impl Vcov {
    /// Standard errors.
    pub fn std_errors(&self) -> Vec<f64> {
        (0..self.matrix.nrows()).map(|j| self.matrix[(j, j)].max(0.0).sqrt()).collect()
    }
}

/// Adds s s' to the upper triangle of `m` (row-major k × k); [`symmetric`] fills the rest.
fn outer_add(m: &mut [f64], s: &[f64]) {
    let k = s.len();
    for a in 0..k {
        let sa = s[a];
        for (mb, sb) in m[a * k + a..(a + 1) * k].iter_mut().zip(&s[a..]) {
            *mb += sa * sb;
        }
    }
}

/// Copies the upper triangle onto the lower: the same sums as accumulating both (a product of
/// two numbers does not depend on their order), at half the work.
fn symmetric(mut m: Vec<f64>, k: usize) -> Vec<f64> {
    for a in 0..k {
        for b in 0..a {
            m[a * k + b] = m[b * k + a];
        }
    }
    m
}

/// Dense group numbers 0.. in order of first appearance, and their count.
fn dense(groups: &[i64]) -> (Vec<u32>, usize) {
    let (lo, hi) = (groups.iter().copied().min().unwrap_or(0), groups.iter().copied().max().unwrap_or(0));
    let (ids, count) = super::columns::first_appearance(groups.iter().map(|&g| Some(g)), groups.len(), lo, hi);
    (ids.into_iter().map(Option::unwrap_or_default).collect(), count)
}

/// Σ_g s_g s_g' from per-group score sums (groups numbered 0..count).
fn meat_of_sums(sums: &[f64], p: usize) -> Vec<f64> {
    let mut meat = vec![0.0; p * p];
    for s in sums.chunks(p.max(1)) {
        outer_add(&mut meat, s);
    }
    symmetric(meat, p)
}

/// Meat from per-group score sums. Groups are summed in order of first appearance, so the sums
/// (and the output bytes) are the same on every run.
fn cluster_meat(d: &Design, f: &Fit, ids: &[u32], count: usize) -> Vec<f64> {
    let p = f.p();
    // Many small groups (two-way intersections): a table of sums would be as large as the
    // design, so the rows are visited group by group instead.
    if count > ids.len() / 8 {
        return grouped_meat(d, f, ids, count);
    }
    // Each half of the rows summed by group on its own thread.
    let part = |rows: std::ops::Range<usize>| {
        let mut sums = vec![0.0; count * p];
        let mut u = vec![0.0; p];
        for i in rows {
            let g = ids[i] as usize;
            f.score_into(d, i, &mut u);
            for (sj, uj) in sums[g * p..(g + 1) * p].iter_mut().zip(&u) {
                *sj += uj;
            }
        }
        sums
    };
    meat_of_sums(&super::split::sum_halves(ids.len(), part), p)
}

/// Σ_g s_g s_g' visiting the rows group by group (a counting sort of the rows by group), each
/// group's sum added to the meat as it is finished; the groups split in two halves, one per thread.
fn grouped_meat(d: &Design, f: &Fit, ids: &[u32], count: usize) -> Vec<f64> {
    let p = f.p();
    // Every row its own group (a two-way intersection of dyad and year): groups are the rows in
    // order, each sum its row's score, so no sort is needed. (0 + u is u, but for the sign of a
    // zero, which a sum of products cannot see.)
    if count == ids.len() {
        let part = |rows: std::ops::Range<usize>| {
            let (mut meat, mut u) = (vec![0.0; p * p], vec![0.0; p]);
            for i in rows {
                f.score_into(d, i, &mut u);
                outer_add(&mut meat, &u);
            }
            meat
        };
        return symmetric(super::split::sum_halves(count, part), p);
    }
    let mut start = vec![0u32; count + 1];
    for &g in ids {
        start[g as usize + 1] += 1;
    }
    for g in 0..count {
        start[g + 1] += start[g];
    }
    let mut next = start.clone();
    let mut order = vec![0u32; ids.len()];
    for (i, &g) in ids.iter().enumerate() {
        order[next[g as usize] as usize] = i as u32;
        next[g as usize] += 1;
    }
    let part = |groups: std::ops::Range<usize>| {
        let (mut meat, mut sum, mut u) = (vec![0.0; p * p], vec![0.0; p], vec![0.0; p]);
        for g in groups {
            sum.iter_mut().for_each(|s| *s = 0.0);
            for &i in &order[start[g] as usize..start[g + 1] as usize] {
                f.score_into(d, i as usize, &mut u);
                sum.iter_mut().zip(&u).for_each(|(s, v)| *s += v);
            }
            outer_add(&mut meat, &sum);
        }
        meat
    };
    symmetric(super::split::sum_halves(count, part), p)
}

fn sandwich(bread: &Mat<f64>, meat: &[f64], scale: f64) -> Mat<f64> {
    let k = bread.nrows();
    let bm = Mat::from_fn(k, k, |a, b| (0..k).map(|c| bread[(a, c)] * meat[c * k + b]).sum::<f64>());
    Mat::from_fn(k, k, |a, b| scale * (0..k).map(|c| bm[(a, c)] * bread[(c, b)]).sum::<f64>())
}

fn check_len(g: &[i64], n: usize) -> Result<(), EstimateError> {
    if g.len() == n {
        Ok(())
    } else {
        Err(EstimateError::ClusterLength { got: g.len(), want: n })
    }
}

/// Parameters for small-sample factors: the coefficients, plus the levels absorbed by fixed
/// effects (as if they were dummies, Stata's `areg` and fixest's `fixef_k = "full"`).
fn params(f: &Fit) -> usize {
    f.p() + f.dof_absorbed
}

/// Stata's small-sample factor for `g` clusters.
fn cluster_factor(f: &Fit, g: usize, n: usize) -> f64 {
    let g = g as f64;
    if f.model == Model::Gaussian {
        g / (g - 1.0) * (n as f64 - 1.0) / (n - params(f)) as f64
    } else {
        g / (g - 1.0)
    }
}

/// Hat values h_i = w_i x_i'(X'WX)⁻¹x_i of the weighted design (HC3).
fn hat_values(d: &Design, f: &Fit) -> Result<Vec<f64>, EstimateError> {
    let k = d.k();
    let inv = super::linalg::inverse(&super::linalg::cross(&d.x, k, &f.weights, &vec![0.0; d.n()]).0)?;
    Ok((0..d.n())
        .map(|i| {
            let x = d.row(i);
            (0..k).map(|a| x[a] * (0..k).map(|b| inv[(a, b)] * x[b]).sum::<f64>()).sum::<f64>() * f.weights[i]
        })
        .collect())
}

/// The variance matrix of `fit` under `variance`. Cluster vectors hold one value per design row.
pub fn vcov(d: &Design, f: &Fit, variance: &Variance) -> Result<Vcov, EstimateError> {
    vcov_with(d, f, variance, &mut Meats::default())
}

/// Cluster meats of one fit already computed, by their groups (numbered by first appearance):
/// the variance types of a fit share them (a dyad cluster, the dyad part of a two-way cluster and
/// the dyad term of the dyadic variance are one meat), each computed once.
#[derive(Default)]
pub struct Meats(Vec<(Vec<u32>, usize, Vec<f64>)>);

impl Meats {
    /// The meat of `groups`, computed unless it already is.
    fn of(&mut self, d: &Design, f: &Fit, groups: &[i64]) -> (Vec<f64>, usize) {
        let (ids, count) = dense(groups);
        if let Some((_, count, meat)) = self.0.iter().find(|(known, _, _)| *known == ids) {
            return (meat.clone(), *count);
        }
        let meat = cluster_meat(d, f, &ids, count);
        self.0.push((ids, count, meat.clone()));
        (meat, count)
    }
}

/// As [`vcov`], sharing cluster meats with the fit's other variance types through `meats`.
pub fn vcov_with(d: &Design, f: &Fit, variance: &Variance, meats: &mut Meats) -> Result<Vcov, EstimateError> {
    let (n, p) = (d.n(), f.p());
    if n <= params(f) {
        return Err(EstimateError::NoResidualDf { n, params: params(f) });
    }
    let too_few = |count: usize| if count < 2 { Err(EstimateError::TooFewClusters { variance: "cluster".into(), count }) } else { Ok(()) };
    let mut n_clusters = None;
    let matrix = match variance {
        Variance::Classical => {
            let scale = if f.model.has_dispersion() { f.resid.iter().map(|r| r * r).sum::<f64>() / (n - params(f)) as f64 } else { 1.0 };
            Mat::from_fn(p, p, |a, b| scale * f.bread[(a, b)])
        }
        Variance::Hc0 | Variance::Hc1 | Variance::Hc3 => {
            let hat = if *variance == Variance::Hc3 {
                if !matches!(f.model, Model::Gaussian | Model::Logit | Model::Probit | Model::Poisson) || !d.fe.is_empty() {
                    return Err(EstimateError::Unsupported {
                        what: format!(
                            "hc3 needs the hat values of a single-index model without absorbed fixed effects, which {}{} is not: use hc1 or a cluster",
                            f.model.name(),
                            if d.fe.is_empty() { "" } else { " with fixed effects" }
                        ),
                    });
                }
                Some(hat_values(d, f)?)
            } else {
                None
            };
            let mut meat = vec![0.0; p * p];
            let mut u = vec![0.0; p];
            for i in 0..n {
                let scale = hat.as_ref().map_or(1.0, |h| 1.0 / (1.0 - h[i]));
                f.score_into(d, i, &mut u);
                u.iter_mut().for_each(|uj| *uj *= scale);
                outer_add(&mut meat, &u);
            }
            let meat = symmetric(meat, p);
            let scale = if *variance == Variance::Hc1 { n as f64 / (n - params(f)) as f64 } else { 1.0 };
            sandwich(&f.bread, &meat, scale)
        }
        Variance::Cluster(g) => {
            check_len(g, n)?;
            let (meat, count) = meats.of(d, f, g);
            too_few(count)?;
            n_clusters = Some(count);
            sandwich(&f.bread, &meat, cluster_factor(f, count, n))
        }
        Variance::TwoWay(g1, g2) => {
            check_len(g1, n)?;
            check_len(g2, n)?;
            // The intersection clusters, one code per (g1, g2) pair of dense numbers.
            let both: Vec<i64> = {
                let ((a, _), (b, nb)) = (dense(g1), dense(g2));
                a.iter().zip(&b).map(|(&a, &b)| i64::from(a) * nb as i64 + i64::from(b)).collect()
            };
            let mut part = |g: &[i64]| {
                let (meat, count) = meats.of(d, f, g);
                (sandwich(&f.bread, &meat, cluster_factor(f, count, n)), count)
            };
            let ((v1, c1), (v2, c2), (v12, _)) = (part(g1), part(g2), part(&both));
            too_few(c1.min(c2))?;
            n_clusters = Some(c1.min(c2));
            Mat::from_fn(p, p, |a, b| v1[(a, b)] + v2[(a, b)] - v12[(a, b)])
        }
        Variance::Dyadic(s1, s2) => {
            check_len(s1, n)?;
            check_len(s2, n)?;
            let both: Vec<i64> = s1.iter().chain(s2.iter()).copied().collect();
            let (ids, states) = dense(&both);
            too_few(states)?;
            let mut sums = vec![0.0; states * p];
            let mut u = vec![0.0; p];
            for i in 0..n {
                f.score_into(d, i, &mut u);
                for g in [ids[i], ids[n + i]] {
                    for (ej, uj) in sums[g as usize * p..(g as usize + 1) * p].iter_mut().zip(&u) {
                        *ej += uj;
                    }
                }
            }
            let mut meat = meat_of_sums(&sums, p);
            // The unordered pair of dense state numbers.
            let dyads: Vec<i64> = (0..n)
                .map(|i| {
                    let (a, b) = (i64::from(ids[i]), i64::from(ids[n + i]));
                    a.min(b) * states as i64 + a.max(b)
                })
                .collect();
            let (vd, _) = meats.of(d, f, &dyads);
            for (m, v) in meat.iter_mut().zip(vd) {
                *m -= v;
            }
            n_clusters = Some(states);
            sandwich(&f.bread, &meat, 1.0)
        }
    };
    let matrix = Mat::from_fn(p, p, |a, b| f.variance_factor * matrix[(a, b)]);
    let positive_definite = matrix.llt(Side::Lower).is_ok();
    Ok(Vcov { matrix, n_clusters, positive_definite })
}
