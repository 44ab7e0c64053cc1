//! The sources of one build, each loaded once, with a record of every input used (dataset, file,
//! sha256, verified or not) for the output's metadata.

use super::{load_table, system, LoadError};
use crate::catalog::DatasetId;
use crate::datadir::DataDir;
use crate::timing::Stage;
use crate::verify::Verification;
use polars::prelude::DataFrame;
use std::cell::{RefCell, RefMut};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// One input file of a build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// Dataset name: a catalog dataset, or one of the user's own (`allywar data add`).
    pub dataset: String,
    /// The file as the catalog (or the user catalog) names it.
    pub file: String,
    /// Catalog version.
    pub version: String,
    /// File read.
    pub path: PathBuf,
    /// Its sha256.
    pub sha256: String,
    /// Whether it matched the catalog.
    pub verified: bool,
}

/// Source frames loaded once per build.
pub struct Sources<'a> {
    dir: &'a DataDir,
    frames: RefCell<BTreeMap<DatasetId, (DataFrame, Input)>>,
    progress: Option<&'a dyn Fn(&str)>,
}

impl<'a> Sources<'a> {
    /// A cache over `dir`.
    pub fn new(dir: &'a DataDir) -> Sources<'a> {
        Sources { dir, frames: RefCell::new(BTreeMap::new()), progress: None }
    }

    /// Reports each stage (loading a dataset, computing a group of variables) to `progress`.
    pub fn with_progress(mut self, progress: &'a dyn Fn(&str)) -> Sources<'a> {
        self.progress = Some(progress);
        self
    }

    /// Tells the progress hook what is being done.
    pub fn stage(&self, what: &str) {
        if let Some(p) = self.progress {
            p(what);
        }
    }

    /// Checks that every dataset of `needed` is present, before any is loaded, so that a user
    /// learns of everything missing at once (with the one command that fetches it).
    pub fn require(&self, needed: &[DatasetId]) -> Result<(), LoadError> {
        let missing: Vec<(String, PathBuf)> =
            needed.iter().map(|d| (d.name().to_string(), self.dir.path_of(d.dataset()))).filter(|(_, p)| !p.is_file()).collect();
        if missing.is_empty() {
            return Ok(());
        }
        Err(LoadError::Missing {
            dir: self.dir.root.clone(),
            dir_from: self.dir.origin.describe(),
            dir_exists: self.dir.root.is_dir(),
            datasets: missing,
        })
    }

    /// A catalog dataset; membership and major-power spells come with their dates.
    pub fn get(&self, id: DatasetId) -> Result<DataFrame, LoadError> {
        if let Some((df, _)) = self.frames().get(&id) {
            return Ok(df.clone());
        }
        self.stage(&format!("loading {id}"));
        let t = Stage::start();
        let loaded = load_table(self.dir, id.name())?;
        let frame = match id {
            DatasetId::States | DatasetId::Majors => system::with_spell_dates(self.dir, id, loaded.frame)?,
            _ => loaded.frame,
        };
        t.done(&format!("load {id}"));
        let d = id.dataset();
        let input = Input {
            dataset: id.name().to_string(),
            file: d.path.clone(),
            version: d.version.clone(),
            path: self.dir.path_of(d),
            sha256: loaded.sha256,
            verified: loaded.verification == Verification::Verified,
        };
        self.frames().insert(id, (frame.clone(), input));
        Ok(frame)
    }

    fn frames(&self) -> RefMut<'_, BTreeMap<DatasetId, (DataFrame, Input)>> {
        self.frames.borrow_mut()
    }

    /// Every input loaded so far, in catalog order.
    pub fn inputs(&self) -> Vec<Input> {
        self.frames().values().map(|(_, i)| i.clone()).collect()
    }
}
