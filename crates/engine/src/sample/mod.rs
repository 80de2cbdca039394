//! The built-in sample data: a fictional European online retailer's customers and their
//! transactions, with planted structure for segmentation to find.
//!
//! The sample is **seeded and streaming**: [`write_sample`] generates customer 1, writes it and
//! its transactions, then moves on, so memory does not grow with the number of customers and
//! the same [`SampleParams`] always give the same bytes (on every platform: the generator uses
//! no platform maths functions and no hash-map order). Customer `i` depends only on
//! `(seed, i)` ([`customer`]), never on the customers before it.
//!
//! # Personas (hidden)
//!
//! Every customer belongs to one of five [`Persona`]s, drawn at random with the shares below.
//! The persona drives demographics, acquisition channel, web/app behaviour, categories, spend
//! and timing, each with noise. **The persona is not written to either file**; use
//! [`customer`] to recover it. Clustering the behavioural columns (orders, spend, recency,
//! `web_visits_90d`, `app_sessions_90d`, ...) recovers the personas at k = 5, and RFM finds
//! the planted champions and lapsed customers.
//!
//! Figures are per-persona means measured on the default sample (5,000 customers,
//! [`DEFAULT_SEED`]): "orders" excludes refunds, "spend" is net of refunds and includes
//! customers without orders, "order value" is spend per order, "days since last order"
//! counts to the day after the window end (2026-01-01). Each customer also has their own
//! random level of activity and spend around the persona's, and every order its own noise.
//! On 5,000 customers, k-means (k = 5) on the standardised orders, spend, days since last
//! order, `web_visits_90d` and `app_sessions_90d` gives an adjusted Rand index of about
//! 0.9 against the personas, about 0.97 after `ln(1 + x)` scaling.
//!
//! | Persona | Share | Who | Orders | Order value | Spend | Days since last order | Web / app visits (90 d) | Main categories |
//! |---|---|---|---|---|---|---|---|---|
//! | [`Persona::BargainHunter`]: young urban app-first bargain hunters | 30% | 18–38 (mean 26), mostly single, 82% urban, income ≈ €29k, paid social / affiliate, 35% email opt-in | ≈ 12 | ≈ €29 | ≈ €340 | ≈ 26 | 8 / 45 | Fashion, Beauty, Electronics |
//! | [`Persona::AffluentFamily`]: affluent suburban families, **the champions** | 20% | 30–56 (mean 42), married with children, 80% suburban, income ≈ €96k, search / email / referral / store, 78% opt-in, signed up before 2023 | ≈ 22 | ≈ €115 | ≈ €2,500 | ≈ 11 | 30 / 20 | Grocery, Home, Toys |
//! | [`Persona::RuralLoyalist`]: retired rural loyalists | 18% | 62–90 (mean 72), retired or empty nesters, 75% rural, income ≈ €33k, retail store / email, 85% opt-in, most support tickets (≈3), highest ratings (≈4.6), signed up before 2023 | ≈ 10, at a steady interval | ≈ €54 | ≈ €530 | ≈ 40 | 9 / 0.5 | Grocery, Garden, Home |
//! | [`Persona::BusyProfessional`]: busy urban professionals | 14% | 26–56 (mean 38), 70% urban, income ≈ €74k, search / referral / affiliate | ≈ 4.5 | ≈ €245 | ≈ €1,100 | ≈ 94 | 26 / 12 | Electronics, Home, Sports, Fashion |
//! | [`Persona::Lapsed`]: lapsed one-time and occasional buyers | 18% | any age (mean 42) and place, income ≈ €45k, paid social / affiliate, 20% opt-in, rating mostly empty | 1 (three in five of those who ordered), 2 or more until they dropped out (two in five; mostly 2–3), or none (one in six) | ≈ €52 | ≈ €72 | ≈ 845; last order Jan 2023 – Jun 2024 | 0.6 / 0.2 | mixed |
//!
//! Planted value structure:
//! - **Champions**: affluent families order most often, most recently and spend most.
//! - **Lapsed**: lapsed buyers' last order is at least 18 months before the window end;
//!   every customer of the other personas ordered within the last year of the window.
//! - **Drop-out**: lapsed buyers stop buying at a random time. From their first order (January
//!   2023 – March 2024) they order at their own rate (about 10 a year, so a repeat order comes
//!   about five weeks later), and after every order they drop out for good with their own
//!   probability, drawn once per customer between 50% and 75%; none of them orders after June
//!   2024. So BG/NBD can identify drop-out: on the default sample, fitted in weeks on all
//!   transactions ([`crate::clv::ClvParams::default`]), it converges inside its bounds (r ≈ 2.05,
//!   α ≈ 25.7, a ≈ 0.009, b ≈ 0.26) and puts about 5% of the customers who bought below a
//!   P(alive) of 0.5, nearly all of them lapsed buyers who ordered more than once, and about 94%
//!   above 0.9. The other personas do not drop out (every customer of theirs ordered in the
//!   window's last year), so nearly all their P(alive)s are above 0.9; BG/NBD gives anyone
//!   with a single order a P(alive) of 1.
//! - **One-time buyers**: about three in five ordering lapsed buyers ordered exactly once.
//! - **No transactions**: about one in six lapsed customers (≈3% of all) never ordered.
//! - **Regular buyers**: retired loyalists order at a steady interval (low spread of days
//!   between orders); the other active personas order at random times.
//! - **Returns**: about 2% of transaction rows are refunds, most often for lapsed buyers and
//!   bargain hunters, least often for loyalists.
//!
//! # `customers.csv`
//!
//! Header exactly [`CUSTOMER_HEADER`], one row per customer in `customer_id` order:
//!
//! | Column | Type | Values |
//! |---|---|---|
//! | `customer_id` | text | 7-digit zero-padded number, `0000001` upwards (8 digits past 9,999,999); keep as text: the leading zeros matter |
//! | `age` | integer | 18–90 |
//! | `gender` | text | `Female`, `Male`, `Non-binary`; empty for about 2% |
//! | `marital_status` | text | `Single`, `Married`, `Divorced`, `Widowed` (nobody under 24 is divorced, nobody under 45 widowed) |
//! | `life_stage` | text | `Single`, `Couple`, `Family with children`, `Empty nester`, `Retired`: 66+ is retired; otherwise children and under 55 is a family, children and 55+ an empty nester, married without children a couple, the rest single |
//! | `country` | text | `United Kingdom`, `Germany`, `France`, `Spain`, `Netherlands`, `Ireland` |
//! | `region` | text | a real region of that country (e.g. `London`, `Bavaria`, `Île-de-France`, `Catalonia`, `North Holland`, `Dublin`); urban customers lean to metropolitan regions; UTF-8 |
//! | `urbanicity` | text | `Urban`, `Suburban`, `Rural` |
//! | `income` | integer or `NA` | annual household income in euros, multiple of 100, at least 8,000; `NA` for about 3% |
//! | `signup_date` | date | ISO `YYYY-MM-DD` between 2019-01-01 and 2025-12-31, never after the customer's first order |
//! | `acquisition_channel` | text | `Organic search`, `Paid social`, `Referral`, `Email`, `Retail store`, `Affiliate` |
//! | `email_opt_in` | boolean | `true` or `false` |
//! | `web_visits_90d` | integer | website visits in the last 90 days |
//! | `app_sessions_90d` | integer | app sessions in the last 90 days |
//! | `support_tickets_12m` | integer | support tickets in the last 12 months |
//! | `avg_rating` | decimal or empty | average product rating given, 1.0–5.0 with one decimal; empty when the customer never rated |
//!
//! # `transactions.csv`
//!
//! Header exactly [`TRANSACTION_HEADER`], rows grouped by customer in `customer_id` order and
//! by date within a customer. About 10 rows per customer (≈50,000 for 5,000 customers).
//!
//! | Column | Type | Values |
//! |---|---|---|
//! | `customer_id` | text | as in `customers.csv`; every one exists there |
//! | `order_id` | text | `O` + 7-digit customer number + `-` + 3-digit order number in date order, e.g. `O0000042-003`; unique per order. A refund row repeats the id of the order it refunds |
//! | `order_date` | date | ISO `YYYY-MM-DD` within 2023-01-01..2025-12-31 ([`WINDOW_START`]..=[`WINDOW_END`]), on or after the customer's `signup_date` |
//! | `amount` | decimal | euros with exactly two decimals; negative for refunds (≈2% of rows), which repeat the whole amount of an earlier order (three in four) or part of it, 3–30 days later |
//! | `category` | text | `Grocery`, `Home`, `Fashion`, `Electronics`, `Beauty`, `Toys`, `Garden`, `Sports` (one per order; a refund has its order's category) |
//!
//! The window is fixed (it never depends on "today"), so an as-of date of 2026-01-01 (the
//! day after the latest transaction) gives the recencies above.

