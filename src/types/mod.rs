//! Types shared by every layer above the catalog: units, years, dispute sources, the variable
//! registry and the errors of loading and building. Nothing here loads or computes data.

mod build_error;
pub mod composed;
mod conflicts;
mod load_error;
mod mids;
pub mod region;
pub mod registry;
pub mod selection;
mod unit;
pub mod user_data;
mod years;

pub use build_error::BuildError;
pub use conflicts::Conflicts;
pub use load_error::LoadError;
pub use mids::Mids;
pub use registry::{Group, Source, Var};
pub use selection::VarError;
pub use unit::{Unit, UnitOptions};
pub use years::Years;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_units_years_and_sources() {
        assert_eq!("dyad-year".parse::<Unit>(), Ok(Unit::DyadYear));
        assert_eq!("state_year".parse::<Unit>(), Ok(Unit::StateYear));
        assert!("dyad-yaer".parse::<Unit>().unwrap_err().contains("did you mean `dyad-year`?"));
        assert_eq!("1816:2010".parse::<Years>(), Ok(Years { first: 1816, last: 2010 }));
        assert_eq!("1914".parse::<Years>(), Ok(Years { first: 1914, last: 1914 }));
        assert!("2010:1816".parse::<Years>().unwrap_err().contains("impossible year range"));
        assert!("x:1".parse::<Years>().unwrap_err().contains("expected A:B"));
        assert_eq!("cow5".parse::<Mids>(), Ok(Mids::Cow5));
        assert_eq!(Mids::Gml.coverage(), Years { first: 1816, last: 2010 });
        assert_eq!(Mids::Cow5.coverage(), Years { first: 1816, last: 2014 });
        let y = Years { first: 2005, last: 2020 };
        assert_eq!(y.outside(Years { first: 1816, last: 2016 }), [Years { first: 2017, last: 2020 }]);
        assert_eq!(y.clamp_to(Years { first: 1816, last: 2016 }), Some(Years { first: 2005, last: 2016 }));
    }
}
