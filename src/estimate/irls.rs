//! Iteratively reweighted least squares for the single-index models (linear, logit, probit,
//! Poisson), absorbing fixed effects as fixest does. Without fixed effects each step is one sweep
//! over the design: the index xβ, the working values and X'WX together.

use super::design::Design;
use super::error::EstimateError;
use super::linalg::{clear_upper_registers, cross, inverse, linear_predictor};
use super::model::{loglik, observed, working, Control, Fit, Model, Scores};
use super::{absorb, split};
use faer::linalg::matmul::matmul;
use faer::{Accum, Mat, MatRef, Par};
use statrs::distribution::{ContinuousCDF, Normal};

/// What one evaluation at the current index gives IRLS: the log-likelihood there, and, without
/// fixed effects, the next step's X'WX and X'Wz (with them, the working values in `z` and `w`).
struct Evaluation {
    loglik: f64,
    sums: Option<(Mat<f64>, Vec<f64>)>,
}

/// Iteratively reweighted least squares for the single-index models, absorbing fixed effects.
pub(super) fn irls(d: &Design, model: Model, control: Control) -> Result<Fit, EstimateError> {
    let (n, k) = (d.n(), d.k());
    let absorbing = !d.fe.is_empty();
    let (mut z, mut w) = if absorbing { (vec![0.0; n], vec![0.0; n]) } else { (Vec::new(), Vec::new()) };
    // The log-likelihood at η (first computed as xβ when `beta` is given) and what the next step
    // needs. Without fixed effects that is one sweep over the rows, reading the design once.
    let evaluate = |beta: Option<&[f64]>, eta: &mut [f64], z: &mut [f64], w: &mut [f64]| -> Evaluation {
        if absorbing {
            return Evaluation { loglik: working_pass(model, &d.y, beta.map(|b| (d.x.as_slice(), k, b)), eta, z, w), sums: None };
        }
        let (loglik, xtwx, xtwz) = sweep(model, &d.x, k, &d.y, beta, eta);
        Evaluation { loglik, sums: Some((xtwx, xtwz)) }
    };
    // The weighted regression of z on X, within fixed-effect groups when there are any: the
    // coefficients, and with fixed effects the fitted index z − residual (without them the index
    // xβ is left to the next sweep).
    // With fixed effects, the [z X] matrix demeaned each step lives in one buffer for the whole
    // fit (fresh pages for 1.5 million rows cost as much as the arithmetic).
    let mut m: Vec<f64> = Vec::new();
    let mut step = |e: &Evaluation, w: &[f64], z: &[f64]| -> Result<(Vec<f64>, Option<Vec<f64>>), EstimateError> {
        if let Some((xtwx, xtwz)) = &e.sums {
            let inv = inverse(xtwx)?;
            return Ok(((0..k).map(|a| (0..k).map(|b| inv[(a, b)] * xtwz[b]).sum()).collect(), None));
        }
        let c = k + 1;
        m.resize(n * c, 0.0);
        if let [g] = d.fe.as_slice() {
            absorb::demeaned_into(g, w, Some(z), &d.x, k, &mut m);
        } else {
            split::fill_halves(&mut m, c, |rows, lo| {
                for (j, row) in rows.chunks_mut(c).enumerate() {
                    row[0] = z[lo + j];
                    row[1..].copy_from_slice(d.row(lo + j));
                }
            });
            absorb::demean(&d.fe, w, &mut m, c);
        }
        // One product gives X̃'WX̃ (the lower-right block) and X̃'Wz̃ (the first column).
        let (all, _) = cross(&m, c, w, &[]);
        let inv = inverse(&Mat::from_fn(k, k, |a, b| all[(a + 1, b + 1)]))?;
        let beta: Vec<f64> = (0..k).map(|a| (0..k).map(|b| inv[(a, b)] * all[(b + 1, 0)]).sum()).collect();
        let mut eta = vec![0.0; n];
        split::fill_halves(&mut eta, 1, |out, lo| {
            for (j, e) in out.iter_mut().enumerate() {
                let row = &m[(lo + j) * c..(lo + j + 1) * c];
                let fitted: f64 = row[1..].iter().zip(&beta).map(|(x, b)| x * b).sum();
                *e = z[lo + j] - (row[0] - fitted);
            }
        });
        Ok((beta, Some(eta)))
    };
    let (mut beta, mut eta, mut iterations, mut converged);
    // X'WX at the estimates, when the last evaluation left it at the weights the bread needs.
    let mut information: Option<Mat<f64>> = None;
    if model == Model::Gaussian {
        let sums = (!absorbing).then(|| cross(&d.x, k, &vec![1.0; n], &d.y));
        let (b, e) = step(&Evaluation { loglik: 0.0, sums }, &vec![1.0; n], &d.y)?;
        eta = e.unwrap_or_else(|| linear_predictor(&d.x, k, &b));
        beta = b;
        (iterations, converged) = (1, true);
    } else {
        // Start at the intercept-only fit (the mean outcome): a rare outcome is then a few
        // Newton steps from the optimum rather than a dozen, every weight is positive, and the
        // deviance only falls from there, so a step that raises it is an overshoot.
        let ybar = d.y.iter().sum::<f64>() / n as f64;
        let share = ybar.clamp(1e-6, 1.0 - 1e-6);
        let start = match model {
            Model::Poisson => ybar.max(1e-6).ln(),
            Model::Probit => Normal::standard().inverse_cdf(share),
            _ => (share / (1.0 - share)).ln(),
        };
        eta = vec![start; n];
        beta = vec![0.0; k];
        let mut dev_old = f64::INFINITY;
        let mut moved = f64::INFINITY;
        (iterations, converged) = (0, false);
        // Newton's steps (canonical links) square the error each time: a last move below 1e-7
        // leaves the estimates exact to far below it. Fisher's (probit) only shrink it.
        let settled = if matches!(model, Model::Logit | Model::Poisson) { 1e-7 } else { 1e-9 };
        let mut last: Option<(Vec<f64>, Vec<f64>)> = None;
        // The previous index's buffer, reused for the next one.
        let mut spare = vec![0.0; n];
        let mut at = evaluate(None, &mut eta, &mut z, &mut w);
        loop {
            let mut dev = -2.0 * at.loglik;
            // A step that raises the deviance materially (not by rounding) overshot: halve it
            // (as glm() does), back towards the last estimates, until it does not.
            let mut halvings = 0;
            while let Some((b0, e0)) =
                last.as_ref().filter(|_| (dev.is_nan() || dev > dev_old + 1e-9 * (dev_old.abs() + 0.1)) && halvings < 30)
            {
                halvings += 1;
                beta.iter_mut().zip(b0).for_each(|(b, o)| *b = 0.5 * (*b + o));
                eta.iter_mut().zip(e0).for_each(|(e, o)| *e = 0.5 * (*e + o));
                at = evaluate(None, &mut eta, &mut z, &mut w);
                dev = -2.0 * at.loglik;
                moved = b0.iter().zip(&beta).map(|(a, b)| (a - b).abs() / (b.abs() + 0.1)).fold(0.0, f64::max);
            }
            // The deviance settles before the estimates do where the steps are not Newton's
            // (probit): both must.
            if (dev - dev_old).abs() <= control.tol * (dev.abs() + 0.1) && moved < settled {
                converged = true;
                break;
            }
            if iterations == control.max_iter {
                break;
            }
            dev_old = dev;
            iterations += 1;
            let (b, e) = step(&at, &w, &z)?;
            moved = beta.iter().zip(&b).map(|(a, b)| (a - b).abs() / (b.abs() + 0.1)).fold(0.0, f64::max);
            // Without fixed effects the next index is written over the one before last.
            let fresh = e.unwrap_or_else(|| std::mem::take(&mut spare));
            let old = (std::mem::replace(&mut beta, b), std::mem::replace(&mut eta, fresh));
            spare = last.replace(old).map_or_else(|| vec![0.0; n], |(_, e0)| e0);
            at = evaluate((!absorbing).then_some(beta.as_slice()), &mut eta, &mut z, &mut w);
        }
        // With a canonical link the expected information is the observed one: the last sweep's
        // X'WX, at the estimates, is the bread's inverse.
        if matches!(model, Model::Logit | Model::Poisson) {
            information = at.sums.map(|s| s.0);
        }
    }
    // The step's buffer is freed before the demeaned design below takes its place.
    drop(m);
    // Scores and bread at the estimates, of the demeaned design with absorbed fixed effects.
    let PerRow { mu, resid, weights, u, info } = per_row(model, &d.y, &eta);
    let demeaned = absorbing.then(|| match d.fe.as_slice() {
        [g] => {
            let mut xt = vec![0.0; n * k];
            absorb::demeaned_into(g, &info, None, &d.x, k, &mut xt);
            xt
        }
        _ => {
            let mut xt = d.x.clone();
            absorb::demean(&d.fe, &info, &mut xt, k);
            xt
        }
    });
    let x = demeaned.as_deref().unwrap_or(&d.x);
    let bread = inverse(&match information {
        Some(m) => m,
        None => cross(x, k, &info, &[]).0,
    })?;
    let scores = Scores::Index { u, demeaned };
    let loglik = loglik(model, &d.y, &eta);
    Ok(Fit {
        model,
        names: d.terms.clone(),
        beta,
        k,
        eta,
        mu,
        weights,
        resid,
        scores,
        bread,
        variance_factor: 1.0,
        loglik,
        dof_absorbed: absorb::dof(&d.fe),
        fe_groups_dropped: Vec::new(),
        iterations,
        converged,
    })
}

