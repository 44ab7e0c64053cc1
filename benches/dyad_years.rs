//! `cargo bench`: the full directed dyad-year build (see `allywar::bench`), timed end to end
//! from the raw files, with peak memory. Data: $ALLYWAR_DATA, else ../shared/data/raw.

fn main() {
    let dir = match std::env::var_os("ALLYWAR_DATA") {
        Some(d) if !d.is_empty() => std::path::PathBuf::from(d),
        _ => std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/raw"),
    };
    let runs = std::env::var("ALLYWAR_BENCH_RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(5);
    match allywar::bench::run(&allywar::DataDir::new(dir), runs) {
        Ok(r) => {
            println!("dyad-years 1816-2014: {} rows x {} columns", r.rows, r.columns);
            println!("runs (s): {:?}", r.seconds);
            println!("best {:.3} s, median {:.3} s", r.best(), r.median());
            if let Some(b) = r.peak_rss {
                println!("peak memory (VmHWM): {:.0} MiB", b as f64 / 1048576.0);
            }
            println!(
                "speed-up over peacesciencer ({} s): {:.1}x",
                allywar::bench::PEACESCIENCER_SECONDS,
                allywar::bench::PEACESCIENCER_SECONDS / r.median()
            );
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
