//! Lookups by state-year and dyad-year keys, and column extraction. Frames are built by
//! gathering source values through these indexes, so row order never changes and every
//! variable is a pure function of the keys.

use polars::prelude::*;
use polars_arrow::bitmap::{Bitmap, MutableBitmap};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Packs a directed dyad-year into one integer key (COW codes and years are below 2^16).
pub fn dyad_key(c1: i32, c2: i32, year: i32) -> u64 {
    ((c1 as u64 & 0xFFFF) << 32) | ((c2 as u64 & 0xFFFF) << 16) | (year as u64 & 0xFFFF)
}

/// Multiply-shift hasher for integer keys (the keys are not adversarial).
#[derive(Default)]
pub struct IntHasher(u64);

impl Hasher for IntHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0 ^ x).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29);
    }
}

/// A hash map for integer keys.
pub type IntMap<V> = HashMap<u64, V, BuildHasherDefault<IntHasher>>;

/// Dense (ccode, year) → source row.
pub struct StateYearIndex {
    rows: StateYearTable<Option<u32>>,
}

impl StateYearIndex {
    /// Indexes rows by (ccode, year); with duplicate keys the last row wins (sources check
    /// their keys on load).
    pub fn new(ccodes: &[i32], years: &[i32]) -> StateYearIndex {
        let first = years.iter().copied().min().unwrap_or(0);
        let last = years.iter().copied().max().unwrap_or(0);
        let mut rows = StateYearTable::new(first, last);
        for (i, (&c, &y)) in ccodes.iter().zip(years).enumerate() {
            if let Some(slot) = rows.get_mut(c, y) {
                *slot = Some(i as u32);
            }
        }
        StateYearIndex { rows }
    }

    /// The source row of (ccode, year).
    pub fn get(&self, ccode: i32, year: i32) -> Option<usize> {
        self.rows.get(ccode, year).map(|r| r as usize)
    }
}

/// The rows of a frame sorted by (ccode1, ccode2, year). Sparse sources (disputes, alliances,
/// contiguity, distances) are scattered into frame rows through it, so the work is proportional
/// to the source, not to the frame. A row is found through the dyad's run of rows (a small hash
/// map of the ~40,000 dyads, which stays in cache) and a binary search of its few years: a
/// binary search over all 1.8 million rows costs a cache miss a step, and made the minimum
/// distance lookup (a million source rows, both orders) take 1.15 s.
pub struct FrameKeys {
    keys: Vec<u64>,
    years: Vec<i32>,
    runs: IntMap<(u32, u32)>,
    len: usize,
}

impl FrameKeys {
    /// Indexes frame rows; they must be sorted by (ccode1, ccode2, year).
    pub fn new(c1: &[i32], c2: &[i32], year: &[i32]) -> FrameKeys {
        debug_assert!(
            (1..c1.len()).all(|i| dyad_key(c1[i - 1], c2[i - 1], year[i - 1]) < dyad_key(c1[i], c2[i], year[i])),
            "frame rows are not sorted by key"
        );
        let mut runs: IntMap<(u32, u32)> = IntMap::default();
        let mut start = 0;
        for i in 1..=c1.len() {
            if i == c1.len() || c1[i] != c1[start] || c2[i] != c2[start] {
                runs.insert(dyad_key(c1[start], c2[start], 0), (start as u32, i as u32));
                start = i;
            }
        }
        let keys = (0..c1.len()).map(|i| dyad_key(c1[i], c2[i], year[i])).collect();
        FrameKeys { keys, years: year.to_vec(), runs, len: c1.len() }
    }

    /// Calls `f(row, value)` for every (key, value) of `sorted` (sorted by [`dyad_key`]) that is
    /// a frame row, walking both in order: sequential memory, for sources of a million rows.
    pub fn merge<T: Copy>(&self, sorted: &[(u64, T)], mut f: impl FnMut(usize, T)) {
        let mut r = 0;
        for &(k, v) in sorted {
            while r < self.keys.len() && self.keys[r] < k {
                r += 1;
            }
            if r == self.keys.len() {
                break;
            }
            if self.keys[r] == k {
                f(r, v);
            }
        }
    }

