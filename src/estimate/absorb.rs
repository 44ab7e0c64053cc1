//! Absorbed fixed effects, as fixest and reghdfe absorb them: columns are demeaned within the
//! groups of every fixed effect (weighted, by alternating projections) instead of adding a dummy
//! per group; by Frisch–Waugh–Lovell the slopes are the dummy-variable estimates.

use super::design::Design;

/// Weighted sums of each group: one pass over the rows.
fn group_weights(g: &[u32], w: &[f64], levels: usize) -> Vec<f64> {
    let mut s = vec![0.0; levels];
    for (gi, wi) in g.iter().zip(w) {
        s[*gi as usize] += wi;
    }
    s
}

/// Levels of each fixed effect (groups are numbered 0..levels).
pub fn levels(fe: &[Vec<u32>]) -> Vec<usize> {
    fe.iter().map(|g| g.iter().max().map_or(0, |m| *m as usize + 1)).collect()
}

/// X̃'X̃ (row-major `k × k`) of a row-major `n × k` matrix demeaned within the groups `g` of one
/// fixed effect, without a copy of the matrix: the group means in one pass, the centred cross
/// products in a second, each half of the rows on its own thread (the halves then added: the
/// same numbers on every run).
pub fn within_cross(g: &[u32], x: &[f64], k: usize) -> Vec<f64> {
    let n = g.len();
    let l = g.iter().max().map_or(0, |m| *m as usize + 1);
    let (mut means, mut count) = (vec![0.0; l * k], vec![0.0; l]);
    for (i, &gi) in g.iter().enumerate() {
        let gi = gi as usize;
        count[gi] += 1.0;
        for (m, v) in means[gi * k..(gi + 1) * k].iter_mut().zip(&x[i * k..(i + 1) * k]) {
            *m += v;
        }
    }
    for (gi, &c) in count.iter().enumerate() {
        means[gi * k..(gi + 1) * k].iter_mut().for_each(|m| *m /= f64::max(c, 1.0));
    }
    let part = |rows: std::ops::Range<usize>| {
        let (mut c, mut r) = (vec![0.0; k * k], vec![0.0; k]);
        for i in rows {
            let gi = g[i] as usize;
            for ((rj, xj), mj) in r.iter_mut().zip(&x[i * k..(i + 1) * k]).zip(&means[gi * k..(gi + 1) * k]) {
                *rj = xj - mj;
            }
            for a in 0..k {
                let ra = r[a];
                for (cb, rb) in c[a * k + a..(a + 1) * k].iter_mut().zip(&r[a..]) {
                    *cb += ra * rb;
                }
            }
        }
        c
    };
    let mut c = super::split::sum_halves(n, part);
    for a in 0..k {
        for b in 0..a {
            c[a * k + b] = c[b * k + a];
        }
    }
    c
}

/// As [`demean`] with one fixed effect, reading the columns from `z` (when given, the first) and
/// `x` (row-major `n × k`) and writing the demeaned `[z x]` into `m`: the copy and the demeaning
/// in one pass fewer, the same sums in the same order, so the same numbers.
pub fn demeaned_into(g: &[u32], w: &[f64], z: Option<&[f64]>, x: &[f64], k: usize, m: &mut [f64]) {
    let n = w.len();
    let off = usize::from(z.is_some());
    let c = k + off;
    let l = g.iter().max().map_or(0, |m| *m as usize + 1);
    let ws = group_weights(g, w, l);
    let partial = |rows: std::ops::Range<usize>| {
        let mut sums = vec![0.0; l * c];
        for i in rows {
            let wi = w[i];
            let s = &mut sums[g[i] as usize * c..(g[i] as usize + 1) * c];
            if let Some(z) = z {
                s[0] += wi * z[i];
            }
            for (sj, xj) in s[off..].iter_mut().zip(&x[i * k..(i + 1) * k]) {
                *sj += wi * xj;
            }
        }
        sums
    };
    let mut sums = super::split::sum_halves(n, partial);
    for (gi, s) in sums.chunks_mut(c).enumerate() {
        for sj in s.iter_mut() {
            *sj /= ws[gi];
        }
    }
    super::split::fill_halves(m, c, |rows, first| {
        for (r, row) in rows.chunks_mut(c.max(1)).enumerate() {
            let i = first + r;
            let s = &sums[g[i] as usize * c..(g[i] as usize + 1) * c];
            if let Some(z) = z {
                row[0] = z[i] - s[0];
            }
            for ((mj, xj), sj) in row[off..].iter_mut().zip(&x[i * k..(i + 1) * k]).zip(&s[off..]) {
                *mj = xj - sj;
            }
        }
    });
}

