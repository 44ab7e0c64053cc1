//! Models with ancillary parameters, fitted by Newton's method on the analytic gradient and
//! Hessian with step halving: the negative binomial (NB2, α jointly with β) and the ordered logit
//! (cutpoints with β), and the multinomial logit (one β per non-base level). The bread is the inverse observed information at the estimates, in the
//! parameters reported (α itself, the cutpoints themselves), as statsmodels and Stata report them.

use super::design::Design;
use super::error::EstimateError;
use super::linalg::inverse;
use super::model::{Control, Fit, Model, Scores};
use faer::Mat;

/// Log-likelihood, gradient, Hessian (row-major) and, when asked, per-observation scores.
struct Eval {
    loglik: f64,
    grad: Vec<f64>,
    hess: Vec<f64>,
    scores: Vec<f64>,
}

/// Maximizes a log-likelihood from `theta`: Newton steps, halved until the likelihood rises.
/// `eval` returns `None` where the parameters are invalid.
fn newton(
    mut theta: Vec<f64>,
    control: Control,
    eval: impl Fn(&[f64], bool) -> Option<Eval>,
) -> Result<(Vec<f64>, usize, bool), EstimateError> {
    let p = theta.len();
    let mut cur = eval(&theta, false).ok_or(EstimateError::Singular)?;
    for iteration in 1..=control.max_iter {
        let neg_h = Mat::from_fn(p, p, |a, b| -cur.hess[a * p + b]);
        let inv = inverse(&neg_h)?;
        let step: Vec<f64> = (0..p).map(|a| (0..p).map(|b| inv[(a, b)] * cur.grad[b]).sum()).collect();
        let mut t = 1.0;
        let next = loop {
            let cand: Vec<f64> = theta.iter().zip(&step).map(|(a, s)| a + t * s).collect();
            if let Some(e) = eval(&cand, false).filter(|e| e.loglik.is_finite() && e.loglik >= cur.loglik - 1e-12 * cur.loglik.abs()) {
                break Some((cand, e));
            }
            t /= 2.0;
            if t < 1e-10 {
                break None;
            }
        };
        let Some((cand, e)) = next else { return Ok((theta, iteration, false)) };
        let change = (e.loglik - cur.loglik).abs();
        let moved = step.iter().map(|s| (t * s).abs()).fold(0.0, f64::max);
        (theta, cur) = (cand, e);
        if change <= control.tol * (cur.loglik.abs() + 0.1) && moved < 1e-6 {
            return Ok((theta, iteration, true));
        }
    }
    Ok((theta, control.max_iter, false))
}

#[allow(clippy::too_many_arguments)]
/// A fit from the estimates: scores and bread from the final evaluation.
fn finish(
    d: &Design,
    model: Model,
    names: Vec<String>,
    theta: Vec<f64>,
    e: Eval,
    eta: Vec<f64>,
    mu: Vec<f64>,
    it: (usize, bool),
) -> Result<Fit, EstimateError> {
    let p = theta.len();
    let bread = inverse(&Mat::from_fn(p, p, |a, b| -e.hess[a * p + b]))?;
    let resid = d.y.iter().zip(&mu).map(|(y, m)| y - m).collect();
    Ok(Fit {
        model,
        names,
        k: d.k(),
        beta: theta,
        weights: vec![f64::NAN; d.n()],
        eta,
        mu,
        resid,
        scores: Scores::Rows(e.scores),
        bread,
        variance_factor: 1.0,
        loglik: e.loglik,
        dof_absorbed: 0,
        fe_groups_dropped: Vec::new(),
        iterations: it.0,
        converged: it.1,
    })
}

fn index(d: &Design, beta: &[f64]) -> Vec<f64> {
    (0..d.n()).map(|i| d.row(i).iter().zip(beta).map(|(x, b)| x * b).sum()).collect()
}

/// Adds x x' · h to a row-major `p × p` Hessian's leading `k × k` block.
fn add_outer(hess: &mut [f64], p: usize, x: &[f64], h: f64) {
    for a in 0..x.len() {
        let xa = x[a] * h;
        for b in 0..x.len() {
            hess[a * p + b] += xa * x[b];
        }
    }
}

