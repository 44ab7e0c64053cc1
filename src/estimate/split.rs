//! Work split over two threads the same way every time, so sums come out the same on every run.
//! Every two-thread split of the estimator goes through here.

use std::cell::Cell;
use std::ops::Range;

thread_local! {
    /// Whether this thread computes both halves itself.
    static ALONE: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with every split made on this thread computed here, half after half: the same
/// halves summed the same way (so the same numbers), without a second thread, for callers that
/// already keep every core busy (the multiverse's workers).
pub fn on_this_thread<T>(f: impl FnOnce() -> T) -> T {
    let before = ALONE.with(|a| a.replace(true));
    let out = f();
    ALONE.with(|a| a.set(before));
    out
}

/// Runs `a` here and `b` on a second thread (both here inside [`on_this_thread`]), and gives
/// both results (a panic in either is passed on).
pub fn join<A: Send, B: Send>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B) {
    if ALONE.with(Cell::get) {
        let first = a();
        return (first, b());
    }
    std::thread::scope(|s| {
        let h = s.spawn(b);
        let first = a();
        (first, h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
    })
}

/// `part` of the first and of the second half of `0..n`, each on its own thread, added
/// elementwise (first + second).
pub fn sum_halves(n: usize, part: impl Fn(Range<usize>) -> Vec<f64> + Sync) -> Vec<f64> {
    let half = n / 2;
    let (first, second) = join(|| part(0..half), || part(half..n));
    first.iter().zip(&second).map(|(a, b)| a + b).collect()
}

/// Fills a row-major buffer of `width` values a row by halves of its rows on two threads:
/// `fill(rows, first)` gets the rows from `first` on.
pub fn fill_halves(buf: &mut [f64], width: usize, fill: impl Fn(&mut [f64], usize) + Sync) {
    let rows = buf.len().checked_div(width).unwrap_or(0);
    let half = rows / 2;
    let (top, bottom) = buf.split_at_mut(half * width);
    join(|| fill(top, 0), || fill(bottom, half));
}