/// The per-observation quantities of a fit at η.
struct PerRow {
    mu: Vec<f64>,
    resid: Vec<f64>,
    weights: Vec<f64>,
    u: Vec<f64>,
    info: Vec<f64>,
}

/// Means, residuals, working weights, scores ∂ℓ/∂η and observed information at η, on two
/// threads for large samples; one exponential a row for the canonical links.
fn per_row(model: Model, y: &[f64], eta: &[f64]) -> PerRow {
    let n = y.len();
    let mut out = PerRow { mu: vec![0.0; n], resid: vec![0.0; n], weights: vec![0.0; n], u: vec![0.0; n], info: vec![0.0; n] };
    let fill = |y: &[f64], eta: &[f64], mu: &mut [f64], resid: &mut [f64], weights: &mut [f64], u: &mut [f64], info: &mut [f64]| {
        for i in 0..y.len() {
            let (yi, e) = (y[i], eta[i]);
            if matches!(model, Model::Logit | Model::Poisson | Model::Gaussian) {
                let m = model.mean(e);
                let var = match model {
                    Model::Logit => m * (1.0 - m),
                    Model::Poisson => m,
                    _ => 1.0,
                };
                (mu[i], resid[i], u[i]) = (m, yi - m, yi - m);
                (weights[i], info[i]) = (var.max(1e-300), var);
            } else {
                mu[i] = model.mean(e);
                resid[i] = yi - mu[i];
                weights[i] = working(model, yi, e).1;
                (u[i], info[i]) = observed(model, yi, e);
            }
        }
    };
    let h = if n < 200_000 { n } else { n / 2 };
    let PerRow { mu, resid, weights, u, info } = &mut out;
    let (mu1, mu2) = mu.split_at_mut(h);
    let (r1, r2) = resid.split_at_mut(h);
    let (w1, w2) = weights.split_at_mut(h);
    let (u1, u2) = u.split_at_mut(h);
    let (i1, i2) = info.split_at_mut(h);
    split::join(|| fill(&y[..h], &eta[..h], mu1, r1, w1, u1, i1), || fill(&y[h..], &eta[h..], mu2, r2, w2, u2, i2));
    out
}

