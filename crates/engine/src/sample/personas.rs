//! The five hidden personas and the parameters that drive each one.
//!
//! Weight arrays line up with the label lists in the parent module ([`super::GENDERS`],
//! [`super::MARITAL_STATUSES`], [`super::URBANICITIES`], [`super::CHANNELS`],
//! [`super::CATEGORIES`]). Day numbers count from 2019-01-01.

use serde::{Deserialize, Serialize};

use super::calendar::day;

/// The hidden group a sample customer belongs to. It drives the customer's demographics,
/// channel, behaviour, categories, spend and timing, and is never written to the files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
pub enum Persona {
    /// Young urban app-first bargain hunters (30%): aged about 19–34, mostly single, urban,
    /// low income, acquired through paid social and affiliates, heavy app use; frequent small
    /// orders of fashion, beauty and electronics; most returns.
    #[default]
    BargainHunter,
    /// Affluent suburban families (20%), the planted **champions**: aged about 33–52, married
    /// with children, suburban, high income, opted in to email; the most frequent, most recent
    /// and biggest-spending customers, buying grocery, home and toys.
    AffluentFamily,
    /// Retired rural loyalists (18%): aged about 62–88, retired, rural, modest income, came
    /// from the retail store or email, almost never use the app; regular orders of steady size
    /// (grocery, garden, home), many support tickets, the highest ratings.
    RuralLoyalist,
    /// Busy urban professionals (14%): aged about 27–52, urban, high income, found the shop
    /// through search and referrals; few but large orders, mostly electronics and home, less
    /// recent than the other active personas.
    BusyProfessional,
    /// Lapsed one-time and occasional buyers (18%): any age and place, came through paid
    /// channels, almost no visits. They order between January 2023 and June 2024 until they drop
    /// out: after every order a customer stops for good with their own probability (50–75%), so
    /// three in five ordered once and the rest a few times, weeks apart, and nothing since. About
    /// one in six never ordered at all (≈3% of all customers).
    Lapsed,
}

impl Persona {
    /// Every persona, in documentation order.
    pub const ALL: [Persona; 5] = [
        Persona::BargainHunter,
        Persona::AffluentFamily,
        Persona::RuralLoyalist,
        Persona::BusyProfessional,
        Persona::Lapsed,
    ];

    /// The persona's human-readable name, e.g. "Affluent suburban families".
    pub fn name(self) -> &'static str {
        match self {
            Persona::BargainHunter => "Young urban app-first bargain hunters",
            Persona::AffluentFamily => "Affluent suburban families",
            Persona::RuralLoyalist => "Retired rural loyalists",
            Persona::BusyProfessional => "Busy urban professionals",
            Persona::Lapsed => "Lapsed one-time and occasional buyers",
        }
    }

    /// The expected share of customers in this persona (the shares sum to 1).
    pub fn share(self) -> f64 {
        f64::from(self.profile().share_permille) / 1000.0
    }

    /// True for the persona planted as RFM champions (frequent, recent, big spenders).
    pub fn is_champion(self) -> bool {
        self == Persona::AffluentFamily
    }

    /// The generator's parameters for this persona.
    pub(crate) fn profile(self) -> &'static Profile {
        match self {
            Persona::BargainHunter => &BARGAIN_HUNTER,
            Persona::AffluentFamily => &AFFLUENT_FAMILY,
            Persona::RuralLoyalist => &RURAL_LOYALIST,
            Persona::BusyProfessional => &BUSY_PROFESSIONAL,
            Persona::Lapsed => &LAPSED,
        }
    }

    /// Share weights (per mille) in [`Persona::ALL`] order.
    pub(crate) fn share_weights() -> [u32; 5] {
        Persona::ALL.map(|p| p.profile().share_permille)
    }
}

