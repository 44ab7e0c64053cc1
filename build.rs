//! Sets `ALLYWAR_SOURCE`, a fingerprint (64-bit FNV-1a) of everything that can change a result:
//! the sources, the dataset catalog and Cargo.lock. `reports/manifest.json` records it, so a
//! change of code marks the studies stale (`allywar reproduce --check`).

use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    for watched in ["src", "data/catalog.toml", "Cargo.lock"] {
        println!("cargo:rerun-if-changed={watched}");
    }
    let mut all = Vec::new();
    files(Path::new("src"), &mut all);
    all.sort();
    all.push(PathBuf::from("data/catalog.toml"));
    all.push(PathBuf::from("Cargo.lock"));
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for p in &all {
        // Paths with forward slashes and contents without carriage returns: the same on every
        // platform and checkout.
        feed(p.to_string_lossy().replace('\\', "/").as_bytes());
        feed(&[0]);
        let text: Vec<u8> = std::fs::read(p).unwrap_or_default().into_iter().filter(|&b| b != b'\r').collect();
        feed(&text);
        feed(&[0]);
    }
    println!("cargo:rustc-env=ALLYWAR_SOURCE={h:016x}");
}
