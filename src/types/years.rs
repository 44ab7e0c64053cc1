//! Inclusive year ranges (`--years A:B`).

use std::fmt;
use std::str::FromStr;

/// An inclusive range of years. An open end (`A:` or `:B`) is stored as `i32::MAX`/`i32::MIN`
/// until it is resolved against a source's coverage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Years {
    /// First year.
    pub first: i32,
    /// Last year.
    pub last: i32,
}

impl Years {
    /// A range; `first` must not exceed `last`.
    pub fn new(first: i32, last: i32) -> Result<Years, String> {
        if first > last {
            return Err(format!("impossible year range {first}:{last}: the first year is after the last"));
        }
        Ok(Years { first, last })
    }

    /// The years a catalog dataset covers (unbounded when the catalog gives none).
    pub fn of(d: crate::catalog::DatasetId) -> Years {
        match d.years() {
            Some([first, last]) => Years { first, last },
            None => Years { first: i32::MIN, last: i32::MAX },
        }
    }

    /// Whether `y` is in the range.
    pub fn contains(self, y: i32) -> bool {
        (self.first..=self.last).contains(&y)
    }

    /// Intersection with a dataset's coverage, if any.
    pub fn clamp_to(self, cover: Years) -> Option<Years> {
        let first = self.first.max(cover.first);
        let last = self.last.min(cover.last);
        (first <= last).then_some(Years { first, last })
    }

    /// Whether every year of `self` is inside `cover`.
    pub fn within(self, cover: Years) -> bool {
        self.first >= cover.first && self.last <= cover.last
    }

    /// Open ends filled from `cover`.
    pub fn resolve(self, cover: Years) -> Years {
        Years {
            first: if self.first == i32::MIN { cover.first } else { self.first },
            last: if self.last == i32::MAX { cover.last } else { self.last },
        }
    }

    /// The years of `self` outside `cover`, as ranges (at most one before and one after).
    pub fn outside(self, cover: Years) -> Vec<Years> {
        let mut out = Vec::new();
        if self.first < cover.first {
            out.push(Years { first: self.first, last: self.last.min(cover.first - 1) });
        }
        if self.last > cover.last {
            out.push(Years { first: self.first.max(cover.last + 1), last: self.last });
        }
        out
    }
}

impl fmt::Display for Years {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)
        } else {
            write!(f, "{}–{}", self.first, self.last)
        }
    }
}

impl FromStr for Years {
    type Err = String;
    /// `A:B`, `A:` (to the end of the data), `:B`, or a single year `A`.
    fn from_str(s: &str) -> Result<Years, String> {
        let bad = || format!("--years {s:?}: expected A:B, e.g. 1816:2010");
        let year = |t: &str, default: i32| -> Result<i32, String> {
            let t = t.trim();
            if t.is_empty() {
                Ok(default)
            } else {
                t.parse::<i32>().map_err(|_| bad())
            }
        };
        match s.split_once(':') {
            Some((a, b)) => Years::new(year(a, i32::MIN)?, year(b, i32::MAX)?),
            None => {
                let y = year(s, 0)?;
                Years::new(y, y)
            }
        }
    }
}
