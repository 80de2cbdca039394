//! One customer and their transactions from `(seed, index)` alone.

use super::calendar::{date, day};
use super::draw::Draw;
use super::geography::{region_weights, COUNTRIES as COUNTRY_TABLE};
use super::personas::{Activity, Persona, Profile, CATEGORY_PRICE};
use super::{SampleCustomer, SampleTransaction, CATEGORIES, CHANNELS, GENDERS, MARITAL_STATUSES, URBANICITIES};

/// First day of the transaction window (2023-01-01).
pub(crate) const WINDOW_START_DAY: i32 = day(2023, 1, 1);
/// Last day of the transaction window and of sign-ups (2025-12-31).
pub(crate) const WINDOW_END_DAY: i32 = day(2025, 12, 31);

/// Share of customers whose gender is not recorded.
const GENDER_MISSING: f64 = 0.02;
/// Share of customers whose income is not recorded.
const INCOME_MISSING: f64 = 0.03;
/// Share of refunds that refund the whole order (the rest refund part of it).
const FULL_REFUND: f64 = 0.75;
/// Most orders one customer can have (order numbers have three digits).
const MAX_ORDERS: usize = 999;

const INDICES: [usize; 10] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const _: () = assert!(
    COUNTRY_TABLE.len() <= INDICES.len() && URBANICITIES.len() <= INDICES.len() && CATEGORIES.len() <= INDICES.len()
);

/// The first `n` of [`INDICES`] (all of them past their end).
fn indices(n: usize) -> &'static [usize] {
    INDICES.get(..n).unwrap_or(&INDICES)
}

/// The customer at `index` (0-based; `customer_id` is `index + 1`) of the sample with `seed`.
pub(crate) fn generate(seed: u64, index: u64) -> SampleCustomer {
    let mut d = Draw::for_customer(seed, index);
    let persona = d.pick(&Persona::ALL, &Persona::share_weights());
    let p = persona.profile();
    // No saturation for a sample's customers (fewer than `MAX_CUSTOMERS`); it keeps `customer(seed,
    // u64::MAX)` from wrapping to customer 0.
    let number = index.saturating_add(1);

    let (mean_age, sd_age, min_age, max_age) = p.age;
    let age = d.gauss(mean_age, sd_age).round().clamp(f64::from(min_age), f64::from(max_age)) as u8;
    let gender = if d.chance(GENDER_MISSING) { None } else { Some(d.pick(&GENDERS, &p.gender)) };
    let marital_status = plausible_marital(d.pick(&MARITAL_STATUSES, &p.marital), age);
    let children = d.chance(p.children);
    let life_stage = life_stage(age, marital_status, children);

    let country_weights = COUNTRY_TABLE.map(|c| c.weight);
    let country =
        COUNTRY_TABLE.get(d.pick(indices(COUNTRY_TABLE.len()), &country_weights)).unwrap_or(&COUNTRY_TABLE[0]);
    let urbanicity_index = d.pick(indices(URBANICITIES.len()), &p.urbanicity);
    let urbanicity = URBANICITIES.get(urbanicity_index).copied().unwrap_or_default();
    let mut weights = [0u32; 10];
    let regions = region_weights(country, urbanicity_index, &mut weights);
    let region = country
        .regions
        .get(d.pick(indices(regions), weights.get(..regions).unwrap_or(&weights)))
        .map_or("", |r| r.name);

    let (mean_income, sd_income) = p.income;
    // No saturation: an income is within a few dozen standard deviations of its mean, far below 4e9.
    let income_value = ((d.gauss(mean_income, sd_income).max(8_000.0) / 100.0).round() as u32).saturating_mul(100);
    let income = (!d.chance(INCOME_MISSING)).then_some(income_value);

    let acquisition_channel = d.pick(&CHANNELS, &p.channel);
    let email_opt_in = d.chance(p.email_opt_in);
    let web_visits_90d = d.noisy_count(p.web_visits, 0.25);
    let app_sessions_90d = d.noisy_count(p.app_sessions, 0.25);
    let support_tickets_12m = d.noisy_count(p.support_tickets, 0.4);
    let (mean_rating, rating_missing) = p.rating;
    let rating_tenths = (d.gauss(mean_rating, 0.45) * 10.0).round().clamp(10.0, 50.0);
    let avg_rating = (!d.chance(rating_missing)).then_some(rating_tenths / 10.0);

    let (signup_day, order_days) = timing(&mut d, p);
    let transactions = transactions(&mut d, p, number, &order_days);

    SampleCustomer {
        index,
        customer_id: {
            let mut id = String::with_capacity(8);
            push_padded(&mut id, number, 7);
            id
        },
        persona,
        age,
        gender,
        marital_status,
        life_stage,
        country: country.name,
        region,
        urbanicity,
        income,
        signup_date: date(signup_day),
        acquisition_channel,
        email_opt_in,
        web_visits_90d,
        app_sessions_90d,
        support_tickets_12m,
        avg_rating,
        transactions,
    }
}

