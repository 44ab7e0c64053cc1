//! `cargo bench`: the whole-build benchmarks of `allywar::bench`, timed end to end from the raw
//! files, with peak memory. Data: $ALLYWAR_DATA, else ../shared/data/raw.

use allywar::bench::{run, Scenario};

fn main() {
    let dir = match std::env::var_os("ALLYWAR_DATA") {
        Some(d) if !d.is_empty() => std::path::PathBuf::from(d),
        _ => std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/raw"),
    };
    let runs = std::env::var("ALLYWAR_BENCH_RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(5);
    for scenario in [Scenario::Peacesciencer, Scenario::All] {
        match run(&allywar::DataDir::new(&dir), scenario, runs) {
            Ok(r) => {
                println!("{}: {} rows x {} columns", scenario.describe(), r.rows, r.columns);
                println!(
                    "  best {:.3} s, median {:.3} s (of which Parquet write {:.3} s)",
                    r.best(),
                    r.median(),
                    allywar::bench::median(&r.write_seconds)
                );
                if let Some(b) = r.peak_rss {
                    println!("  peak memory (VmHWM, whole process): {:.0} MiB", b as f64 / 1048576.0);
                }
            }
            Err(e) => {
                eprintln!("error: {e}");
                std::process::exit(1);
            }
        }
    }
}