mod calendar;
mod draw;
mod errors;
mod generate;
mod geography;
mod params;
mod personas;
mod write;

use chrono::NaiveDate;

pub use errors::SampleError;
pub use params::{SampleParams, ValidSampleParams, DEFAULT_CUSTOMERS, DEFAULT_SEED, MAX_CUSTOMERS, MIN_CUSTOMERS};
pub use personas::Persona;
pub use write::{sample_csv, write_sample, SampleSummary, CUSTOMER_BYTES, PROGRESS_EVERY, STAGE, TRANSACTION_BYTES};

/// The header of `customers.csv`, in column order.
pub const CUSTOMER_HEADER: [&str; 16] = [
    "customer_id",
    "age",
    "gender",
    "marital_status",
    "life_stage",
    "country",
    "region",
    "urbanicity",
    "income",
    "signup_date",
    "acquisition_channel",
    "email_opt_in",
    "web_visits_90d",
    "app_sessions_90d",
    "support_tickets_12m",
    "avg_rating",
];

/// The header of `transactions.csv`, in column order.
pub const TRANSACTION_HEADER: [&str; 5] = ["customer_id", "order_id", "order_date", "amount", "category"];

/// Values of `gender` (besides empty for not recorded).
pub const GENDERS: [&str; 3] = ["Female", "Male", "Non-binary"];
/// Values of `marital_status`.
pub const MARITAL_STATUSES: [&str; 4] = ["Single", "Married", "Divorced", "Widowed"];
/// Values of `life_stage`.
pub const LIFE_STAGES: [&str; 5] = ["Single", "Couple", "Family with children", "Empty nester", "Retired"];
/// Values of `country`.
pub const COUNTRIES: [&str; 6] = ["United Kingdom", "Germany", "France", "Spain", "Netherlands", "Ireland"];
/// Values of `urbanicity`.
pub const URBANICITIES: [&str; 3] = ["Urban", "Suburban", "Rural"];
/// Values of `acquisition_channel`.
pub const CHANNELS: [&str; 6] = ["Organic search", "Paid social", "Referral", "Email", "Retail store", "Affiliate"];
/// Values of `category`.
pub const CATEGORIES: [&str; 8] = ["Grocery", "Home", "Fashion", "Electronics", "Beauty", "Toys", "Garden", "Sports"];

