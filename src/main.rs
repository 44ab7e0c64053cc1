//! The `allywar` command line: parse, hand over to the command's `run` in `cmd/`, print.
//!
//! Exit codes: 0 success, 1 an error (or `data status --check` found files not verified),
//! 2 a usage error (clap). A closed pipe (`| head`) ends quietly.

mod cmd;

use clap::{Parser, Subcommand};
use std::io::Write as _;
use std::process::ExitCode;

/// Quantitative research on alliances and war: COW and GML MIDs, ATOP, NMC and more as typed
/// frames.
#[derive(Parser)]
#[command(name = "allywar", version, about, long_about = None)]
struct Cli {
    /// No progress bars, notes or `wrote …` lines (warnings and errors still print).
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Raw datasets: status, fetch, describe, cite, show.
    Data(cmd::data::Args),
    /// Build an analysis frame (state-year, dyad-year, joiner, dispute, mission, us-force,
    /// invocation, commitment, alliance-year).
    Build(cmd::build::Args),
    /// Every variable a unit can carry: name, definition, source, years.
    Vars(cmd::vars::Args),
    /// Estimate a model on a frame (OLS, logit, probit, Poisson, negative binomial, ordered and
    /// multinomial logit, rare-events logit; classical, robust, clustered, two-way and dyadic
    /// SEs; fixed effects; margins, predictions, first differences).
    Fit(Box<cmd::fit::Args>),
    /// A regression table (Markdown, LaTeX, HTML, CSV) from fits saved by `fit --out`.
    Table(cmd::table::Args),
    /// Time whole builds from the raw files (peacesciencer's frame, or every variable).
    Bench(cmd::bench::Args),
    /// Run the studies of reports/ into tables, figures, results.json and reports/index.html.
    Reproduce(cmd::reproduce::Args),
    /// Fit every specification of a study's multiverse: the estimates, the curve, the summary.
    Multiverse(cmd::multiverse::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut out = cmd::Out::new(cli.quiet);
    let code = match try_main(cli.command, &mut out) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    };
    // Output is written once; a reader that went away (`| head`) is not an error.
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(out.stdout.as_bytes()).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("error: writing to stdout: {e}");
            ExitCode::FAILURE
        }
        _ => code,
    }
}

fn try_main(command: Command, out: &mut cmd::Out) -> anyhow::Result<ExitCode> {
    match command {
        Command::Data(args) => cmd::data::run(args, out),
        Command::Build(args) => cmd::build::run(args, out),
        Command::Vars(args) => cmd::vars::run(args, out),
        Command::Fit(args) => cmd::fit::run(*args, out),
        Command::Table(args) => cmd::table::run(args, out),
        Command::Bench(args) => cmd::bench::run(args, out),
        Command::Reproduce(args) => cmd::reproduce::run(args, out),
        Command::Multiverse(args) => cmd::multiverse::run(args, out),
    }
}