/// NB2 log-likelihood pieces of one observation at μ and α: ℓ, ∂ℓ/∂η, ∂²ℓ/∂η², ∂ℓ/∂α,
/// ∂²ℓ/∂α², ∂²ℓ/∂α∂η. With r = 1/α, ψ(y + r) − ψ(r) = Σ_{j<y} 1/(r + j) for a count y.
fn nb2(y: f64, mu: f64, a: f64) -> [f64; 6] {
    let r = 1.0 / a;
    let (mut lg, mut dg, mut tg) = (0.0, 0.0, 0.0);
    for j in 0..y as u64 {
        let t = r + j as f64;
        lg += t.ln();
        dg += 1.0 / t;
        tg -= 1.0 / (t * t);
    }
    let q = 1.0 + a * mu;
    let ll = lg - statrs::function::gamma::ln_gamma(y + 1.0) - (r + y) * q.ln() + y * (a * mu).ln();
    let d_eta = (y - mu) / q;
    let dd_eta = -mu * (1.0 + a * y) / (q * q);
    let bracket = q.ln() - dg;
    let d_a = r * r * bracket + (y - mu) / (a * q);
    let dd_a = -2.0 * r * r * r * bracket + r * r * (mu / q + r * r * tg) - (y - mu) * (1.0 + 2.0 * a * mu) / (a * a * q * q);
    let d_a_eta = -(y - mu) * mu / (q * q);
    [ll, d_eta, dd_eta, d_a, dd_a, d_a_eta]
}

/// The negative binomial (NB2) by Newton's method on (β, ln α) from the Poisson estimates, then
/// reported in α.
pub fn negbin(d: &Design, control: Control) -> Result<Fit, EstimateError> {
    let (n, k) = (d.n(), d.k());
    // The design is already checked (counts, no absorbed effects): the Poisson solver itself.
    let pois = super::irls::irls(d, Model::Poisson, Control::default())?;
    // Moment estimate of α from the Poisson fit.
    let (num, den) = d.y.iter().zip(&pois.mu).fold((0.0, 0.0), |(a, b), (y, m)| (a + (y - m).powi(2) - y, b + m * m));
    let alpha0 = (num / den).clamp(0.01, 100.0);
    let p = k + 1;
    // In ln α when `log_alpha`, else in α.
    let eval = |theta: &[f64], log_alpha: bool, with_scores: bool| -> Option<Eval> {
        let a = if log_alpha { theta[k].exp() } else { theta[k] };
        if !(a > 0.0 && a.is_finite()) {
            return None;
        }
        let (mut ll, mut grad, mut hess) = (0.0, vec![0.0; p], vec![0.0; p * p]);
        let mut scores = if with_scores { vec![0.0; n * p] } else { Vec::new() };
        let (mut g_a, mut h_aa) = (0.0, 0.0);
        for i in 0..n {
            let x = d.row(i);
            let eta: f64 = x.iter().zip(theta).map(|(x, b)| x * b).sum();
            let [l, de, dde, da, dda, dae] = nb2(d.y[i], eta.exp(), a);
            ll += l;
            g_a += da;
            h_aa += dda;
            for j in 0..k {
                grad[j] += x[j] * de;
                hess[j * p + k] += x[j] * dae;
            }
            add_outer(&mut hess, p, x, dde);
            if with_scores {
                let s = &mut scores[i * p..(i + 1) * p];
                s[..k].iter_mut().zip(x).for_each(|(s, x)| *s = x * de);
                s[k] = da;
            }
        }
        // Chain rule to ln α: ∂/∂lnα = α ∂/∂α, ∂²/∂lnα² = α² ∂²/∂α² + α ∂/∂α.
        let c = if log_alpha { a } else { 1.0 };
        grad[k] = c * g_a;
        hess[k * p + k] = c * c * h_aa + if log_alpha { a * g_a } else { 0.0 };
        for j in 0..k {
            hess[j * p + k] *= c;
            hess[k * p + j] = hess[j * p + k];
        }
        Some(Eval { loglik: ll, grad, hess, scores })
    };
    let start: Vec<f64> = pois.beta.iter().copied().chain([alpha0.ln()]).collect();
    let (mut theta, iterations, converged) = newton(start, control, |t, s| eval(t, true, s))?;
    theta[k] = theta[k].exp();
    let e = eval(&theta, false, true).ok_or(EstimateError::Singular)?;
    let eta = index(d, &theta[..k]);
    let mu = eta.iter().map(|e| e.exp()).collect();
    let names = d.terms.iter().cloned().chain(["alpha".to_string()]).collect();
    finish(d, Model::NegBin, names, theta, e, eta, mu, (iterations, converged))
}

