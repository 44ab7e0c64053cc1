//! Units of analysis (STUDIES.md §1): the universe of observations each study starts from.

pub mod dispute;
pub mod dyad_year;
pub mod joiner;
pub mod mission;
pub mod state_year;
pub mod us_force;

use std::fmt;
use std::str::FromStr;

/// A unit of analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unit {
    /// Every COW system member in every year it is a member.
    StateYear,
    /// Ordered (or, non-directed, unordered) pairs of members sharing a day of membership.
    DyadYear,
    /// (dispute, state) pairs of potential joiners (entanglement).
    Joiner,
    /// One row per militarized interstate dispute.
    Dispute,
    /// One row per third-party peacekeeping mission.
    Mission,
    /// One row per US use of force (Tago 2005).
    UsForce,
}

impl Unit {
    /// Every unit, in the order of STUDIES.md.
    pub const ALL: [Unit; 6] = [Unit::StateYear, Unit::DyadYear, Unit::Joiner, Unit::Dispute, Unit::Mission, Unit::UsForce];

    /// Name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Unit::StateYear => "state-year",
            Unit::DyadYear => "dyad-year",
            Unit::Joiner => "joiner",
            Unit::Dispute => "dispute",
            Unit::Mission => "mission",
            Unit::UsForce => "us-force",
        }
    }

    /// The columns that identify a row.
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            Unit::StateYear => &["ccode", "year"],
            Unit::DyadYear => &["ccode1", "ccode2", "year", "dyad_id"],
            Unit::Joiner => &["dispnum", "ccode"],
            Unit::Dispute => &["dispnum"],
            Unit::Mission => &["obsnum"],
            Unit::UsForce => &["force_id"],
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Unit {
    type Err = String;
    fn from_str(s: &str) -> Result<Unit, String> {
        let norm = s.to_ascii_lowercase().replace('_', "-");
        Unit::ALL.into_iter().find(|u| u.name() == norm).ok_or_else(|| {
            let names: Vec<&str> = Unit::ALL.iter().map(|u| u.name()).collect();
            let hint =
                crate::catalog::nearest(&norm, names.iter().copied()).map_or_else(String::new, |n| format!(" (did you mean `{n}`?)"));
            format!("unknown unit `{s}`{hint}; units: {}", names.join(", "))
        })
    }
}

/// An inclusive range of years.
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
}

impl fmt::Display for Years {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{}", self.first, self.last)
    }
}

impl FromStr for Years {
    type Err = String;
    /// `A:B`, `A:` (to the end of the data), `:B`, or a single year `A`.
    fn from_str(s: &str) -> Result<Years, String> {
        let bad = || format!("--years {s:?}: expected A:B, e.g. 1816:2010");
        let year = |t: &str, default: i32| -> Result<i32, String> {
            if t.is_empty() {
                Ok(default)
            } else {
                t.trim().parse::<i32>().map_err(|_| bad())
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

/// Which dispute data define conflict (STUDIES.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mids {
    /// Gibler–Miller–Little 2.2.1 (1816–2010): the default.
    #[default]
    Gml,
    /// COW MID 5.0 (1816–2014), dyads from MIDB participant spells.
    Cow5,
}

impl Mids {
    /// Years the source covers.
    pub fn coverage(self) -> Years {
        match self {
            Mids::Gml => Years { first: 1816, last: 2010 },
            Mids::Cow5 => Years { first: 1816, last: 2014 },
        }
    }

    /// Name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Mids::Gml => "gml",
            Mids::Cow5 => "cow5",
        }
    }
}

impl FromStr for Mids {
    type Err = String;
    fn from_str(s: &str) -> Result<Mids, String> {
        match s.to_ascii_lowercase().as_str() {
            "gml" => Ok(Mids::Gml),
            "cow5" | "cow" | "mid5" => Ok(Mids::Cow5),
            _ => Err(format!("unknown dispute source `{s}`: expected gml or cow5")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_units_years_and_sources() {
        assert_eq!("dyad-year".parse::<Unit>(), Ok(Unit::DyadYear));
        assert_eq!("state_year".parse::<Unit>(), Ok(Unit::StateYear));
        assert!("dyad-yaer".parse::<Unit>().unwrap_err().contains("did you mean `dyad-year`?"));
        assert_eq!("1816:2010".parse::<Years>(), Ok(Years { first: 1816, last: 2010 }));
        assert_eq!("1914".parse::<Years>(), Ok(Years { first: 1914, last: 1914 }));
        assert!("2010:1816".parse::<Years>().unwrap_err().contains("impossible year range"));
        assert!("x:1".parse::<Years>().unwrap_err().contains("expected A:B"));
        assert_eq!("cow5".parse::<Mids>(), Ok(Mids::Cow5));
    }
}