/// The earliest `signup_date` (2019-01-01).
pub const SIGNUP_START: NaiveDate = const_date(2019, 1, 1);
/// The first day of the transaction window (2023-01-01).
pub const WINDOW_START: NaiveDate = const_date(2023, 1, 1);
/// The last day of the transaction window and of sign-ups (2025-12-31).
pub const WINDOW_END: NaiveDate = const_date(2025, 12, 31);

const fn const_date(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(date) => date,
        None => NaiveDate::MIN,
    }
}

/// One sample customer with their hidden persona and their transactions: one row of
/// `customers.csv` plus that customer's rows of `transactions.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleCustomer {
    /// Position in the sample, from 0.
    pub index: u64,
    /// `customer_id`: `index + 1`, zero-padded to 7 digits.
    pub customer_id: String,
    /// The hidden persona (not written to the files).
    pub persona: Persona,
    /// `age`.
    pub age: u8,
    /// `gender`; `None` is written as an empty field.
    pub gender: Option<&'static str>,
    /// `marital_status`.
    pub marital_status: &'static str,
    /// `life_stage`.
    pub life_stage: &'static str,
    /// `country`.
    pub country: &'static str,
    /// `region`.
    pub region: &'static str,
    /// `urbanicity`.
    pub urbanicity: &'static str,
    /// `income` in euros; `None` is written as `NA`.
    pub income: Option<u32>,
    /// `signup_date`.
    pub signup_date: NaiveDate,
    /// `acquisition_channel`.
    pub acquisition_channel: &'static str,
    /// `email_opt_in`.
    pub email_opt_in: bool,
    /// `web_visits_90d`.
    pub web_visits_90d: u32,
    /// `app_sessions_90d`.
    pub app_sessions_90d: u32,
    /// `support_tickets_12m`.
    pub support_tickets_12m: u32,
    /// `avg_rating`, a multiple of 0.1 in 1.0..=5.0; `None` is written as an empty field.
    pub avg_rating: Option<f64>,
    /// The customer's transactions in the order they are written (by date).
    pub transactions: Vec<SampleTransaction>,
}

