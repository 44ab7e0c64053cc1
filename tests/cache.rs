//! The cache of parsed sources (its own test binary: the cache folder is set for the process).

mod common;

use allywar::{sources, DataDir};

#[test]
fn parsed_cache_gives_the_same_frame_and_survives_a_broken_cache_file() {
    // The cache folder is process-wide (an environment variable): one test owns it.
    let cache = tempfile::tempdir().unwrap();
    std::env::set_var("ALLYWAR_CACHE", cache.path());
    let dir = DataDir::new(common::real_data_dir());
    let first = sources::load(&dir, "nmc").unwrap();
    let files: Vec<_> = std::fs::read_dir(cache.path().join("parsed")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 1, "one parse kept");
    let again = sources::load(&dir, "nmc").unwrap();
    assert!(first.equals_missing(&again), "the cached frame differs from the parse");
    assert_eq!(first.schema(), again.schema());
    // A damaged cache file is parsed again and replaced.
    std::fs::write(&files[0], b"not arrow").unwrap();
    let third = sources::load(&dir, "nmc").unwrap();
    assert!(first.equals_missing(&third));
    assert!(std::fs::metadata(&files[0]).unwrap().len() > 1000, "the damaged cache file was replaced");
    // The raw file is still verified on every load, cache or not.
    let tmp = tempfile::tempdir().unwrap();
    let d = allywar::catalog().get("nmc").unwrap();
    let raw = tmp.path().join(&d.path);
    std::fs::create_dir_all(raw.parent().unwrap()).unwrap();
    let mut bytes = std::fs::read(common::real_data_dir().join(&d.path)).unwrap();
    bytes.push(b'\n');
    std::fs::write(&raw, bytes).unwrap();
    let err = sources::load(&DataDir::new(tmp.path()), "nmc").unwrap_err().to_string();
    assert!(err.contains("does not match the catalog"), "{err}");
    std::env::remove_var("ALLYWAR_CACHE");
}
