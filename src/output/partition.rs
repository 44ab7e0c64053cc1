//! Hive-partitioned Parquet: a folder with one `year=Y/part-0.parquet` a year, the year in the
//! path and not in the file, as Spark, DuckDB and polars write and read such folders, and an
//! `_allywar.json` (ignored by those readers) that lists every part with its rows and sha256.
//!
//! The folder is written beside its destination under a temporary name and moved into place
//! only when every part is written and synced, so a failed build leaves no partial folder. A
//! folder already at the destination is replaced only if allywar wrote it (it has
//! `_allywar.json`); anything else there is refused before any work is done.

use super::{encode, Metadata, OutputError, OutputFormat};
use polars::prelude::*;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The manifest file of a partitioned folder.
pub const MANIFEST: &str = "_allywar.json";

/// One part written.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Part {
    /// The partition value (the year).
    pub value: i64,
    /// Its file, relative to the folder.
    pub file: String,
    /// Rows.
    pub rows: usize,
    /// sha256 of the file.
    pub sha256: String,
}

/// A partitioned folder being written.
pub struct PartitionWriter {
    dest: PathBuf,
    column: String,
    tmp: tempfile::TempDir,
    parts: Vec<Part>,
    columns: Option<Vec<(String, String)>>,
    /// Where the partition column stood in the frame, and its type there.
    key: Option<(usize, String)>,
}

/// Checks, before any work is done, that a partitioned folder can be written at `dest`: not a
/// file, and empty, absent or a folder allywar partitioned before.
pub fn check_dir(dest: &Path) -> Result<(), OutputError> {
    let bad = |reason: String| OutputError::BadPath { path: dest.to_path_buf(), reason };
    if dest.is_file() {
        return Err(bad("is a file; --partition writes a folder (give a folder name such as frame/)".into()));
    }
    if dest.is_dir() {
        let entries = std::fs::read_dir(dest).map_err(|source| OutputError::Io { path: dest.to_path_buf(), source })?;
        if entries.count() > 0 && !dest.join(MANIFEST).is_file() {
            return Err(bad(format!("is a folder with files allywar did not write (no {MANIFEST}); give a new or empty folder")));
        }
    }
    if OutputFormat::of(dest).is_ok() {
        return Err(bad("ends in a file extension; --partition writes a folder (give a folder name such as frame/)".into()));
    }
    let parent = parent_of(dest);
    if parent.is_dir() && std::fs::metadata(&parent).is_ok_and(|m| m.permissions().readonly()) {
        return Err(bad(format!("the folder {} is read-only", parent.display())));
    }
    Ok(())
}

fn parent_of(dest: &Path) -> PathBuf {
    dest.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf()
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io { path: path.to_path_buf(), source }
}

impl PartitionWriter {
    /// Starts a folder at `dest` partitioned by the integer column `column`.
    pub fn create(dest: &Path, column: &str) -> Result<PartitionWriter, OutputError> {
        check_dir(dest)?;
        let parent = parent_of(dest);
        std::fs::create_dir_all(&parent).map_err(io(&parent))?;
        let tmp = tempfile::Builder::new().prefix(".allywar-").suffix(".partial").tempdir_in(&parent).map_err(io(&parent))?;
        Ok(PartitionWriter { dest: dest.to_path_buf(), column: column.to_string(), tmp, parts: Vec::new(), columns: None, key: None })
    }

