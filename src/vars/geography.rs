//! Geography (STUDIES.md §4): direct contiguity, capital-to-capital distance with capital
//! changes honoured by year, and minimum distance.

use crate::sources::index::{dyad_key, floats, keys, FrameKeys, IntMap, StateYearTable};
use crate::sources::{days_from_civil, year_of_day};
use polars::prelude::*;

/// Mean Earth radius used for great-circle distances (km).
pub const EARTH_RADIUS_KM: f64 = 6371.0;

/// Great-circle distance in km between two (lat, lng) points in degrees (haversine).
pub fn haversine_km(lat1: f64, lng1: f64, lat2: f64, lng2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lng2 - lng1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
}

/// Direct contiguity by directed dyad-year: the closest type when it changed within a year.
pub struct Contiguity {
    rows: IntMap<i32>,
    source: Vec<(i32, i32, i32, i32)>,
}

impl Contiguity {
    /// Indexes the `contdird` frame.
    pub fn new(contdird: &DataFrame) -> PolarsResult<Contiguity> {
        let (a, b, y, t) = (keys(contdird, "state1no")?, keys(contdird, "state2no")?, keys(contdird, "year")?, keys(contdird, "conttype")?);
        let mut rows: IntMap<i32> = IntMap::default();
        for i in 0..a.len() {
            let e = rows.entry(dyad_key(a[i], b[i], y[i])).or_insert(t[i]);
            *e = (*e).min(t[i]);
        }
        let source = (0..a.len()).map(|i| (a[i], b[i], y[i], t[i])).collect();
        Ok(Contiguity { rows, source })
    }

    /// `conttype` of every frame row (rows sorted by ccode1, ccode2, year), 6 where none.
    pub fn for_rows(&self, frame: &FrameKeys) -> Vec<i32> {
        let mut ct = vec![6; frame.len()];
        for &(a, b, y, t) in &self.source {
            if let Some(r) = frame.row(a, b, y) {
                ct[r] = ct[r].min(t);
            }
        }
        ct
    }

    /// Contiguity type of the pair: 1-5, or 6 (none).
    pub fn conttype(&self, a: i32, b: i32, year: i32) -> i32 {
        self.rows.get(&dyad_key(a, b, year)).copied().unwrap_or(6)
    }
}

/// A capital's (latitude, longitude) in degrees.
type LatLng = (f64, f64);

/// Capital coordinates by state-year.
pub struct Capitals {
    by_year: StateYearTable<Option<(f64, f64, i32, i32)>>,
}

impl Capitals {
    /// Expands the capital spells of the `capitals` frame to years. When a state's capital moved
    /// during a year, the year belongs to the capital in force on most of its days (on a tie,
    /// the later one): Nigeria's move to Abuja on 12 December 1991 counts from 1992.
    pub fn new(capitals: &DataFrame) -> PolarsResult<Capitals> {
        let c = keys(capitals, "ccode")?;
        let st = capitals.column("stdate")?.cast(&DataType::Int32)?;
        let en = capitals.column("enddate")?.cast(&DataType::Int32)?;
        let (lat, lng) = (floats(capitals, "lat")?, floats(capitals, "lng")?);
        let (st, en) = (st.i32()?, en.i32()?);
        let first = (0..c.len()).filter_map(|i| st.get(i)).map(year_of_day).min().unwrap_or(0);
        let last = (0..c.len()).filter_map(|i| en.get(i)).map(year_of_day).max().unwrap_or(0);
        // Per state-year: (lat, lng, days in force that year, start day).
        let mut by_year: StateYearTable<Option<(f64, f64, i32, i32)>> = StateYearTable::new(first, last);
        for i in 0..c.len() {
            let (Some(s), Some(e), Some(la), Some(lo)) = (st.get(i), en.get(i), lat[i], lng[i]) else { continue };
            for y in year_of_day(s)..=year_of_day(e) {
                let days = e.min(days_from_civil(y, 12, 31)) - s.max(days_from_civil(y, 1, 1)) + 1;
                if let Some(slot) = by_year.get_mut(c[i], y) {
                    if slot.is_none_or(|old| (days, s) > (old.2, old.3)) {
                        *slot = Some((la, lo, days, s));
                    }
                }
            }
        }
        Ok(Capitals { by_year })
    }

    /// (lat, lng) of the capital of `ccode` in `year`.
    pub fn get(&self, ccode: i32, year: i32) -> Option<(f64, f64)> {
        self.by_year.get(ccode, year).map(|(a, b, _, _)| (a, b))
    }