impl std::fmt::Display for Persona {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How a persona orders over time.
pub(crate) enum Activity {
    /// Orders through to the end of the window.
    Active {
        /// Mean orders per year while active.
        orders_per_year: f64,
        /// Log-scale spread of a customer's own rate around the persona's.
        rate_spread: f64,
        /// Mean days between the last order and the end of the window.
        last_order_gap_days: f64,
        /// Orders come at a steady interval (rather than at random times).
        regular: bool,
    },
    /// Orders early in the window until the customer drops out: orders come at the customer's own
    /// rate, after every order the customer stops for good with their own drop-out probability,
    /// and nobody orders after `last_order_by`.
    Lapsed {
        /// Probability of never ordering at all.
        never_ordered: f64,
        /// First order no earlier than this day.
        first_order_from: i32,
        /// First order no later than this day.
        first_order_to: i32,
        /// Mean orders per year until the customer drops out.
        orders_per_year: f64,
        /// Log-scale spread of a customer's own rate around the persona's.
        rate_spread: f64,
        /// The range of a customer's probability of dropping out after each order, drawn
        /// uniformly once per customer.
        drop_out: (f64, f64),
        /// No order after this day.
        last_order_by: i32,
    },
}

/// Everything the generator needs to know about one persona.
pub(crate) struct Profile {
    /// Share of customers, per mille.
    pub(crate) share_permille: u32,
    /// Age: mean, standard deviation, minimum, maximum.
    pub(crate) age: (f64, f64, u8, u8),
    /// Weights over [`super::GENDERS`].
    pub(crate) gender: [u32; 3],
    /// Weights over [`super::MARITAL_STATUSES`].
    pub(crate) marital: [u32; 4],
    /// Probability of having (or having raised) children.
    pub(crate) children: f64,
    /// Weights over [`super::URBANICITIES`].
    pub(crate) urbanicity: [u32; 3],
    /// Annual income: mean and standard deviation.
    pub(crate) income: (f64, f64),
    /// Weights over [`super::CHANNELS`].
    pub(crate) channel: [u32; 6],
    /// Probability of opting in to email.
    pub(crate) email_opt_in: f64,
    /// Mean web visits in the last 90 days.
    pub(crate) web_visits: f64,
    /// Mean app sessions in the last 90 days.
    pub(crate) app_sessions: f64,
    /// Mean support tickets in the last 12 months.
    pub(crate) support_tickets: f64,
    /// Average rating: mean and probability of no rating.
    pub(crate) rating: (f64, f64),
    /// Sign-up day range (inclusive), before any adjustment to precede the first order.
    pub(crate) signup: (i32, i32),
    /// Ordering pattern.
    pub(crate) activity: Activity,
    /// Typical order value in euros, before the category's price level.
    pub(crate) order_value: f64,
    /// Weights over [`super::CATEGORIES`].
    pub(crate) categories: [u32; 8],
    /// Probability that an order is later returned (fully or partly refunded).
    pub(crate) return_rate: f64,
}

/// Relative price level of each of [`super::CATEGORIES`].
pub(crate) const CATEGORY_PRICE: [f64; 8] = [1.0, 1.4, 1.0, 2.2, 0.6, 0.9, 1.2, 1.1];

//                                    Female Male Non-binary
//                                    Single Married Divorced Widowed
//                                    Urban Suburban Rural
//                                    Organic Paid-social Referral Email Store Affiliate
//                                    Grocery Home Fashion Electronics Beauty Toys Garden Sports

const BARGAIN_HUNTER: Profile = Profile {
    share_permille: 300,
    age: (26.0, 4.0, 18, 38),
    gender: [55, 40, 5],
    marital: [78, 18, 4, 0],
    children: 0.10,
    urbanicity: [82, 15, 3],
    income: (29_000.0, 6_000.0),
    channel: [15, 45, 10, 3, 2, 25],
    email_opt_in: 0.35,
    web_visits: 8.0,
    app_sessions: 45.0,
    support_tickets: 1.2,
    rating: (3.7, 0.25),
    signup: (day(2020, 6, 1), day(2025, 6, 30)),
    activity: Activity::Active { orders_per_year: 4.6, rate_spread: 0.25, last_order_gap_days: 25.0, regular: false },
    order_value: 27.0,
    categories: [10, 5, 35, 15, 25, 2, 1, 7],
    return_rate: 0.032,
};

const AFFLUENT_FAMILY: Profile = Profile {
    share_permille: 200,
    age: (42.0, 5.0, 30, 56),
    gender: [52, 47, 1],
    marital: [4, 86, 10, 0],
    children: 0.92,
    urbanicity: [12, 80, 8],
    income: (96_000.0, 18_000.0),
    channel: [35, 10, 20, 20, 15, 0],
    email_opt_in: 0.78,
    web_visits: 30.0,
    app_sessions: 20.0,
    support_tickets: 2.0,
    rating: (4.3, 0.15),
    signup: (day(2019, 1, 1), day(2022, 12, 31)),
    activity: Activity::Active { orders_per_year: 7.0, rate_spread: 0.15, last_order_gap_days: 10.0, regular: false },
    order_value: 105.0,
    categories: [35, 18, 10, 5, 5, 17, 7, 3],
    return_rate: 0.015,
};

const RURAL_LOYALIST: Profile = Profile {
    share_permille: 180,
    age: (72.0, 5.5, 62, 90),
    gender: [56, 44, 0],
    marital: [3, 62, 8, 27],
    children: 0.80,
    urbanicity: [5, 20, 75],
    income: (33_000.0, 7_000.0),
    channel: [12, 0, 15, 30, 43, 0],
    email_opt_in: 0.85,
    web_visits: 9.0,
    app_sessions: 0.5,
    support_tickets: 3.0,
    rating: (4.6, 0.10),
    signup: (day(2019, 1, 1), day(2022, 12, 31)),
    activity: Activity::Active { orders_per_year: 3.2, rate_spread: 0.15, last_order_gap_days: 40.0, regular: true },
    order_value: 50.0,
    categories: [44, 18, 4, 2, 6, 5, 20, 1],
    return_rate: 0.008,
};

const BUSY_PROFESSIONAL: Profile = Profile {
    share_permille: 140,
    age: (38.0, 6.0, 26, 56),
    gender: [42, 56, 2],
    marital: [45, 40, 15, 0],
    children: 0.15,
    urbanicity: [70, 28, 2],
    income: (74_000.0, 14_000.0),
    channel: [40, 10, 25, 10, 0, 15],
    email_opt_in: 0.40,
    web_visits: 26.0,
    app_sessions: 12.0,
    support_tickets: 0.6,
    rating: (4.0, 0.40),
    signup: (day(2019, 6, 1), day(2025, 3, 31)),
    activity: Activity::Active { orders_per_year: 1.5, rate_spread: 0.25, last_order_gap_days: 90.0, regular: false },
    order_value: 160.0,
    categories: [5, 20, 15, 40, 5, 1, 2, 12],
    return_rate: 0.025,
};

const LAPSED: Profile = Profile {
    share_permille: 180,
    age: (41.0, 13.0, 18, 80),
    gender: [50, 47, 3],
    marital: [42, 42, 11, 5],
    children: 0.40,
    urbanicity: [40, 40, 20],
    income: (45_000.0, 15_000.0),
    channel: [20, 30, 5, 10, 5, 30],
    email_opt_in: 0.20,
    web_visits: 0.6,
    app_sessions: 0.2,
    support_tickets: 0.3,
    rating: (3.2, 0.70),
    signup: (day(2019, 1, 1), day(2025, 12, 31)),
    activity: Activity::Lapsed {
        never_ordered: 0.17,
        first_order_from: day(2023, 1, 1),
        first_order_to: day(2024, 3, 31),
        orders_per_year: 10.0,
        rate_spread: 0.3,
        drop_out: (0.5, 0.75),
        last_order_by: day(2024, 6, 30),
    },
    order_value: 45.0,
    categories: [15, 15, 20, 15, 10, 10, 5, 10],
    return_rate: 0.04,
};

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn shares_sum_to_one() {
        let total: u32 = Persona::share_weights().iter().sum();
        assert_eq!(total, 1000);
        let sum: f64 = Persona::ALL.iter().map(|p| p.share()).sum();
        assert!((sum - 1.0).abs() < 1e-12);
    }

    #[test]
    fn names_are_distinct() {
        let mut names: Vec<&str> = Persona::ALL.iter().map(|p| p.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Persona::ALL.len());
    }

    #[test]
    fn exactly_one_persona_is_planted_as_champions() {
        assert_eq!(Persona::ALL.iter().filter(|p| p.is_champion()).count(), 1);
    }

    #[test]
    fn age_ranges_are_adults_within_ninety() {
        for p in Persona::ALL {
            let (_, _, lo, hi) = p.profile().age;
            assert!(lo >= 18 && hi <= 90 && lo < hi, "{p}");
        }
    }
}
