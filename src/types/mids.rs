//! Which dispute data define conflict (STUDIES.md §2).

use crate::catalog::DatasetId;
use crate::types::Years;

/// A dispute source (`--mids`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Mids {
    /// Gibler–Miller–Little 2.2.1 (1816–2010): the default.
    #[default]
    #[value(name = "gml")]
    Gml,
    /// COW MID 5.0 (1816–2014), dyads from MIDB participant spells.
    #[value(name = "cow5", alias = "cow", alias = "mid5")]
    Cow5,
}

impl Mids {
    /// Years the source covers, from the catalog.
    pub fn coverage(self) -> Years {
        Years::of(self.dataset())
    }

    /// The dataset whose years define the source's coverage.
    pub fn dataset(self) -> DatasetId {
        match self {
            Mids::Gml => DatasetId::GmlDdy,
            Mids::Cow5 => DatasetId::CowMida,
        }
    }

    /// The participant file (`dispnum`, `ccode`, `styear`, `endyear`, `sidea`, `orig`).
    pub fn participants(self) -> DatasetId {
        match self {
            Mids::Gml => DatasetId::GmlParticipants,
            Mids::Cow5 => DatasetId::CowMidb,
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

impl std::str::FromStr for Mids {
    type Err = String;
    fn from_str(s: &str) -> Result<Mids, String> {
        match s.to_ascii_lowercase().as_str() {
            "gml" => Ok(Mids::Gml),
            "cow5" | "cow" | "mid5" => Ok(Mids::Cow5),
            _ => Err(format!("unknown dispute source `{s}`: expected gml or cow5")),
        }
    }
}