/// Removes impossible combinations: nobody under 24 is divorced or widowed, and widows
/// under 45 are rare enough to count as single.
fn plausible_marital(status: &'static str, age: u8) -> &'static str {
    match status {
        "Divorced" | "Widowed" if age < 24 => "Single",
        "Widowed" if age < 45 => "Single",
        other => other,
    }
}

/// The life stage implied by age, marital status and children.
fn life_stage(age: u8, marital: &str, children: bool) -> &'static str {
    if age >= 66 {
        "Retired"
    } else if children && age < 55 {
        "Family with children"
    } else if children {
        "Empty nester"
    } else if marital == "Married" {
        "Couple"
    } else {
        "Single"
    }
}

/// The sign-up day and the sorted order days (empty for customers who never ordered).
/// Every order falls inside the window and on or after the sign-up day.
// Cannot overflow: every day here is within a year of the generator's fixed window (day 0 is
// 2019-01-01; the window ends on day 2,556), and `gap <= 365`, `MAX_ORDERS` is 999.
#[allow(clippy::arithmetic_side_effects)]
fn timing(d: &mut Draw, p: &Profile) -> (i32, Vec<i32>) {
    let (signup_from, signup_to) = p.signup;
    let mut days = Vec::new();
    let signup = match p.activity {
        Activity::Active { orders_per_year, rate_spread, last_order_gap_days, regular } => {
            let rate = orders_per_year * d.spread(rate_spread);
            let gap = d.exponential(last_order_gap_days).min(365.0).round() as i32;
            let last = WINDOW_END_DAY - gap;
            let signup = d.between(signup_from.min(last), signup_to.min(last));
            let start = signup.max(WINDOW_START_DAY);
            days.push(last);
            if regular {
                let interval = 365.25 / rate;
                let mut t = f64::from(last) - interval * (0.85 + 0.3 * d.unit());
                while t >= f64::from(start) && days.len() < MAX_ORDERS {
                    days.push(t.round() as i32);
                    t -= interval * (0.85 + 0.3 * d.unit());
                }
            } else {
                let extra = d.poisson(rate * f64::from(last - start) / 365.25);
                for _ in 0..extra.min(MAX_ORDERS as u32 - 1) {
                    days.push(d.between(start, last));
                }
            }
            signup
        }
        Activity::Lapsed {
            never_ordered,
            first_order_from,
            first_order_to,
            orders_per_year,
            rate_spread,
            drop_out: (drop_out_min, drop_out_max),
            last_order_by,
        } => {
            if d.chance(never_ordered) {
                d.between(signup_from, signup_to)
            } else {
                let first = d.between(first_order_from, first_order_to);
                let mean_gap = 365.25 / (orders_per_year * d.spread(rate_spread));
                let drop_out = drop_out_min + (drop_out_max - drop_out_min) * d.unit();
                days.push(first);
                // After each order: drop out for good, or order again after an exponential gap.
                let mut t = f64::from(first);
                while days.len() < MAX_ORDERS && !d.chance(drop_out) {
                    t += d.exponential(mean_gap).max(1.0);
                    if t > f64::from(last_order_by) {
                        break;
                    }
                    days.push(t.round() as i32);
                }
                (first - d.between(0, 45)).max(signup_from)
            }
        }
    };
    days.sort_unstable();
    (signup, days)
}

