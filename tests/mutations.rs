//! Every loader fed a thousand seeded random mutations of its fixture (bytes flipped, deleted,
//! duplicated; delimiters, quotes and line ends inserted; the file cut short) returns a frame or
//! an error, never a panic, and an error names the file.

mod common;

use allywar::catalog::{catalog, Format};
use allywar::{sources, DataDir};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// SplitMix64: a small seeded generator, so a failure can be replayed from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One to four edits of `bytes`.
fn mutate(bytes: &[u8], rng: &mut Rng) -> Vec<u8> {
    const INSERTS: [&[u8]; 10] = [b",", b"\"", b"\n", b"\r", b"\r\n", b"-9", b"NA", b"\xff\xfe", b"9999999999999999999", b""];
    let mut out = bytes.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(6) {
            0 if at < out.len() => out[at] = rng.next() as u8,
            1 if at < out.len() => {
                let end = (at + 1 + rng.below(40)).min(out.len());
                out.drain(at..end);
            }
            2 => {
                let ins = INSERTS[rng.below(INSERTS.len())];
                out.splice(at..at, ins.iter().copied());
            }
            3 if at < out.len() => {
                let end = (at + 1 + rng.below(80)).min(out.len());
                let copy = out[at..end].to_vec();
                out.splice(at..at, copy);
            }
            4 => out.truncate(at),
            _ => {
                let i = rng.below(out.len().max(1));
                if let Some(b) = out.get_mut(i) {
                    *b = b"0123456789,.-\" aZ"[rng.below(17)];
                }
            }
        }
    }
    out
}

#[test]
fn loaders_never_panic_on_mutated_fixtures() {
    // Mutated files have new checksums: keep them out of the user's parse cache.
    std::env::set_var("ALLYWAR_CACHE", "off");
    let fixtures = common::fixtures_dir();
    let scratch = tempfile::tempdir().unwrap();
    let (mut loaded, mut refused) = (0, 0);
    for d in catalog().datasets.iter().filter(|d| d.format == Format::Csv) {
        let original = std::fs::read(fixtures.join(&d.path)).unwrap_or_else(|e| panic!("{}: {e}", d.path));
        let path = scratch.path().join(&d.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let dir = DataDir::new(scratch.path()).allow_unverified(true);
        for seed in 0..1000u64 {
            let mut rng = Rng(seed ^ (d.name.len() as u64) << 32);
            std::fs::write(&path, mutate(&original, &mut rng)).unwrap();
            match catch_unwind(AssertUnwindSafe(|| sources::load(&dir, &d.name))) {
                Ok(Ok(_)) => loaded += 1,
                Ok(Err(e)) => {
                    refused += 1;
                    let msg = e.to_string();
                    assert!(msg.contains(&d.path) || msg.contains(&d.name), "{} seed {seed}: the error names no file: {msg}", d.name);
                }
                Err(_) => panic!("{}: the loader panicked on mutation seed {seed}", d.name),
            }
        }
        std::fs::remove_file(&path).unwrap();
    }
    // Both outcomes occur: the mutations are neither all harmless nor all fatal.
    assert!(loaded > 1000 && refused > 1000, "{loaded} loaded, {refused} refused");
}
