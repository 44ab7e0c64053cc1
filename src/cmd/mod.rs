//! One module per command, each with its clap `Args` and a `run` that calls the library and
//! prints; what they share is here.

pub mod add;
pub mod bench;
pub mod build;
pub mod data;
pub mod fit;
pub mod multiverse;
pub mod pin;
pub mod reproduce;
pub mod table;
pub mod vars;

use allywar::DataDir;
use std::io::IsTerminal;
use std::path::PathBuf;

/// Where the raw data is, and whether files the catalog does not know may be used.
#[derive(clap::Args, Debug, Clone)]
pub struct DataArgs {
    /// Raw data directory (default: $ALLYWAR_DATA, then ./data/raw).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Use files whose sha256 differs from the catalog (a newer release, say); each is reported
    /// on stderr and recorded as unverified in the output's metadata.
    #[arg(long)]
    pub allow_unverified: bool,
}

impl DataArgs {
    /// The data directory these flags name, with the variables of the user's own datasets in
    /// its user catalog installed for the run.
    pub fn dir(&self) -> anyhow::Result<DataDir> {
        let dir = DataDir::resolve(self.data_dir.as_deref()).allow_unverified(self.allow_unverified);
        dir.install_user_data()?;
        Ok(dir)
    }
}

/// What a command prints: stdout collected and written once; notes and progress on stderr
/// unless `--quiet`.
pub struct Out {
    /// Standard output, written when the command ends.
    pub stdout: String,
    /// `--quiet`.
    pub quiet: bool,
}

impl Out {
    /// A new output for a run.
    pub fn new(quiet: bool) -> Out {
        Out { stdout: String::new(), quiet }
    }

    /// A note on stderr (what was dropped, collapsed, not covered); silenced by `--quiet`.
    pub fn note(&self, note: &str) {
        if !self.quiet {
            eprintln!("note: {note}");
        }
    }

    /// A warning on stderr: always shown.
    pub fn warn(&self, warning: &str) {
        eprintln!("warning: {warning}");
    }

    /// A line on stdout that only confirms what was done (`wrote …`); silenced by `--quiet`.
    pub fn done(&mut self, line: &str) {
        if !self.quiet {
            self.stdout.push_str(line);
            self.stdout.push('\n');
        }
    }

    /// Whether progress bars are drawn: not with `--quiet`, and only on a terminal.
    pub fn progress(&self) -> bool {
        !self.quiet && std::io::stderr().is_terminal()
    }

    /// A progress bar of `len` steps on stderr (hidden unless [`Out::progress`]).
    pub fn bar(&self, len: u64) -> indicatif::ProgressBar {
        if !self.progress() {
            return indicatif::ProgressBar::hidden();
        }
        let bar = indicatif::ProgressBar::new(len);
        // Without a count (len 0) a spinner: the message says how far it is, never "0/0".
        let template = if len == 0 { "{spinner} {prefix}: {msg} ({elapsed})" } else { "{bar:30} {pos}/{len} {prefix}: {msg} ({elapsed})" };
        if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        bar.enable_steady_tick(std::time::Duration::from_millis(100));
        bar
    }
}

impl std::fmt::Write for Out {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.stdout.push_str(s);
        Ok(())
    }
}
