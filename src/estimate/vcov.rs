//! Variance matrices as sandwiches B·M·B: the bread B = (X'WX)⁻¹ from the model, the meat M
//! from the scores u_i = x_i (y_i − μ_i). Group sums keep every clustered meat O(n·k²).

use super::{EstimateError, Family, Fit};
use crate::estimate::Design;
use faer::{Mat, Side};
use std::collections::{BTreeMap, HashMap};

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

fn outer_add(m: &mut [f64], s: &[f64]) {
    let k = s.len();
    for a in 0..k {
        for b in 0..k {
            m[a * k + b] += s[a] * s[b];
        }
    }
}

/// Meat from per-group score sums.
fn cluster_meat(d: &Design, r: &[f64], groups: &[i64]) -> (Vec<f64>, usize) {
    let k = d.k();
    // Ordered by group, so the sums (and the output bytes) are the same on every run.
    let mut sums: BTreeMap<i64, Vec<f64>> = BTreeMap::new();
    for i in 0..d.n() {
        let s = sums.entry(groups[i]).or_insert_with(|| vec![0.0; k]);
        for (sj, xj) in s.iter_mut().zip(d.row(i)) {
            *sj += xj * r[i];
        }
    }
    let mut meat = vec![0.0; k * k];
    for s in sums.values() {
        outer_add(&mut meat, s);
    }
    (meat, sums.len())
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

/// Stata's small-sample factor for `g` clusters.
fn cluster_factor(f: &Fit, g: usize, n: usize, k: usize) -> f64 {
    let g = g as f64;
    if f.family == Family::Gaussian {
        g / (g - 1.0) * (n as f64 - 1.0) / (n - k) as f64
    } else {
        g / (g - 1.0)
    }
}

/// The variance matrix of `fit` under `variance`. Cluster vectors hold one value per design row.
pub fn vcov(d: &Design, f: &Fit, variance: &Variance) -> Result<Vcov, EstimateError> {
    let (n, k) = (d.n(), d.k());
    let mut n_clusters = None;
    let matrix = match variance {
        Variance::Classical => {
            let scale = if f.family.has_dispersion() { f.resid.iter().map(|r| r * r).sum::<f64>() / (n - k) as f64 } else { 1.0 };
            Mat::from_fn(k, k, |a, b| scale * f.bread[(a, b)])
        }
        Variance::Hc0 | Variance::Hc1 | Variance::Hc3 => {
            let r: Vec<f64> = if *variance == Variance::Hc3 {
                (0..n)
                    .map(|i| {
                        let x = d.row(i);
                        let h: f64 = (0..k).map(|a| (0..k).map(|b| x[a] * f.bread[(a, b)] * x[b]).sum::<f64>()).sum::<f64>() * f.weights[i];
                        f.resid[i] / (1.0 - h)
                    })
                    .collect()
            } else {
                f.resid.clone()
            };
            let mut meat = vec![0.0; k * k];
            let mut u = vec![0.0; k];
            for (i, ri) in r.iter().enumerate() {
                for (uj, xj) in u.iter_mut().zip(d.row(i)) {
                    *uj = xj * ri;
                }
                outer_add(&mut meat, &u);
            }
            let scale = if *variance == Variance::Hc1 { n as f64 / (n - k) as f64 } else { 1.0 };
            sandwich(&f.bread, &meat, scale)
        }
        Variance::Cluster(g) => {
            check_len(g, n)?;
            let (meat, count) = cluster_meat(d, &f.resid, g);
            n_clusters = Some(count);
            sandwich(&f.bread, &meat, cluster_factor(f, count, n, k))
        }
        Variance::TwoWay(g1, g2) => {
            check_len(g1, n)?;
            check_len(g2, n)?;
            let both: Vec<i64> = {
                let mut ids: HashMap<(i64, i64), i64> = HashMap::new();
                g1.iter()
                    .zip(g2)
                    .map(|(a, b)| {
                        let next = ids.len() as i64;
                        *ids.entry((*a, *b)).or_insert(next)
                    })
                    .collect()
            };
            let part = |g: &[i64]| {
                let (meat, count) = cluster_meat(d, &f.resid, g);
                (sandwich(&f.bread, &meat, cluster_factor(f, count, n, k)), count)
            };
            let ((v1, c1), (v2, c2), (v12, _)) = (part(g1), part(g2), part(&both));
            n_clusters = Some(c1.min(c2));
            Mat::from_fn(k, k, |a, b| v1[(a, b)] + v2[(a, b)] - v12[(a, b)])
        }
        Variance::Dyadic(s1, s2) => {
            check_len(s1, n)?;
            check_len(s2, n)?;
            let mut by_state: BTreeMap<i64, Vec<f64>> = BTreeMap::new();
            for i in 0..n {
                for s in [s1[i], s2[i]] {
                    let e = by_state.entry(s).or_insert_with(|| vec![0.0; k]);
                    for (ej, xj) in e.iter_mut().zip(d.row(i)) {
                        *ej += xj * f.resid[i];
                    }
                }
            }
            let mut meat = vec![0.0; k * k];
            for s in by_state.values() {
                outer_add(&mut meat, s);
            }
            let dyads: Vec<i64> = s1.iter().zip(s2).map(|(a, b)| a.min(b) * 1_000_000 + a.max(b)).collect();
            let (vd, _) = cluster_meat(d, &f.resid, &dyads);
            for (m, v) in meat.iter_mut().zip(vd) {
                *m -= v;
            }
            n_clusters = Some(by_state.len());
            sandwich(&f.bread, &meat, 1.0)
        }
    };
    let positive_definite = matrix.llt(Side::Lower).is_ok();
    Ok(Vcov { matrix, n_clusters, positive_definite })
}