/// The log-likelihood, working response z and weight w of one observation at η = `e`.
#[inline]
fn row_working(model: Model, y: f64, e: f64) -> (f64, f64, f64) {
    if model == Model::Logit {
        // One exponential: a = e^−|η| gives μ and log(1 + e^η) = max(η, 0) + log(1 + a).
        let a = (-e.abs()).exp();
        let mu = if e >= 0.0 { 1.0 / (1.0 + a) } else { a / (1.0 + a) };
        let ll = y * e - (e.max(0.0) + a.ln_1p());
        let v = (mu * (1.0 - mu)).max(1e-300);
        (ll, e + (y - mu) / v, v)
    } else {
        let (z, w) = working(model, y, e);
        (loglik(model, &[y], &[e]), z, w)
    }
}

/// η = xβ for a block of rows (row-major, k columns), four rows at a time so their sums proceed
/// side by side (each row's terms still added in column order).
fn index_into(rows: &[f64], k: usize, beta: &[f64], eta: &mut [f64]) {
    for (q, es) in eta.chunks_mut(4).enumerate() {
        let mut sums = [0.0; 4];
        for (j, b) in beta.iter().enumerate() {
            for (t, s) in sums.iter_mut().enumerate().take(es.len()) {
                *s += rows[(4 * q + t) * k + j] * b;
            }
        }
        es.copy_from_slice(&sums[..es.len()]);
    }
}