/// Demeans the columns of a row-major `n × c` matrix within the groups of every fixed effect,
/// with weights `w`. One fixed effect takes one sweep; several alternate until no column moves by
/// more than 1e-13 of its scale (at most 100,000 sweeps). Returns the sweeps used.
pub fn demean(fe: &[Vec<u32>], w: &[f64], m: &mut [f64], c: usize) -> usize {
    let n = w.len();
    let lv = levels(fe);
    let wsum: Vec<Vec<f64>> = fe.iter().zip(&lv).map(|(g, &l)| group_weights(g, w, l)).collect();
    let several = fe.len() > 1;
    let scale: Vec<f64> = if several {
        let total: f64 = w.iter().sum();
        (0..c).map(|j| ((0..n).map(|i| w[i] * m[i * c + j] * m[i * c + j]).sum::<f64>() / total).sqrt().max(1e-300)).collect()
    } else {
        Vec::new()
    };
    let mut sweeps = 0;
    while sweeps < 100_000 {
        sweeps += 1;
        let mut moved = 0.0_f64;
        for ((g, &l), ws) in fe.iter().zip(&lv).zip(&wsum) {
            // Weighted group sums of each half of the rows on its own thread, the halves then
            // added: the same numbers on every run.
            let partial = |rows: std::ops::Range<usize>| {
                let mut sums = vec![0.0; l * c];
                for i in rows {
                    let (row, wi) = (&m[i * c..(i + 1) * c], w[i]);
                    let s = &mut sums[g[i] as usize * c..(g[i] as usize + 1) * c];
                    for (sj, mj) in s.iter_mut().zip(row) {
                        *sj += wi * mj;
                    }
                }
                sums
            };
            let mut sums = super::split::sum_halves(n, partial);
            for (gi, s) in sums.chunks_mut(c).enumerate() {
                for sj in s.iter_mut() {
                    *sj /= ws[gi];
                }
            }
            if several {
                for j in 0..c {
                    moved = moved.max((0..l).map(|gi| sums[gi * c + j].abs()).fold(0.0, f64::max) / scale[j]);
                }
            }
            super::split::fill_halves(m, c, |rows, first| {
                for (row, gi) in rows.chunks_mut(c.max(1)).zip(&g[first..]) {
                    let s = &sums[*gi as usize * c..(*gi as usize + 1) * c];
                    for (mj, sj) in row.iter_mut().zip(s) {
                        *mj -= sj;
                    }
                }
            });
        }
        if !several || moved < 1e-13 {
            break;
        }
    }
    sweeps
}

/// Drops the rows of groups whose outcome never varies where the model cannot use them — every
/// outcome 0 or every outcome 1 for a binary model (`binary`), every outcome 0 for a count model —
/// repeating until no such group is left (dropping in one fixed effect can empty another's).
/// Returns the groups dropped, by fixed effect.
pub fn drop_constant_groups(d: &mut Design, binary: bool) -> Vec<usize> {
    let mut dropped = vec![0; d.fe.len()];
    loop {
        let mut keep = vec![true; d.n()];
        for (f, g) in d.fe.iter().enumerate() {
            let l = levels(std::slice::from_ref(g))[0];
            let (mut lo, mut hi) = (vec![f64::INFINITY; l], vec![f64::NEG_INFINITY; l]);
            for (gi, y) in g.iter().zip(&d.y) {
                lo[*gi as usize] = lo[*gi as usize].min(*y);
                hi[*gi as usize] = hi[*gi as usize].max(*y);
            }
            let useless: Vec<bool> = (0..l).map(|gi| if binary { lo[gi] == hi[gi] } else { hi[gi] == 0.0 }).collect();
            dropped[f] += useless.iter().filter(|&&u| u).count();
            for (k, gi) in keep.iter_mut().zip(g) {
                *k &= !useless[*gi as usize];
            }
        }
        if keep.iter().all(|&k| k) {
            return dropped;
        }
        let why =
            if binary { "fixed-effect group with an outcome that never varies" } else { "fixed-effect group with an outcome always 0" };
        d.retain(&keep, why);
        super::design::renumber(&mut d.fe);
    }
}

/// Degrees of freedom the fixed effects take: the levels of the first, plus for each further
/// fixed effect its levels less one (exact for two fixed effects when their groups connect, as
/// they do in a panel).
pub fn dof(fe: &[Vec<u32>]) -> usize {
    levels(fe).iter().enumerate().map(|(f, l)| if f == 0 { *l } else { l.saturating_sub(1) }).sum()
}
