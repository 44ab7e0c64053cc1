//! Typed names of the catalog's datasets: code names a dataset by a variant, never by a bare
//! string, so a typo is a compile error and `allywar data` names stay in one place.

use super::{catalog, Dataset};

/// A dataset of the catalog (`data/catalog.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DatasetId {
    /// `cow_mida`.
    CowMida,
    /// `cow_midb`.
    CowMidb,
    /// `cow_midi`.
    CowMidi,
    /// `cow_midip`.
    CowMidip,
    /// `gml_mida_2.0`.
    GmlMida2_0,
    /// `gml_midb_2.0`.
    GmlMidb2_0,
    /// `gml_ddy_2.0`.
    GmlDdy2_0,
    /// `gml_ndy_2.0`.
    GmlNdy2_0,
    /// `gml_ddy_2.1.1`.
    GmlDdy2_1_1,
    /// `gml_ddy_2.2.1`.
    GmlDdy,
    /// `gml_part_2.2.1`.
    GmlParticipants,
    /// `gml_part_2.2.1_rda`.
    GmlParticipantsRda,
    /// `atop_ddy`.
    AtopDdy,
    /// `atop_alliance_4.01`.
    AtopAlliance4_01,
    /// `atop_member_4.01`.
    AtopMember4_01,
    /// `benson_types`.
    BensonTypes,
    /// `nmc`.
    Nmc,
    /// `contdird`.
    Contdird,
    /// `contdir`.
    Contdir,
    /// `contdirs`.
    Contdirs,
    /// `states`.
    States,
    /// `system`.
    System,
    /// `majors`.
    Majors,
    /// `democracy`.
    Democracy,
    /// `war_inter`.
    WarInter,
    /// `war_intra`.
    WarIntra,
    /// `war_extra`.
    WarExtra,
    /// `war_dyadic`.
    WarDyadic,
    /// `country_codes`.
    CountryCodes,
    /// `capitals`.
    Capitals,
    /// `mindist`.
    Mindist,
    /// `rivalries`.
    Rivalries,
    /// `pkm`.
    Pkm,
    /// `pkm_csv`.
    PkmCsv,
    /// `imi`.
    Imi,
    /// `imi_csv`.
    ImiCsv,
    /// `prif_hmi_dta`.
    PrifHmiDta,
    /// `prif_hmi`.
    PrifHmi,
    /// `tago_rda`.
    TagoRda,
    /// `tago`.
    Tago,
    /// `geopko_tcc`.
    GeopkoTcc,
}

impl DatasetId {
    /// Every dataset, in catalog order.
    pub const ALL: [DatasetId; 41] = [
        DatasetId::CowMida,
        DatasetId::CowMidb,
        DatasetId::CowMidi,
        DatasetId::CowMidip,
        DatasetId::GmlMida2_0,
        DatasetId::GmlMidb2_0,
        DatasetId::GmlDdy2_0,
        DatasetId::GmlNdy2_0,
        DatasetId::GmlDdy2_1_1,
        DatasetId::GmlDdy,
        DatasetId::GmlParticipants,
        DatasetId::GmlParticipantsRda,
        DatasetId::AtopDdy,
        DatasetId::AtopAlliance4_01,
        DatasetId::AtopMember4_01,
        DatasetId::BensonTypes,
        DatasetId::Nmc,
        DatasetId::Contdird,
        DatasetId::Contdir,
        DatasetId::Contdirs,
        DatasetId::States,
        DatasetId::System,
        DatasetId::Majors,
        DatasetId::Democracy,
        DatasetId::WarInter,
        DatasetId::WarIntra,
        DatasetId::WarExtra,
        DatasetId::WarDyadic,
        DatasetId::CountryCodes,
        DatasetId::Capitals,
        DatasetId::Mindist,
        DatasetId::Rivalries,
        DatasetId::Pkm,
        DatasetId::PkmCsv,
        DatasetId::Imi,
        DatasetId::ImiCsv,
        DatasetId::PrifHmiDta,
        DatasetId::PrifHmi,
        DatasetId::TagoRda,
        DatasetId::Tago,
        DatasetId::GeopkoTcc,
    ];

    /// The catalog name (`allywar data describe NAME`).
    pub fn name(self) -> &'static str {
        match self {
            DatasetId::CowMida => "cow_mida",
            DatasetId::CowMidb => "cow_midb",
            DatasetId::CowMidi => "cow_midi",
            DatasetId::CowMidip => "cow_midip",
            DatasetId::GmlMida2_0 => "gml_mida_2.0",
            DatasetId::GmlMidb2_0 => "gml_midb_2.0",
            DatasetId::GmlDdy2_0 => "gml_ddy_2.0",
            DatasetId::GmlNdy2_0 => "gml_ndy_2.0",
            DatasetId::GmlDdy2_1_1 => "gml_ddy_2.1.1",
            DatasetId::GmlDdy => "gml_ddy_2.2.1",
            DatasetId::GmlParticipants => "gml_part_2.2.1",
            DatasetId::GmlParticipantsRda => "gml_part_2.2.1_rda",
            DatasetId::AtopDdy => "atop_ddy",
            DatasetId::AtopAlliance4_01 => "atop_alliance_4.01",
            DatasetId::AtopMember4_01 => "atop_member_4.01",
            DatasetId::BensonTypes => "benson_types",
            DatasetId::Nmc => "nmc",
            DatasetId::Contdird => "contdird",
            DatasetId::Contdir => "contdir",
            DatasetId::Contdirs => "contdirs",
            DatasetId::States => "states",
            DatasetId::System => "system",
            DatasetId::Majors => "majors",
            DatasetId::Democracy => "democracy",
            DatasetId::WarInter => "war_inter",
            DatasetId::WarIntra => "war_intra",
            DatasetId::WarExtra => "war_extra",
            DatasetId::WarDyadic => "war_dyadic",
            DatasetId::CountryCodes => "country_codes",
            DatasetId::Capitals => "capitals",
            DatasetId::Mindist => "mindist",
            DatasetId::Rivalries => "rivalries",
            DatasetId::Pkm => "pkm",
            DatasetId::PkmCsv => "pkm_csv",
            DatasetId::Imi => "imi",
            DatasetId::ImiCsv => "imi_csv",
            DatasetId::PrifHmiDta => "prif_hmi_dta",
            DatasetId::PrifHmi => "prif_hmi",
            DatasetId::TagoRda => "tago_rda",
            DatasetId::Tago => "tago",
            DatasetId::GeopkoTcc => "geopko_tcc",
        }
    }

    /// The catalog entry.
    pub fn dataset(self) -> &'static Dataset {
        // Every variant is checked against the embedded catalog by a test.
        match catalog().get(self.name()) {
            Ok(d) => d,
            Err(e) => panic!("{e}"),
        }
    }

    /// First and last year the dataset covers, from the catalog's `years` field.
    pub fn years(self) -> Option<[i32; 2]> {
        self.dataset().years
    }

    /// The variant of a catalog name.
    pub fn from_name(name: &str) -> Option<DatasetId> {
        DatasetId::ALL.into_iter().find(|d| d.name() == name)
    }
}

impl std::fmt::Display for DatasetId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_is_a_catalog_dataset_and_back() {
        let cat = catalog();
        assert_eq!(DatasetId::ALL.len(), cat.datasets.len());
        for (id, d) in DatasetId::ALL.iter().zip(&cat.datasets) {
            assert_eq!(id.name(), d.name);
            assert_eq!(DatasetId::from_name(&d.name), Some(*id));
        }
    }
}
