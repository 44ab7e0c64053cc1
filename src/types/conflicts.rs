//! Which conflicts call allies to honour their promises (the invocation and commitment units,
//! STUDIES.md §5 abandonment).

use std::fmt;

/// The conflicts of an invocation or commitment frame (`--conflicts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, clap::ValueEnum)]
pub enum Conflicts {
    /// COW inter-state wars 4.0 (1823–2003): invocation, the states at war on its first day;
    /// commitment, every participant from its entry.
    #[default]
    #[value(name = "war")]
    War,
    /// Militarized interstate disputes (the `--mids` source): invocation, the originators;
    /// commitment, every participant.
    #[value(name = "mid")]
    Mid,
}

impl Conflicts {
    /// Name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Conflicts::War => "war",
            Conflicts::Mid => "mid",
        }
    }
}

impl fmt::Display for Conflicts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Conflicts {
    type Err = String;
    fn from_str(s: &str) -> Result<Conflicts, String> {
        match s.to_ascii_lowercase().as_str() {
            "war" | "wars" => Ok(Conflicts::War),
            "mid" | "mids" | "dispute" | "disputes" => Ok(Conflicts::Mid),
            _ => Err(format!("unknown conflicts `{s}`: expected war or mid")),
        }
    }
}