/// √w and w·z of the IRLS step for a block of rows at η, into `sw` and `wz`; returns the block's
/// log-likelihood.
fn block_working(model: Model, y: &[f64], eta: &[f64], sw: &mut [f64], wz: &mut [f64]) -> f64 {
    if model != Model::Logit {
        let mut ll = 0.0;
        for (i, (yi, e)) in y.iter().zip(eta).enumerate() {
            let (l, z, w) = row_working(model, *yi, *e);
            ll += l;
            (sw[i], wz[i]) = (w.sqrt(), w * z);
        }
        return ll;
    }
    // With h = e^(−|η|/2): a = h² = e^(−|η|), r = 1/(1 + a), μ = r (η ≥ 0) or a·r, w = μ(1 − μ) =
    // a·r², √w = h·r and w·z = w·η + y − μ: one exponential and one division a row. The
    // log(1 + a) of the likelihood is taken of running products (each factor in (1, 2], so 64
    // of them stay finite): one logarithm per 64 rows.
    let (mut ll, mut product) = (0.0, 1.0);
    for (i, (yi, &e)) in y.iter().zip(eta).enumerate() {
        let h = (-0.5 * e.abs()).exp();
        let a = h * h;
        let r = 1.0 / (1.0 + a);
        let mu = if e >= 0.0 { r } else { a * r };
        let w = a * r * r;
        (sw[i], wz[i]) = if w > 1e-300 { (h * r, w * e + (yi - mu)) } else { (1e-150, 1e-300 * e + (yi - mu)) };
        ll += yi * e - e.max(0.0);
        product *= 1.0 + a;
        if i % 64 == 63 {
            ll -= product.ln();
            product = 1.0;
        }
    }
    ll - product.ln()
}

