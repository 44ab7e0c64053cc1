//! Linear algebra shared by the solvers, the design and the variances: weighted cross-products
//! through faer, the inverse of a positive definite matrix, the linear predictor.

use super::error::EstimateError;
use faer::linalg::matmul::matmul;
use faer::linalg::solvers::DenseSolveCore;
use faer::{Accum, Mat, MatRef, Par, Side};

/// (X'WX) and X'Wz (z may be empty: zeros) over the rows of a row-major `n × k` matrix: blocks of rows scaled by √w go
/// through faer's matrix product; two threads take half the rows each on large designs (a fixed
/// split, so the sums are the same on every run).
pub fn cross(x: &[f64], k: usize, w: &[f64], z: &[f64]) -> (Mat<f64>, Vec<f64>) {
    const BLOCK: usize = 4096;
    let n = w.len();
    let part = |lo: usize, hi: usize| {
        let mut acc = Mat::<f64>::zeros(k, k);
        let mut xtwz = vec![0.0; k];
        let mut buf = vec![0.0; BLOCK * k];
        let mut start = lo;
        while start < hi {
            let end = (start + BLOCK).min(hi);
            for i in start..end {
                let (row, wi) = (&x[i * k..(i + 1) * k], w[i]);
                let (sw, wz) = (wi.sqrt(), wi * z.get(i).copied().unwrap_or(0.0));
                let dst = &mut buf[(i - start) * k..(i - start + 1) * k];
                for ((d, xj), t) in dst.iter_mut().zip(row).zip(xtwz.iter_mut()) {
                    *d = xj * sw;
                    *t += xj * wz;
                }
            }
            let m = MatRef::from_row_major_slice(&buf[..(end - start) * k], end - start, k);
            matmul(&mut acc, Accum::Add, m.transpose(), m, 1.0, Par::Seq);
            clear_upper_registers();
            start = end;
        }
        (acc, xtwz)
    };
    if n < 200_000 || k == 0 {
        return part(0, n);
    }
    let (a, b) = super::split::join(|| part(0, n / 2), || part(n / 2, n));
    (a.0 + b.0, a.1.iter().zip(&b.1).map(|(x, y)| x + y).collect())
}

/// The inverse of a symmetric positive definite matrix.
pub fn inverse(m: &Mat<f64>) -> Result<Mat<f64>, EstimateError> {
    Ok(m.llt(Side::Lower).map_err(|_| EstimateError::Singular)?.inverse())
}

pub(super) fn linear_predictor(x: &[f64], k: usize, beta: &[f64]) -> Vec<f64> {
    if k == 0 {
        return vec![0.0; x.len()];
    }
    x.chunks(k).map(|r| r.iter().zip(beta).map(|(x, b)| x * b).sum()).collect()
}

/// faer's AVX kernels return with the upper halves of the vector registers in use, and the
/// exponentials and logarithms that follow them then run many times slower (measured: 300 ns a
/// row against 16); clearing them (`vzeroupper`) restores the speed.
#[inline]
pub(super) fn clear_upper_registers() {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: AVX is present (checked above), and the instruction only zeroes the upper
        // halves of the vector registers, where no value of this code lives between calls.
        unsafe { zero_upper() }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
unsafe fn zero_upper() {
    std::arch::x86_64::_mm256_zeroupper();
}
