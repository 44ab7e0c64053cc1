//! Strategic rivalries (Thompson, Sakuwa & Suhas 2022) by dyad-year.

use crate::sources::index::{dyad_key, ints, keys, IntMap};
use crate::types::Years;
use polars::prelude::*;

/// Rivalry years of unordered pairs.
pub struct Rivalries {
    years: IntMap<()>,
    /// Years the data cover.
    pub cover: Years,
}

impl Rivalries {
    /// Expands the `rivalries` frame (`ccode1`, `ccode2`, `start`, `end`) to dyad-years.
    pub fn new(riv: &DataFrame) -> PolarsResult<Rivalries> {
        let (a, b) = (keys(riv, "ccode1")?, keys(riv, "ccode2")?);
        let (s, e) = (ints(riv, "start")?, ints(riv, "end")?);
        let mut years: IntMap<()> = IntMap::default();
        let (mut lo, mut hi) = (i32::MAX, i32::MIN);
        for i in 0..a.len() {
            let (Some(s), Some(e)) = (s[i], e[i]) else { continue };
            lo = lo.min(s);
            hi = hi.max(e);
            for y in s..=e {
                years.insert(dyad_key(a[i].min(b[i]), a[i].max(b[i]), y), ());
            }
        }
        Ok(Rivalries { years, cover: Years { first: lo, last: hi } })
    }

    /// 1 if the pair is rivals in `year`, 0 if not, null outside the data's years.
    pub fn rival(&self, a: i32, b: i32, year: i32) -> Option<i32> {
        self.cover.contains(year).then(|| i32::from(self.years.contains_key(&dyad_key(a.min(b), a.max(b), year))))
    }
}