/// One sweep over the rows of a row-major `n × k` design at the index η (first computed as xβ
/// when `beta` is given, and written into `eta`): the log-likelihood there, and the next IRLS
/// step's X'WX and X'Wz — the design read once. Blocks of rows, scaled by √w while they are in
/// cache, go through faer's matrix product; two threads take half the rows each on large designs
/// (a fixed split, so the sums are the same on every run).
fn sweep(model: Model, x: &[f64], k: usize, y: &[f64], beta: Option<&[f64]>, eta: &mut [f64]) -> (f64, Mat<f64>, Vec<f64>) {
    const BLOCK: usize = 1024;
    let part = |from: usize, y: &[f64], eta: &mut [f64]| {
        let mut acc = Mat::<f64>::zeros(k, k);
        let mut xtwz = vec![0.0; k];
        let mut ll = 0.0;
        let mut buf = vec![0.0; BLOCK * k];
        let (mut sw, mut wz) = (vec![0.0; BLOCK], vec![0.0; BLOCK]);
        for (b, (ys, es)) in y.chunks(BLOCK).zip(eta.chunks_mut(BLOCK)).enumerate() {
            let rows = &x[(from + b * BLOCK) * k..(from + b * BLOCK + ys.len()) * k];
            if let Some(beta) = beta {
                index_into(rows, k, beta, es);
            }
            ll += block_working(model, ys, es, &mut sw, &mut wz);
            for (r, row) in rows.chunks_exact(k.max(1)).enumerate() {
                for ((d, xj), t) in buf[r * k..(r + 1) * k].iter_mut().zip(row).zip(xtwz.iter_mut()) {
                    *d = xj * sw[r];
                    *t += xj * wz[r];
                }
            }
            let m = MatRef::from_row_major_slice(&buf[..ys.len() * k], ys.len(), k);
            matmul(&mut acc, Accum::Add, m.transpose(), m, 1.0, Par::Seq);
            clear_upper_registers();
        }
        (ll, acc, xtwz)
    };
    let n = y.len();
    if n < 200_000 || k == 0 {
        return part(0, y, eta);
    }
    let h = n / 2;
    let (e1, e2) = eta.split_at_mut(h);
    let (a, b) = split::join(|| part(0, &y[..h], e1), || part(h, &y[h..], e2));
    (a.0 + b.0, a.1 + b.1, a.2.iter().zip(&b.2).map(|(x, y)| x + y).collect())
}

/// The log-likelihood at η, with the working response and weight of each row written into `z`
/// and `w`; η is first computed as xβ when `index` gives x (row-major, k columns) and β. One
/// pass (two threads on large designs).
fn working_pass(model: Model, y: &[f64], index: Option<(&[f64], usize, &[f64])>, eta: &mut [f64], z: &mut [f64], w: &mut [f64]) -> f64 {
    let pass = |from: usize, y: &[f64], eta: &mut [f64], z: &mut [f64], w: &mut [f64]| -> f64 {
        let mut ll = 0.0;
        // The logit's log(1 + e^−|η|) terms as one logarithm of their product every 64 rows (as
        // `block_working` does): the log-likelihood only steers the iterations here, the fit's own
        // is computed at the end.
        let mut product = 1.0;
        for i in 0..y.len() {
            if let Some((x, k, beta)) = index {
                let row = &x[(from + i) * k..(from + i + 1) * k];
                eta[i] = row.iter().zip(beta).map(|(x, b)| x * b).sum();
            }
            if model == Model::Logit {
                let (yi, e) = (y[i], eta[i]);
                let a = (-e.abs()).exp();
                let mu = if e >= 0.0 { 1.0 / (1.0 + a) } else { a / (1.0 + a) };
                let v = (mu * (1.0 - mu)).max(1e-300);
                (z[i], w[i]) = (e + (yi - mu) / v, v);
                ll += yi * e - e.max(0.0);
                product *= 1.0 + a;
                if i % 64 == 63 {
                    ll -= product.ln();
                    product = 1.0;
                }
                continue;
            }
            let l;
            (l, z[i], w[i]) = row_working(model, y[i], eta[i]);
            ll += l;
        }
        ll - product.ln()
    };
    let n = y.len();
    if n < 200_000 {
        return pass(0, y, eta, z, w);
    }
    let h = n / 2;
    let (z1, z2) = z.split_at_mut(h);
    let (w1, w2) = w.split_at_mut(h);
    let (e1, e2) = eta.split_at_mut(h);
    let (first, second) = split::join(|| pass(0, &y[..h], e1, z1, w1), || pass(h, &y[h..], e2, z2, w2));
    first + second
}
