//! COW regions by country code: the five blocks of the COW codes that the MID data and the
//! report's figures use (Oceania's codes, 900–990, fall in Asia's block, as in the MID data).

/// The regions, in the order legends list them.
pub const REGIONS: [&str; 5] = ["Americas", "Europe", "Africa", "Middle East", "Asia and Oceania"];

/// The region of a COW country code (its position in [`REGIONS`]): Americas 2–165, Europe
/// 200–395, Africa 402–626, Middle East 630–698, Asia and Oceania 700–990.
pub fn index(ccode: i32) -> usize {
    match ccode {
        ..=199 => 0,
        200..=399 => 1,
        400..=626 => 2,
        627..=699 => 3,
        _ => 4,
    }
}

/// The region's name.
pub fn name(ccode: i32) -> &'static str {
    REGIONS[index(ccode)]
}

#[cfg(test)]
mod tests {
    #[test]
    fn famous_states_are_where_they_should_be() {
        for (c, r) in [
            (2, "Americas"),
            (165, "Americas"),
            (200, "Europe"),
            (365, "Europe"),
            (395, "Europe"),
            (475, "Africa"),
            (625, "Africa"),
            (630, "Middle East"),
            (666, "Middle East"),
            (710, "Asia and Oceania"),
            (900, "Asia and Oceania"),
        ] {
            assert_eq!(super::name(c), r, "{c}");
        }
    }
}
