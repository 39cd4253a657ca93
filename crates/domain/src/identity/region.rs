use std::fmt;

use crate::DomainError;

/// Where a citizen lives, as coarse as statistics need: one of the 18 French
/// administrative regions (since 2016) by its INSEE code, or outside France.
///
/// The codes are those of INSEE's *Code officiel géographique* (`11` for
/// Île-de-France, `84` for Auvergne-Rhône-Alpes, `01` to `06` for the overseas
/// regions). "Outside France" is `99`, the code INSEE gives to abroad in the
/// same geography (a birthplace abroad is département `99`). No region is an
/// answer of its own: the field is optional on the profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Region {
    /// Guadeloupe (`01`).
    Guadeloupe,
    /// Martinique (`02`).
    Martinique,
    /// Guyane (`03`).
    Guyane,
    /// La Réunion (`04`).
    LaReunion,
    /// Mayotte (`06`).
    Mayotte,
    /// Île-de-France (`11`).
    IleDeFrance,
    /// Centre-Val de Loire (`24`).
    CentreValDeLoire,
    /// Bourgogne-Franche-Comté (`27`).
    BourgogneFrancheComte,
    /// Normandie (`28`).
    Normandie,
    /// Hauts-de-France (`32`).
    HautsDeFrance,
    /// Grand Est (`44`).
    GrandEst,
    /// Pays de la Loire (`52`).
    PaysDeLaLoire,
    /// Bretagne (`53`).
    Bretagne,
    /// Nouvelle-Aquitaine (`75`).
    NouvelleAquitaine,
    /// Occitanie (`76`).
    Occitanie,
    /// Auvergne-Rhône-Alpes (`84`).
    AuvergneRhoneAlpes,
    /// Provence-Alpes-Côte d'Azur (`93`).
    ProvenceAlpesCoteDAzur,
    /// Corse (`94`).
    Corse,
    /// Outside France (`99`).
    OutsideFrance,
}

/// Every region with its code and name, in the order of the codes.
const TABLE: [(Region, &str, &str); 19] = [
    (Region::Guadeloupe, "01", "Guadeloupe"),
    (Region::Martinique, "02", "Martinique"),
    (Region::Guyane, "03", "Guyane"),
    (Region::LaReunion, "04", "La Réunion"),
    (Region::Mayotte, "06", "Mayotte"),
    (Region::IleDeFrance, "11", "Île-de-France"),
    (Region::CentreValDeLoire, "24", "Centre-Val de Loire"),
    (
        Region::BourgogneFrancheComte,
        "27",
        "Bourgogne-Franche-Comté",
    ),
    (Region::Normandie, "28", "Normandie"),
    (Region::HautsDeFrance, "32", "Hauts-de-France"),
    (Region::GrandEst, "44", "Grand Est"),
    (Region::PaysDeLaLoire, "52", "Pays de la Loire"),
    (Region::Bretagne, "53", "Bretagne"),
    (Region::NouvelleAquitaine, "75", "Nouvelle-Aquitaine"),
    (Region::Occitanie, "76", "Occitanie"),
    (Region::AuvergneRhoneAlpes, "84", "Auvergne-Rhône-Alpes"),
    (
        Region::ProvenceAlpesCoteDAzur,
        "93",
        "Provence-Alpes-Côte d'Azur",
    ),
    (Region::Corse, "94", "Corse"),
    (Region::OutsideFrance, "99", "Hors de France"),
];

impl Region {
    /// Every value, in the order of the codes (the 18 regions, then outside France).
    pub const ALL: [Self; 19] = [
        Self::Guadeloupe,
        Self::Martinique,
        Self::Guyane,
        Self::LaReunion,
        Self::Mayotte,
        Self::IleDeFrance,
        Self::CentreValDeLoire,
        Self::BourgogneFrancheComte,
        Self::Normandie,
        Self::HautsDeFrance,
        Self::GrandEst,
        Self::PaysDeLaLoire,
        Self::Bretagne,
        Self::NouvelleAquitaine,
        Self::Occitanie,
        Self::AuvergneRhoneAlpes,
        Self::ProvenceAlpesCoteDAzur,
        Self::Corse,
        Self::OutsideFrance,
    ];

    /// Parses an INSEE region code (`"11"`), or `"99"` for outside France.
    /// Surrounding spaces are ignored; nothing else is.
    ///
    /// # Errors
    /// [`DomainError::InvalidRegion`] for any other text.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let code = raw.trim();
        TABLE
            .iter()
            .find(|(_, known, _)| *known == code)
            .map(|(region, _, _)| *region)
            .ok_or(DomainError::InvalidRegion)
    }

    fn entry(self) -> &'static (Self, &'static str, &'static str) {
        // `TABLE` lists the variants in declaration order, so the discriminant
        // is the index; the fallback keeps this total without a panic.
        TABLE.get(self as usize).unwrap_or(&TABLE[TABLE.len() - 1])
    }

    /// The two-digit code: INSEE's, or `99` outside France.
    #[must_use]
    pub fn code(self) -> &'static str {
        self.entry().1
    }

    /// The region's official name in French.
    #[must_use]
    pub fn name(self) -> &'static str {
        self.entry().2
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_round_trips_through_its_code() {
        for region in Region::ALL {
            assert_eq!(Region::parse(region.code()), Ok(region));
            assert_eq!(region.entry().0, region, "TABLE in declaration order");
        }
        assert_eq!(Region::ALL.len(), 19, "18 regions and outside France");
    }

    #[test]
    fn codes_are_insee_codes() {
        assert_eq!(Region::parse("11"), Ok(Region::IleDeFrance));
        assert_eq!(Region::parse(" 84 "), Ok(Region::AuvergneRhoneAlpes));
        assert_eq!(Region::parse("94").map(Region::name), Ok("Corse"));
        assert_eq!(Region::OutsideFrance.code(), "99");
    }

    #[test]
    fn anything_else_is_refused() {
        for raw in ["", "5", "05", "1", "011", "IDF", "FR-IDF", "100", "-1"] {
            assert_eq!(
                Region::parse(raw),
                Err(DomainError::InvalidRegion),
                "{raw:?}"
            );
        }
    }
}