    /// Capital distances of dyad-year rows sorted by (ccode1, ccode2, year). A dyad's capitals
    /// rarely move, so the great circle is computed again only when the two capitals differ from
    /// the row before (the trigonometry was 0.2 s of a 1.7-million-row build).
    pub fn distances(&self, c1: &[i32], c2: &[i32], year: &[i32]) -> Vec<Option<f64>> {
        let mut last: Option<(LatLng, LatLng, f64)> = None;
        (0..c1.len())
            .map(|i| {
                let (p, q) = (self.get(c1[i], year[i])?, self.get(c2[i], year[i])?);
                match last {
                    Some((lp, lq, km)) if lp == p && lq == q => Some(km),
                    _ => {
                        let km = haversine_km(p.0, p.1, q.0, q.1);
                        last = Some((p, q, km));
                        Some(km)
                    }
                }
            })
            .collect()
    }

    /// Capital distance in km between two states in a year.
    pub fn distance(&self, a: i32, b: i32, year: i32) -> Option<f64> {
        let ((la1, lo1), (la2, lo2)) = (self.get(a, year)?, self.get(b, year)?);
        Some(haversine_km(la1, lo1, la2, lo2))
    }
}

/// Minimum distance by dyad-year. The file lists each pair once (ccode1 < ccode2), so lookups
/// use the unordered pair.
pub struct Mindist {
    source: Vec<(i32, i32, i32, f64)>,
}

impl Mindist {
    /// Indexes the `mindist` frame.
    pub fn new(md: &DataFrame) -> PolarsResult<Mindist> {
        let (a, b, y) = (keys(md, "ccode1")?, keys(md, "ccode2")?, keys(md, "year")?);
        let d = floats(md, "mindist")?;
        let source: Vec<(i32, i32, i32, f64)> = (0..a.len()).filter_map(|i| Some((a[i], b[i], y[i], d[i]?))).collect();
        Ok(Mindist { source })
    }

    /// Minimum distance for every frame row (rows sorted by ccode1, ccode2, year), either order:
    /// the pairs in file order (lower code first) merged into the frame's rows, then copied to
    /// the mirror rows. A lookup a source row in both orders took 1.1 s for the million rows.
    pub fn for_rows(&self, frame: &FrameKeys) -> Vec<Option<f64>> {
        let mut src: Vec<(u64, f64)> = self.source.iter().map(|&(a, b, y, d)| (dyad_key(a.min(b), a.max(b), y), d)).collect();
        if !src.is_sorted_by_key(|p| p.0) {
            src.sort_unstable_by_key(|p| p.0);
        }
        let mut out = vec![None; frame.len()];
        frame.merge(&src, |r, d| out[r] = Some(d));
        frame.copy_from_mirror(&mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn haversine_of_known_points() {
        // One degree of longitude on the equator.
        assert!((haversine_km(0.0, 0.0, 0.0, 1.0) - 111.195).abs() < 0.01);
        assert_eq!(haversine_km(10.0, 20.0, 10.0, 20.0), 0.0);
        assert_eq!(year_of_day(0), 1970);
        assert_eq!(year_of_day(-1), 1969);
        assert_eq!(year_of_day(crate::sources::days_from_civil(1816, 12, 31)), 1816);
    }

    #[test]
    fn a_capital_that_moved_holds_the_year_it_held_most() {
        let d = crate::sources::days_from_civil;
        // Nigeria: Lagos until 11 December 1991, Abuja from the 12th. France: Paris until 8 July
        // 1940 (190 days), Vichy from the 9th (176 days).
        let df = df!(
            "ccode" => [475, 475, 220, 220],
            "stdate" => [d(1960, 1, 1), d(1991, 12, 12), d(1816, 1, 1), d(1940, 7, 9)],
            "enddate" => [d(1991, 12, 11), d(2024, 12, 31), d(1940, 7, 8), d(1942, 11, 27)],
            "lat" => [6.45, 9.08, 48.86, 46.13],
            "lng" => [3.40, 7.53, 2.35, 3.43],
        )
        .unwrap();
        let caps = Capitals::new(&df).unwrap();
        assert_eq!(caps.get(475, 1991), Some((6.45, 3.40)), "a December move counts from the next year");
        assert_eq!(caps.get(475, 1992), Some((9.08, 7.53)));
        assert_eq!(caps.get(220, 1940), Some((48.86, 2.35)), "Paris held more of 1940");
        assert_eq!(caps.get(220, 1941), Some((46.13, 3.43)));
    }
}
