//! Which dispute data define conflict (STUDIES.md §2).

use crate::catalog::DatasetId;
use crate::types::{BuildError, Years};

/// A dispute source (`--mids`): a release of the Gibler–Miller–Little MIDs or COW MID 5.0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, clap::ValueEnum)]
pub enum Mids {
    /// Gibler–Miller–Little 2.2.1 (1816–2010): the default.
    #[default]
    #[value(name = "gml", alias = "gml_2.2.1")]
    Gml,
    /// Gibler–Miller–Little 2.1.1 (1816–2010), directed dispute-dyad-years only.
    #[value(name = "gml_2.1.1")]
    Gml2_1_1,
    /// Gibler–Miller–Little 2.0 (1816–2010), with its dispute and participant files.
    #[value(name = "gml_2.0")]
    Gml2_0,
    /// COW MID 5.0 (1816–2014), dyads from MIDB participant spells.
    #[value(name = "cow5", alias = "cow", alias = "mid5")]
    Cow5,
}

impl Mids {
    /// Every source, in the order `--mids` lists them.
    pub const ALL: [Mids; 4] = [Mids::Gml, Mids::Gml2_1_1, Mids::Gml2_0, Mids::Cow5];

    /// Years the source covers, from the catalog.
    pub fn coverage(self) -> Years {
        Years::of(self.dataset())
    }

    /// The dataset whose years define the source's coverage.
    pub fn dataset(self) -> DatasetId {
        match self {
            Mids::Cow5 => DatasetId::CowMida,
            gml => gml.ddy().unwrap_or(DatasetId::GmlDdy),
        }
    }

    /// A GML release's directed dispute-dyad-year file (None for COW MID 5).
    pub fn ddy(self) -> Option<DatasetId> {
        match self {
            Mids::Gml => Some(DatasetId::GmlDdy),
            Mids::Gml2_1_1 => Some(DatasetId::GmlDdy2_1_1),
            Mids::Gml2_0 => Some(DatasetId::GmlDdy2_0),
            Mids::Cow5 => None,
        }
    }

    /// The participant file (`dispnum`, `ccode`, `styear`, `endyear`, `sidea`, `orig`), which
    /// state-year, joiner and dispute-invocation frames read; GML 2.1.1 ships none.
    pub fn participants(self) -> Result<DatasetId, BuildError> {
        match self {
            Mids::Gml => Ok(DatasetId::GmlParticipants),
            Mids::Gml2_0 => Ok(DatasetId::GmlMidb2_0),
            Mids::Cow5 => Ok(DatasetId::CowMidb),
            Mids::Gml2_1_1 => Err(BuildError::Options(
                "GML 2.1.1 ships no participant file, which this frame reads: use --mids gml (2.2.1), gml_2.0 or cow5".into(),
            )),
        }
    }

    /// Name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Mids::Gml => "gml",
            Mids::Gml2_1_1 => "gml_2.1.1",
            Mids::Gml2_0 => "gml_2.0",
            Mids::Cow5 => "cow5",
        }
    }

    /// Name and release in words, for reports.
    pub fn title(self) -> &'static str {
        match self {
            Mids::Gml => "GML 2.2.1",
            Mids::Gml2_1_1 => "GML 2.1.1",
            Mids::Gml2_0 => "GML 2.0",
            Mids::Cow5 => "COW MID 5.0",
        }
    }
}

impl std::str::FromStr for Mids {
    type Err = String;
    fn from_str(s: &str) -> Result<Mids, String> {
        match s.to_ascii_lowercase().as_str() {
            "gml" | "gml_2.2.1" => Ok(Mids::Gml),
            "gml_2.1.1" => Ok(Mids::Gml2_1_1),
            "gml_2.0" => Ok(Mids::Gml2_0),
            "cow5" | "cow" | "mid5" => Ok(Mids::Cow5),
            _ => Err(format!("unknown dispute source `{s}`: expected gml (2.2.1), gml_2.1.1, gml_2.0 or cow5")),
        }
    }
}