    /// Writes the rows of `df` into one part per value of the partition column, in ascending
    /// order, each with `meta`. The rows of a value must all come in one call, and every call
    /// must have the same columns.
    pub fn write(&mut self, df: &DataFrame, meta: &Metadata) -> Result<(), OutputError> {
        let enc = |source: PolarsError| OutputError::Encode { path: self.dest.clone(), source };
        let columns: Vec<(String, String)> =
            df.schema().iter().filter(|(n, _)| n.as_str() != self.column).map(|(n, t)| (n.to_string(), t.to_string())).collect();
        match &self.columns {
            Some(c) if *c != columns => {
                return Err(enc(polars_err!(SchemaMismatch: "a block's columns differ from the first block's")));
            }
            Some(_) => {}
            None => {
                self.columns = Some(columns);
                let at = df.get_column_index(&self.column);
                self.key = at.map(|i| (i, df.schema().get_at_index(i).map(|(_, t)| t.to_string()).unwrap_or_default()));
            }
        }
        let column = self.column.as_str();
        let mut groups = Vec::new();
        for group in df.partition_by_stable([column], true).map_err(enc)? {
            let value = group.column(column).and_then(|c| c.cast(&DataType::Int64)).map_err(enc)?.i64().map_err(enc)?.get(0);
            let value = value.ok_or_else(|| enc(polars_err!(ComputeError: "a row has no {column}")))?;
            groups.push((value, group.drop(column).map_err(enc)?));
        }
        groups.sort_by_key(|g| g.0);
        for (value, mut group) in groups {
            if self.parts.iter().any(|p| p.value == value) {
                return Err(enc(polars_err!(Duplicate: "{} = {value} came in two blocks", self.column)));
            }
            let file = format!("{}={value}/part-0.parquet", self.column);
            let path = self.tmp.path().join(&file);
            let folder = parent_of(&path);
            std::fs::create_dir_all(&folder).map_err(io(&folder))?;
            let mut bytes = std::io::Cursor::new(Vec::new());
            encode(&mut group, OutputFormat::Parquet, meta, &mut bytes).map_err(enc)?;
            let bytes = bytes.into_inner();
            std::fs::write(&path, &bytes).map_err(io(&path))?;
            self.parts.push(Part { value, file, rows: group.height(), sha256: format!("{:x}", Sha256::digest(&bytes)) });
        }
        Ok(())
    }

