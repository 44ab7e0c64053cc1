//! The `allywar` command line: parse, hand over to the command's `run` in `allywar::cmd`, print.
//!
//! Exit codes: 0 success, 1 an error (or `data status --check` found files not verified),
//! 2 a usage error (clap). A closed pipe (`| head`) ends quietly.

use allywar::cmd::{self, Cli, Out};
use clap::Parser as _;
use std::io::Write as _;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut out = Out::new(cli.quiet);
    let code = match cmd::run(cli.command, &mut out) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    };
    if let (Some(_), Some(b)) = (std::env::var_os("ALLYWAR_TIMINGS"), allywar::bench::peak_rss()) {
        eprintln!("timing: peak {:.0} MiB", b as f64 / 1048576.0);
    }
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
