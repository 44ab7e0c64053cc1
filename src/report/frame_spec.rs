//! A spec's `frame` table: which frame to build and which rows to keep, as a study, a model, a
//! rates table or a multiverse alternative writes it (the model's settings over the study's).

use serde::Deserialize;
use toml::Spanned;

/// Which frame to build and which rows to keep.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameSpec {
    /// Unit of analysis (`dyad-year`, `joiner`, `mission`, ...).
    #[serde(default)]
    pub unit: Option<Spanned<String>>,
    /// Years `A:B`.
    #[serde(default)]
    pub years: Option<Spanned<String>>,
    /// Dispute source (`gml`, `cow5`).
    #[serde(default)]
    pub mids: Option<Spanned<String>>,
    /// Directed dyad-years (default true).
    #[serde(default)]
    pub directed: Option<bool>,
    /// Politically relevant dyads only.
    #[serde(default)]
    pub prd: Option<bool>,
    /// Conflicts that call allies (invocation frames): `war` or `mid`.
    #[serde(default)]
    pub conflicts: Option<Spanned<String>>,
    /// Drop dyad-years of ongoing disputes that are not onsets (dyad-year frames).
    #[serde(default)]
    pub drop_ongoing: Option<bool>,
    /// Keep Tago's crises without a use of force (us-force frames).
    #[serde(default)]
    pub crises: Option<bool>,
    /// Rows kept: comparisons `column OP number` joined by `and` (`year >= 1945 and major1 == 1`).
    #[serde(default)]
    pub filter: Option<Spanned<String>>,
}