    /// Writes the manifest (`about`, the columns and the parts), syncs every file and moves the
    /// folder into place, replacing a folder allywar partitioned before. Returns the parts.
    pub fn finish(mut self, about: serde_json::Value) -> Result<Vec<Part>, OutputError> {
        self.parts.sort_by_key(|p| p.value);
        let columns: Vec<serde_json::Value> =
            self.columns.iter().flatten().map(|(n, t)| serde_json::json!({"name": n, "type": t})).collect();
        let manifest = serde_json::json!({
            "about": about,
            // The year is Int64 in the path, as hive readers take it; `position` and
            // `frame_type` say where and as what it stood, for `allywar fit DIR` to put it back.
            "partition": {
                "column": self.column,
                "type": "Int64",
                "in": "path",
                "position": self.key.as_ref().map(|k| k.0),
                "frame_type": self.key.as_ref().map(|k| k.1.clone()),
            },
            "columns": columns,
            "rows": self.parts.iter().map(|p| p.rows).sum::<usize>(),
            "parts": self.parts,
        });
        let text = serde_json::to_string_pretty(&manifest).unwrap_or_default() + "\n";
        let path = self.tmp.path().join(MANIFEST);
        std::fs::write(&path, text).map_err(io(&path))?;
        for p in &self.parts {
            let path = self.tmp.path().join(&p.file);
            std::fs::File::open(&path).and_then(|f| f.sync_all()).map_err(io(&path))?;
        }
        let tmp = self.tmp.keep();
        let old = self.dest.is_dir().then(|| tmp.with_extension("old"));
        if let Some(old) = &old {
            std::fs::rename(&self.dest, old).map_err(io(&self.dest))?;
        }
        if let Err(e) = std::fs::rename(&tmp, &self.dest) {
            if let Some(old) = &old {
                let _ = std::fs::rename(old, &self.dest);
            }
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(io(&self.dest)(e));
        }
        if let Some(old) = old {
            std::fs::remove_dir_all(&old).map_err(io(&old))?;
        }
        Ok(self.parts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(years: &[i32]) -> DataFrame {
        let n = years.len() as i32;
        df!("ccode" => (0..n).collect::<Vec<_>>(), "year" => years, "x" => (0..n).map(f64::from).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn parts_are_one_a_year_without_the_year_and_a_rerun_writes_the_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("f");
        let write = || {
            let mut w = PartitionWriter::create(&dest, "year").unwrap();
            w.write(&frame(&[1817, 1816, 1817]), &Metadata::default()).unwrap();
            w.write(&frame(&[1818]), &Metadata::default()).unwrap();
            w.finish(serde_json::json!({})).unwrap()
        };
        let parts = write();
        assert_eq!(parts.iter().map(|p| (p.value, p.rows)).collect::<Vec<_>>(), [(1816, 1), (1817, 2), (1818, 1)]);
        let read = |y: i32| {
            let f = std::fs::File::open(dest.join(format!("year={y}/part-0.parquet"))).unwrap();
            ParquetReader::new(f).finish().unwrap()
        };
        let y1817 = read(1817);
        assert_eq!(y1817.get_column_names(), ["ccode", "x"]);
        assert_eq!(y1817.column("ccode").unwrap().i32().unwrap().into_no_null_iter().collect::<Vec<_>>(), [0, 2]);
        let bytes = std::fs::read(dest.join(MANIFEST)).unwrap();
        let again = write();
        assert_eq!(again.iter().map(|p| &p.sha256).collect::<Vec<_>>(), parts.iter().map(|p| &p.sha256).collect::<Vec<_>>());
        assert_eq!(std::fs::read(dest.join(MANIFEST)).unwrap(), bytes);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary folder left");
    }

    #[test]
    fn a_folder_reads_back_as_the_frame_and_a_changed_part_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("f");
        // A state-year frame in its key order (ccode, year), the year between the key and x.
        let df = df!("ccode" => [2, 2, 20, 20, 20], "year" => [1816, 1817, 1816, 1817, 1818], "x" => [0.5, 1.5, 2.5, 3.5, 4.5]).unwrap();
        let mut w = PartitionWriter::create(&dest, "year").unwrap();
        w.write(&df.filter(&df.column("year").unwrap().i32().unwrap().lt(1818)).unwrap(), &Metadata::default()).unwrap();
        w.write(&df.filter(&df.column("year").unwrap().i32().unwrap().equal(1818)).unwrap(), &Metadata::default()).unwrap();
        w.finish(serde_json::json!({"allywar_request": {"unit": "state-year"}})).unwrap();
        let read = crate::input::read_frame(&dest).unwrap();
        assert!(read.equals_missing(&df), "{read}");
        assert_eq!(read.column("year").unwrap().dtype(), &DataType::Int32);

        let part = dest.join("year=1817/part-0.parquet");
        let mut bytes = std::fs::read(&part).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&part, bytes).unwrap();
        let err = crate::input::read_frame(&dest).unwrap_err().to_string();
        assert!(err.contains("year=1817/part-0.parquet") && err.contains("changed after allywar wrote it"), "{err}");
        let err = crate::input::read_frame(dir.path()).unwrap_err().to_string();
        assert!(err.contains("expected a folder that `allywar build --partition` wrote"), "{err}");
    }

    #[test]
    fn a_year_in_two_blocks_and_foreign_folders_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("f");
        let mut w = PartitionWriter::create(&dest, "year").unwrap();
        w.write(&frame(&[1816]), &Metadata::default()).unwrap();
        assert!(w.write(&frame(&[1816]), &Metadata::default()).unwrap_err().to_string().contains("1816 came in two blocks"));
        drop(w);
        assert!(!dest.exists(), "nothing written");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "the partial folder is removed");
        std::fs::create_dir(&dest).unwrap();
        std::fs::write(dest.join("notes.txt"), "mine").unwrap();
        assert!(check_dir(&dest).unwrap_err().to_string().contains("did not write"));
        assert!(check_dir(&dir.path().join("f.parquet")).unwrap_err().to_string().contains("file extension"));
    }
}
