//! Countries and their regions. Urban customers lean towards each country's metropolitan
//! regions, rural customers away from them.

/// A region of a country: name, relative population, and whether it is metropolitan.
pub(crate) struct Region {
    pub(crate) name: &'static str,
    pub(crate) weight: u32,
    pub(crate) metro: bool,
}

/// A country with its share of customers and its regions.
pub(crate) struct Country {
    pub(crate) name: &'static str,
    pub(crate) weight: u32,
    pub(crate) regions: &'static [Region],
}

const fn r(name: &'static str, weight: u32, metro: bool) -> Region {
    Region { name, weight, metro }
}

/// The countries the shop sells to, in the order of [`super::COUNTRIES`].
pub(crate) const COUNTRIES: [Country; 6] = [
    Country {
        name: "United Kingdom",
        weight: 34,
        regions: &[
            r("London", 13, true),
            r("South East", 14, false),
            r("North West", 11, true),
            r("West Midlands", 9, true),
            r("Yorkshire and the Humber", 8, false),
            r("East of England", 9, false),
            r("South West", 8, false),
            r("Scotland", 8, false),
            r("Wales", 5, false),
            r("Northern Ireland", 3, false),
        ],
    },
    Country {
        name: "Germany",
        weight: 21,
        regions: &[
            r("Berlin", 5, true),
            r("Hamburg", 2, true),
            r("Bavaria", 16, false),
            r("North Rhine-Westphalia", 21, true),
            r("Baden-Württemberg", 13, false),
            r("Hesse", 8, false),
            r("Lower Saxony", 10, false),
            r("Saxony", 5, false),
        ],
    },
    Country {
        name: "France",
        weight: 16,
        regions: &[
            r("Île-de-France", 18, true),
            r("Auvergne-Rhône-Alpes", 12, false),
            r("Provence-Alpes-Côte d'Azur", 8, true),
            r("Occitanie", 9, false),
            r("Nouvelle-Aquitaine", 9, false),
            r("Hauts-de-France", 9, false),
            r("Grand Est", 8, false),
            r("Brittany", 5, false),
        ],
    },
    Country {
        name: "Spain",
        weight: 12,
        regions: &[
            r("Madrid", 14, true),
            r("Catalonia", 16, true),
            r("Andalusia", 18, false),
            r("Valencian Community", 11, false),
            r("Basque Country", 5, false),
            r("Galicia", 6, false),
        ],
    },
    Country {
        name: "Netherlands",
        weight: 10,
        regions: &[
            r("North Holland", 17, true),
            r("South Holland", 21, true),
            r("Utrecht", 8, true),
            r("North Brabant", 15, false),
            r("Gelderland", 12, false),
            r("Groningen", 3, false),
        ],
    },
    Country {
        name: "Ireland",
        weight: 7,
        regions: &[
            r("Dublin", 28, true),
            r("Cork", 11, false),
            r("Galway", 5, false),
            r("Limerick", 4, false),
            r("Kerry", 3, false),
            r("Donegal", 3, false),
        ],
    },
];

/// How strongly urbanicity pulls towards (or away from) metropolitan regions.
const METRO_PULL: u32 = 4;

/// Region weights adjusted for a customer's urbanicity (0 urban, 1 suburban, 2 rural),
/// written into `out` (at most 10 regions); returns the number of regions.
pub(crate) fn region_weights(country: &Country, urbanicity: usize, out: &mut [u32; 10]) -> usize {
    for (slot, region) in out.iter_mut().zip(country.regions) {
        *slot = match (urbanicity, region.metro) {
            // No saturation: the table's weights are below 100.
            (0, true) | (2, false) => region.weight.saturating_mul(METRO_PULL),
            _ => region.weight,
        };
    }
    country.regions.len().min(out.len())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn every_country_has_at_most_ten_regions_and_a_metro_one() {
        for c in &COUNTRIES {
            assert!(!c.regions.is_empty() && c.regions.len() <= 10, "{}", c.name);
            assert!(c.regions.iter().any(|r| r.metro), "{}", c.name);
        }
    }

    #[test]
    fn country_names_match_the_public_list() {
        let names: Vec<&str> = COUNTRIES.iter().map(|c| c.name).collect();
        assert_eq!(names, super::super::COUNTRIES);
    }

    #[test]
    fn urban_customers_weight_metro_regions_up() {
        let mut w = [0; 10];
        let uk = &COUNTRIES[0];
        region_weights(uk, 0, &mut w);
        assert_eq!(w[0], 13 * METRO_PULL);
        region_weights(uk, 1, &mut w);
        assert_eq!(w[0], 13);
    }
}