    /// Gives every row (a, b, y) with a > b the value of its mirror row (b, a, y): a whole run
    /// of years at a time, since a directed universe holds both orders of a pair in the same
    /// years. For values of non-directed sources, filled in on the a < b rows first.
    pub fn copy_from_mirror<T: Copy>(&self, vals: &mut [T]) {
        let mut runs: Vec<(u64, (u32, u32))> = self.runs.iter().map(|(k, r)| (*k, *r)).collect();
        runs.sort_unstable_by_key(|(k, _)| *k);
        for (key, (s, e)) in runs {
            let (a, b) = ((key >> 32) as i32, ((key >> 16) & 0xFFFF) as i32);
            let Some(&(ms, me)) = (a > b).then(|| self.runs.get(&dyad_key(b, a, 0))).flatten() else { continue };
            let (s, e, ms, me) = (s as usize, e as usize, ms as usize, me as usize);
            if self.years[s..e] == self.years[ms..me] {
                for k in 0..e - s {
                    vals[s + k] = vals[ms + k];
                }
            } else {
                for r in s..e {
                    if let Ok(k) = self.years[ms..me].binary_search(&self.years[r]) {
                        vals[r] = vals[ms + k];
                    }
                }
            }
        }
    }

    /// The row of (a, b, year), if the frame has it.
    pub fn row(&self, a: i32, b: i32, year: i32) -> Option<usize> {
        let &(s, e) = self.runs.get(&dyad_key(a, b, 0))?;
        let (s, e) = (s as usize, e as usize);
        self.years[s..e].binary_search(&year).ok().map(|k| s + k)
    }

    /// Rows.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// A dense (ccode, year) table of values, ccodes 0..=999.
pub struct StateYearTable<T> {
    first_year: i32,
    n_years: usize,
    cells: Vec<T>,
}

impl<T: Copy + Default> StateYearTable<T> {
    /// An all-default table for `first..=last`.
    pub fn new(first: i32, last: i32) -> StateYearTable<T> {
        let n_years = (last - first + 1).max(1) as usize;
        StateYearTable { first_year: first, n_years, cells: vec![T::default(); 1000 * n_years] }
    }

    fn at(&self, c: i32, y: i32) -> Option<usize> {
        let dy = y - self.first_year;
        ((0..1000).contains(&c) && dy >= 0 && (dy as usize) < self.n_years).then(|| c as usize * self.n_years + dy as usize)
    }

    /// The value at (c, y); default outside the table.
    pub fn get(&self, c: i32, y: i32) -> T {
        self.at(c, y).map_or_else(T::default, |i| self.cells[i])
    }