/// The logistic density and its derivative at t (0 at ±∞).
fn logistic(t: f64) -> (f64, f64, f64) {
    if t.is_infinite() {
        return (if t > 0.0 { 1.0 } else { 0.0 }, 0.0, 0.0);
    }
    let cdf = 1.0 / (1.0 + (-t).exp());
    let pdf = cdf * (1.0 - cdf);
    (cdf, pdf, pdf * (1.0 - 2.0 * cdf))
}

/// A level as a cutpoint name shows it: `2`, not `2.0`.
fn level_name(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// The outcome's levels, ascending, and each row's level index; an outcome with one level is
/// refused (`why`: what there is then nothing of).
fn categories(d: &Design, why: &str) -> Result<(Vec<f64>, Vec<usize>), EstimateError> {
    let mut levels: Vec<f64> = d.y.clone();
    levels.sort_by(f64::total_cmp);
    levels.dedup();
    if levels.len() < 2 {
        return Err(EstimateError::Unsupported { what: format!("the outcome `{}` takes one value: {why}", d.outcome) });
    }
    let cat = d.y.iter().map(|y| levels.partition_point(|l| l < y)).collect();
    Ok((levels, cat))
}

/// The ordered logit by Newton's method on (β, κ), from β = 0 and the cumulative shares.
pub fn ologit(d: &Design, control: Control) -> Result<Fit, EstimateError> {
    let (n, k) = (d.n(), d.k());
    let (levels, cat) = categories(d, "nothing to order")?;
    let m = levels.len() - 1;
    let p = k + m;
    let eval = |theta: &[f64], with_scores: bool| -> Option<Eval> {
        let kappa = &theta[k..];
        if kappa.windows(2).any(|w| w[1] <= w[0]) {
            return None;
        }
        let (mut ll, mut grad, mut hess) = (0.0, vec![0.0; p], vec![0.0; p * p]);
        let mut scores = if with_scores { vec![0.0; n * p] } else { Vec::new() };
        for i in 0..n {
            let x = d.row(i);
            let eta: f64 = x.iter().zip(theta).map(|(x, b)| x * b).sum();
            let j = cat[i];
            // Upper cutpoint κ_j (index k + j) and lower κ_{j−1} (index k + j − 1).
            let upper = if j < m { kappa[j] - eta } else { f64::INFINITY };
            let lower = if j > 0 { kappa[j - 1] - eta } else { f64::NEG_INFINITY };
            let ((fu, a, a1), (fl, b, b1)) = (logistic(upper), logistic(lower));
            let prob = fu - fl;
            if prob <= 0.0 {
                return None;
            }
            ll += prob.ln();
            let d_eta = -(a - b) / prob;
            let dd_eta = (a1 - b1) / prob - (a - b).powi(2) / (prob * prob);
            for (g, x) in grad.iter_mut().zip(x) {
                *g += x * d_eta;
            }
            add_outer(&mut hess, p, x, dd_eta);
            // Cutpoint terms: ∂ℓ/∂κ_j = A/p, ∂ℓ/∂κ_{j−1} = −B/p.
            let mut cut: Vec<(usize, f64, f64, f64)> = Vec::with_capacity(2);
            if j < m {
                // (index, ∂ℓ/∂κ, ∂²ℓ/∂κ², ∂²ℓ/∂κ∂η)
                cut.push((k + j, a / prob, a1 / prob - a * a / (prob * prob), -a1 / prob + a * (a - b) / (prob * prob)));
            }
            if j > 0 {
                cut.push((k + j - 1, -b / prob, -b1 / prob - b * b / (prob * prob), b1 / prob - b * (a - b) / (prob * prob)));
            }
            for &(c, g, h, he) in &cut {
                grad[c] += g;
                hess[c * p + c] += h;
                for (t, x) in x.iter().enumerate() {
                    hess[c * p + t] += he * x;
                    hess[t * p + c] += he * x;
                }
            }
            if cut.len() == 2 {
                let cross = a * b / (prob * prob);
                hess[cut[0].0 * p + cut[1].0] += cross;
                hess[cut[1].0 * p + cut[0].0] += cross;
            }
            if with_scores {
                let s = &mut scores[i * p..(i + 1) * p];
                s[..k].iter_mut().zip(x).for_each(|(s, x)| *s = x * d_eta);
                for &(c, g, _, _) in &cut {
                    s[c] = g;
                }
            }
        }
        Some(Eval { loglik: ll, grad, hess, scores })
    };
    let mut start = vec![0.0; p];
    for j in 0..m {
        let share = cat.iter().filter(|&&c| c <= j).count() as f64 / n as f64;
        start[k + j] = (share / (1.0 - share)).ln();
    }
    let (theta, iterations, converged) = newton(start, control, eval)?;
    let e = eval(&theta, true).ok_or(EstimateError::Singular)?;
    let eta = index(d, &theta[..k]);
    // The fitted mean: the expected category index is of little use; report P(highest level).
    let mu = eta.iter().map(|e| 1.0 - logistic(theta[k + m - 1] - e).0).collect();
    let names = d.terms.iter().cloned().chain((0..m).map(|j| format!("{}|{}", level_name(levels[j]), level_name(levels[j + 1])))).collect();
    finish(d, Model::OLogit, names, theta, e, eta, mu, (iterations, converged))
}

/// The multinomial logit by Newton's method from β = 0: P(y = j | x) = exp(xβ_j) / Σ_l exp(xβ_l)
/// with β of the lowest level fixed at 0. Parameters are ordered level by level (every term of
/// the second level, then of the third, ...), named `level:term`.
pub fn mlogit(d: &Design, control: Control) -> Result<Fit, EstimateError> {
    let (n, k) = (d.n(), d.k());
    let (levels, cat) = categories(d, "no choice to model")?;
    let m = levels.len() - 1;
    let p = k * m;
    // Probabilities of levels 1..=m (the base's is the rest), from the indices, overflow-safe.
    let probs = |theta: &[f64], x: &[f64]| -> Vec<f64> {
        let eta: Vec<f64> = (0..m).map(|j| x.iter().zip(&theta[j * k..(j + 1) * k]).map(|(x, b)| x * b).sum()).collect();
        let top = eta.iter().copied().fold(0.0_f64, f64::max);
        let base = (-top).exp();
        let e: Vec<f64> = eta.iter().map(|v| (v - top).exp()).collect();
        let total = base + e.iter().sum::<f64>();
        e.iter().map(|v| v / total).collect()
    };
    let eval = |theta: &[f64], with_scores: bool| -> Option<Eval> {
        let (mut ll, mut grad, mut hess) = (0.0, vec![0.0; p], vec![0.0; p * p]);
        let mut scores = if with_scores { vec![0.0; n * p] } else { Vec::new() };
        for i in 0..n {
            let x = d.row(i);
            let pr = probs(theta, x);
            let own = if cat[i] == 0 { 1.0 - pr.iter().sum::<f64>() } else { pr[cat[i] - 1] };
            if own <= 0.0 {
                return None;
            }
            ll += own.ln();
            for j in 0..m {
                let resid = f64::from(u8::from(cat[i] == j + 1)) - pr[j];
                for (t, xt) in x.iter().enumerate() {
                    grad[j * k + t] += xt * resid;
                    if with_scores {
                        scores[i * p + j * k + t] = xt * resid;
                    }
                }
                for l in 0..m {
                    let w = pr[j] * (f64::from(u8::from(j == l)) - pr[l]);
                    for (a, xa) in x.iter().enumerate() {
                        let row = (j * k + a) * p + l * k;
                        for (b, xb) in x.iter().enumerate() {
                            hess[row + b] -= w * xa * xb;
                        }
                    }
                }
            }
        }
        Some(Eval { loglik: ll, grad, hess, scores })
    };
    let (theta, iterations, converged) = newton(vec![0.0; p], control, eval)?;
    let e = eval(&theta, true).ok_or(EstimateError::Singular)?;
    // The index and mean of the observed level (a single index does not describe the model).
    let mut eta = Vec::with_capacity(n);
    let mut mu = Vec::with_capacity(n);
    for i in 0..n {
        let pr = probs(&theta, d.row(i));
        let own = if cat[i] == 0 { 1.0 - pr.iter().sum::<f64>() } else { pr[cat[i] - 1] };
        eta.push(if cat[i] == 0 { 0.0 } else { d.row(i).iter().zip(&theta[(cat[i] - 1) * k..cat[i] * k]).map(|(x, b)| x * b).sum() });
        mu.push(own);
    }
    let names = (1..=m).flat_map(|j| d.terms.iter().map(|t| format!("{}:{t}", level_name(levels[j]))).collect::<Vec<_>>()).collect();
    finish(d, Model::MLogit, names, theta, e, eta, mu, (iterations, converged))
}
