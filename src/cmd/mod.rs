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

use crate::DataDir;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

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

/// Quantitative research on alliances and war: COW and GML MIDs, ATOP, NMC and more as typed
/// frames.
#[derive(clap::Parser, Debug)]
#[command(name = "allywar", version, about, long_about = None)]
pub struct Cli {
    /// No progress bars, notes or `wrote …` lines (warnings and errors still print).
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Raw datasets: status, fetch, describe, cite, show.
    Data(data::Args),
    /// Build an analysis frame (state-year, dyad-year, joiner, dispute, mission, us-force,
    /// invocation, commitment, alliance-year).
    Build(build::Args),
    /// Every variable a unit can carry: name, definition, source, years.
    Vars(vars::Args),
    /// Estimate a model on a frame (OLS, logit, probit, Poisson, negative binomial, ordered and
    /// multinomial logit, rare-events logit; classical, robust, clustered, two-way and dyadic
    /// SEs; fixed effects; margins, predictions, first differences).
    Fit(Box<fit::Args>),
    /// A regression table (Markdown, LaTeX, HTML, CSV) from fits saved by `fit --out`.
    Table(table::Args),
    /// Time whole builds from the raw files (peacesciencer's frame, or every variable).
    Bench(bench::Args),
    /// Run the studies of reports/ into tables, figures, results.json and reports/index.html.
    Reproduce(reproduce::Args),
    /// Fit every specification of a study's multiverse: the estimates, the curve, the summary.
    Multiverse(multiverse::Args),
}

/// Runs a parsed command line.
pub fn run(command: Command, out: &mut Out) -> anyhow::Result<ExitCode> {
    match command {
        Command::Data(args) => data::run(args, out),
        Command::Build(args) => build::run(args, out),
        Command::Vars(args) => vars::run(args, out),
        Command::Fit(args) => fit::run(*args, out),
        Command::Table(args) => table::run(args, out),
        Command::Bench(args) => bench::run(args, out),
        Command::Reproduce(args) => reproduce::run(args, out),
        Command::Multiverse(args) => multiverse::run(args, out),
    }
}

/// Runs the command line `argv` (without the program name) in this process: the exit code and
/// what the command wrote to stdout (notes and progress go to stderr, as from the binary). A usage
/// error is returned as the error clap prints.
pub fn run_args<I, S>(argv: I) -> Result<(ExitCode, String), anyhow::Error>
where
    I: IntoIterator<Item = S>,
    S: Into<std::ffi::OsString> + Clone,
{
    use clap::Parser as _;
    let cli = Cli::try_parse_from(std::iter::once(std::ffi::OsString::from("allywar")).chain(argv.into_iter().map(Into::into)))?;
    let mut out = Out::new(cli.quiet);
    let code = run(cli.command, &mut out)?;
    Ok((code, out.stdout))
}