/// Orders on `order_days` (sorted), plus refunds of some of them, sorted by date.
fn transactions(d: &mut Draw, p: &Profile, number: u64, order_days: &[i32]) -> Vec<SampleTransaction> {
    let mut out = Vec::with_capacity(order_days.len().saturating_add(order_days.len() / 16).saturating_add(1));
    let mut refunds = Vec::new();
    let customer_level = d.spread(0.2);
    for (order_number, &order_day) in (1..).zip(order_days) {
        let category = d.pick(indices(CATEGORIES.len()), &p.categories);
        let price = CATEGORY_PRICE.get(category).copied().unwrap_or(1.0);
        let value = p.order_value * customer_level * price * d.spread(0.35);
        let cents = ((value * 100.0).round() as i64).max(150);
        let order_id = order_id(number, order_number);
        let category = CATEGORIES.get(category).copied().unwrap_or_default();
        if d.chance(p.return_rate) {
            // No saturation: order days are within the window (a few thousand).
            let refund_day = order_day.saturating_add(d.between(3, 30)).min(WINDOW_END_DAY);
            let refund = if d.chance(FULL_REFUND) {
                cents
            } else {
                ((cents as f64 * (0.2 + 0.6 * d.unit())).round() as i64).clamp(100.min(cents), cents)
            };
            refunds.push(SampleTransaction {
                order_id: order_id.clone(),
                order_date: date(refund_day),
                amount_cents: refund.saturating_neg(), // `0 < refund <= cents`: no saturation
                category,
            });
        }
        out.push(SampleTransaction { order_id, order_date: date(order_day), amount_cents: cents, category });
    }
    if !refunds.is_empty() {
        out.extend(refunds);
        // Stable: a refund dated the same day as later orders stays after its own order.
        out.sort_by_key(|t| t.order_date);
    }
    out
}

/// `O` + customer number (at least 7 digits) + `-` + order number (at least 3 digits).
fn order_id(customer: u64, order: usize) -> String {
    let mut id = String::with_capacity(13);
    id.push('O');
    push_padded(&mut id, customer, 7);
    id.push('-');
    push_padded(&mut id, order as u64, 3);
    id
}

/// Appends `n` in decimal, zero-padded to at least `width` digits.
// Cannot overflow: a `u64` has at most 20 decimal digits, so `start` steps down from 20 at most
// 20 times; `rest % 10 < 10`, so the digit is at most `b'9'`.
#[allow(clippy::arithmetic_side_effects)]
pub(crate) fn push_padded(out: &mut String, n: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut start = digits.len();
    let mut rest = n;
    while rest > 0 || start == digits.len() {
        start -= 1;
        if let Some(slot) = digits.get_mut(start) {
            *slot = b'0' + (rest % 10) as u8;
        }
        rest /= 10;
    }
    let start = start.min(digits.len().saturating_sub(width));
    out.push_str(std::str::from_utf8(digits.get(start..).unwrap_or_default()).unwrap_or_default());
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn order_ids_are_zero_padded_customer_and_order_numbers() {
        assert_eq!(order_id(42, 3), "O0000042-003");
        assert_eq!(order_id(12_345_678, 1_000), "O12345678-1000");
        let mut s = String::new();
        push_padded(&mut s, 0, 1);
        assert_eq!(s, "0");
    }

    #[test]
    fn young_people_are_never_divorced_or_widowed() {
        assert_eq!(plausible_marital("Widowed", 20), "Single");
        assert_eq!(plausible_marital("Divorced", 22), "Single");
        assert_eq!(plausible_marital("Widowed", 40), "Single");
        assert_eq!(plausible_marital("Widowed", 70), "Widowed");
        assert_eq!(plausible_marital("Married", 19), "Married");
    }

    #[test]
    fn life_stage_follows_age_marital_status_and_children() {
        assert_eq!(life_stage(70, "Married", true), "Retired");
        assert_eq!(life_stage(40, "Single", true), "Family with children");
        assert_eq!(life_stage(60, "Married", true), "Empty nester");
        assert_eq!(life_stage(30, "Married", false), "Couple");
        assert_eq!(life_stage(30, "Divorced", false), "Single");
    }

    #[test]
    fn orders_are_sorted_and_follow_signup_within_the_window() {
        for index in 0..2_000 {
            let c = generate(11, index);
            let signup = c.signup_date;
            let mut previous = None;
            for t in &c.transactions {
                assert!(t.order_date >= signup, "customer {index}");
                assert!(t.order_date >= date(WINDOW_START_DAY) && t.order_date <= date(WINDOW_END_DAY));
                if let Some(p) = previous {
                    assert!(t.order_date >= p);
                }
                previous = Some(t.order_date);
            }
        }
    }

    #[test]
    fn refunds_follow_their_order_and_do_not_exceed_it() {
        let mut refunds = 0;
        for index in 0..5_000 {
            let c = generate(5, index);
            for (i, t) in c.transactions.iter().enumerate() {
                if t.amount_cents < 0 {
                    refunds += 1;
                    let order = c.transactions[..i]
                        .iter()
                        .find(|o| o.order_id == t.order_id && o.amount_cents > 0)
                        .expect("a refund follows its order");
                    assert!(-t.amount_cents <= order.amount_cents);
                    assert_eq!(order.category, t.category);
                }
            }
        }
        assert!(refunds > 0);
    }
}