    /// A mutable cell; None outside the table.
    pub fn get_mut(&mut self, c: i32, y: i32) -> Option<&mut T> {
        self.at(c, y).map(|i| &mut self.cells[i])
    }
}

/// Values of a column as `Option<i32>` (cast if needed).
pub fn ints(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<i32>>> {
    let s = df.column(name)?.cast(&DataType::Int32)?;
    Ok(s.i32()?.iter().collect())
}

/// Values of a key column, which must have no nulls.
pub fn keys(df: &DataFrame, name: &str) -> PolarsResult<Vec<i32>> {
    let s = df.column(name)?.cast(&DataType::Int32)?;
    let ca = s.i32()?;
    polars_ensure!(ca.null_count() == 0, ComputeError: "key column `{}` has nulls", name);
    Ok(ca.iter().map(|v| v.unwrap_or_default()).collect())
}

/// Values of a column as `Option<f64>` (cast if needed).
pub fn floats(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<f64>>> {
    let s = df.column(name)?.cast(&DataType::Float64)?;
    Ok(s.f64()?.iter().collect())
}

/// Gathers `values` at `rows` (None where there is no source row).
pub fn gather<T: Copy>(values: &[Option<T>], rows: &[Option<usize>]) -> Vec<Option<T>> {
    rows.iter().map(|r| r.and_then(|r| values[r])).collect()
}

/// A named numeric column from values and, where some are missing, their validity. The buffers
/// move into polars as they are: its builders, which take one option at a time, showed in
/// profiles of whole builds.
pub fn numeric_column<N>(name: &str, values: Vec<N>, valid: Option<Bitmap>) -> Column
where
    N: NumericNative,
    N::PolarsType: PolarsNumericType<Native = N>,
    ChunkedArray<N::PolarsType>: IntoSeries,
{
    let valid = valid.filter(|v| v.unset_bits() > 0);
    ChunkedArray::<N::PolarsType>::from_vec_validity(name.into(), values, valid).into_series().into_column()
}

/// A named i32 column from values and where they are valid (`None`: all valid).
pub fn int_column(name: &str, values: Vec<i32>, valid: Option<&Bitmap>) -> Column {
    numeric_column(name, values, valid.cloned())
}

/// A named column of `n` rows computed row by row.
pub fn column_with<N>(name: &str, n: usize, f: impl Fn(usize) -> Option<N>) -> Column
where
    N: NumericNative,
    N::PolarsType: PolarsNumericType<Native = N>,
    ChunkedArray<N::PolarsType>: IntoSeries,
{
    let mut valid = MutableBitmap::with_capacity(n);
    let values = (0..n)
        .map(|i| {
            let v = f(i);
            valid.push(v.is_some());
            v.unwrap_or_default()
        })
        .collect();
    numeric_column(name, values, Some(valid.into()))
}

/// A named column from optional values.
pub fn column<N>(name: &str, values: Vec<Option<N>>) -> Column
where
    N: NumericNative,
    N::PolarsType: PolarsNumericType<Native = N>,
    ChunkedArray<N::PolarsType>: IntoSeries,
{
    let mut valid = MutableBitmap::with_capacity(values.len());
    let plain = values
        .iter()
        .map(|v| {
            valid.push(v.is_some());
            v.unwrap_or_default()
        })
        .collect();
    numeric_column(name, plain, Some(valid.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_year_index_finds_rows_and_misses_cleanly() {
        let idx = StateYearIndex::new(&[2, 200, 2], &[1816, 1816, 1817]);
        assert_eq!(idx.get(2, 1816), Some(0));
        assert_eq!(idx.get(200, 1816), Some(1));
        assert_eq!(idx.get(2, 1817), Some(2));
        assert_eq!(idx.get(200, 1817), None);
        assert_eq!(idx.get(2, 1815), None);
        assert_eq!(idx.get(999, 1816), None);
        assert_ne!(dyad_key(2, 200, 1816), dyad_key(200, 2, 1816));
        // Frame rows: 2→20 in 1816, 1817, 1820; 2→200 in 1816; 20→2 in 1816.
        let keys = FrameKeys::new(&[2, 2, 2, 2, 20], &[20, 20, 20, 200, 2], &[1816, 1817, 1820, 1816, 1816]);
        assert_eq!(keys.row(2, 20, 1817), Some(1));
        assert_eq!(keys.row(2, 20, 1820), Some(2));
        assert_eq!(keys.row(2, 20, 1818), None);
        assert_eq!(keys.row(20, 2, 1816), Some(4));
        assert_eq!(keys.row(200, 2, 1816), None);
        assert_eq!(keys.len(), 5);
        let mut seen = Vec::new();
        keys.merge(&[(dyad_key(2, 20, 1817), 'a'), (dyad_key(2, 20, 1818), 'b'), (dyad_key(20, 2, 1816), 'c')], |r, v| seen.push((r, v)));
        assert_eq!(seen, [(1, 'a'), (4, 'c')]);
        let mut vals = [1, 2, 3, 4, 0];
        keys.copy_from_mirror(&mut vals);
        assert_eq!(vals, [1, 2, 3, 4, 1], "20→2 in 1816 takes 2→20 in 1816");
    }
}