impl SampleCustomer {
    /// Orders placed (transactions with a positive amount).
    pub fn orders(&self) -> usize {
        self.transactions.iter().filter(|t| t.amount_cents > 0).count()
    }

    /// Sum of all transaction amounts in cents, refunds subtracted.
    pub fn net_spend_cents(&self) -> i64 {
        self.transactions.iter().map(|t| t.amount_cents).sum()
    }

    /// Date of the latest order, if any.
    pub fn last_order_date(&self) -> Option<NaiveDate> {
        self.transactions.iter().filter(|t| t.amount_cents > 0).map(|t| t.order_date).max()
    }
}

/// One row of `transactions.csv` (without the customer id, which is the owner's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleTransaction {
    /// `order_id`; a refund repeats its order's id.
    pub order_id: String,
    /// `order_date`.
    pub order_date: NaiveDate,
    /// `amount` in cents; negative for a refund.
    pub amount_cents: i64,
    /// `category`.
    pub category: &'static str,
}

/// The customer at `index` (from 0) of the sample generated with `seed`, with hidden persona
/// and transactions, exactly as [`write_sample`] writes it. Depends only on `(seed, index)`.
///
/// ```
/// use segscope_engine::sample::{customer, DEFAULT_SEED};
///
/// let c = customer(DEFAULT_SEED, 41);
/// assert_eq!(c.customer_id, "0000042");
/// assert_eq!(c, customer(DEFAULT_SEED, 41));
/// assert!(c.transactions.iter().all(|t| t.order_date >= c.signup_date));
/// println!("{} is one of the {}", c.customer_id, c.persona.name());
/// ```
pub fn customer(seed: u64, index: u64) -> SampleCustomer {
    generate::generate(seed, index)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn public_window_constants_match_the_generator() {
        assert_eq!(calendar::date(generate::WINDOW_START_DAY), WINDOW_START);
        assert_eq!(calendar::date(generate::WINDOW_END_DAY), WINDOW_END);
        assert_eq!(calendar::date(0), SIGNUP_START);
    }

    #[test]
    fn customer_ids_are_seven_digit_zero_padded() {
        assert_eq!(customer(1, 0).customer_id, "0000001");
        assert_eq!(customer(1, 9_999_998).customer_id, "9999999");
        assert_eq!(customer(1, 9_999_999).customer_id, "10000000");
    }

    #[test]
    fn life_stage_values_are_the_documented_ones() {
        for i in 0..1_000 {
            let c = customer(3, i);
            assert!(LIFE_STAGES.contains(&c.life_stage), "{}", c.life_stage);
            assert!((18..=90).contains(&c.age));
        }
    }

    #[test]
    fn customer_is_independent_of_generation_order() {
        let forward: Vec<_> = (0..50).map(|i| customer(9, i)).collect();
        let backward: Vec<_> = (0..50).rev().map(|i| customer(9, i)).collect();
        assert!(forward.iter().eq(backward.iter().rev()));
    }
}
