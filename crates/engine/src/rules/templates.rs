//! Ready-made segmentations a user starts from and then edits: age bands, one segment per value
//! (gender, marital status, country, region, urbanicity, industry...), life stage, B2B company
//! size and lifecycle stage.

use serde::{Deserialize, Serialize};
use serde_json::Number;

use super::condition::{Condition, Inclusive, Op, Unit};
use super::definition::{Definition, Remainder, SegmentDef};
use crate::stats::value_counts;
use crate::table::{Column, ColumnType};

/// Segment colours, in order (colour-blind-safe Tableau 10).
pub const COLOURS: [&str; 10] =
    ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

/// A template and the columns it reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "template", rename_all = "snake_case")]
pub enum Template {
    /// 18–24, 25–34, 35–44, 45–54, 55–64, 65+ from an age column.
    AgeBands {
        /// The age column (whole years).
        age: String,
    },
    /// One segment per value of a column, most frequent first (gender, marital status, country,
    /// region, urban/suburban/rural, industry...).
    Values {
        /// The column.
        column: String,
        /// At most this many segments; rarer values stay in the remainder.
        max: usize,
    },
    /// Single, couple, family with children, empty nester, retired.
    LifeStage {
        /// The age column.
        age: String,
        /// The marital status column.
        marital: String,
        /// The values of `marital` that mean living as a couple (e.g. Married, Partnered).
        partnered: Vec<String>,
        /// A column with the number of children in the household, if there is one.
        children: Option<String>,
    },
    /// B2B company size by employees: 1–9, 10–49, 50–249, 250+.
    CompanySize {
        /// The employee-count column.
        employees: String,
    },
    /// One overlapping segment per product category bought (a purchase share above 0).
    ProductsBought {
        /// The categories-bought column (categories joined by "; "), which the shares come with.
        column: String,
        /// The categories, most spent on first.
        categories: Vec<String>,
    },
    /// New, active, at risk, lapsed (and no purchases) from first and last order dates.
    Lifecycle {
        /// The first order date column.
        first_order: String,
        /// The last order date column.
        last_order: String,
        /// "New": first order within this many days.
        new_days: u32,
        /// "Active": last order within this many days.
        active_days: u32,
        /// "At risk": last order within this many days (and not active); older is "Lapsed".
        at_risk_days: u32,
    },
}

/// A whole number as a condition's value.
fn num(x: i64) -> super::condition::TypedNumber {
    Number::from(x).into()
}

fn test(column: &str, op: Op) -> Condition {
    Condition::Test { column: column.to_string(), op }
}

fn range(column: &str, min: i64, max: i64) -> Condition {
    test(
        column,
        Op::Between { min: Number::from(min).into(), max: Number::from(max).into(), inclusive: Inclusive::Both },
    )
}

fn segment(i: usize, name: &str, condition: Condition) -> SegmentDef {
    let color = i.checked_rem(COLOURS.len()).and_then(|k| COLOURS.get(k)).map(|c| c.to_string());
    SegmentDef { name: name.to_string(), color, condition }
}

fn definition(name: &str, segments: Vec<SegmentDef>, remainder: &str) -> Definition {
    Definition {
        name: Some(name.to_string()),
        segments,
        remainder: Remainder { name: remainder.to_string(), color: Some(COLOURS[9].to_string()) },
        ..Definition::default()
    }
}

/// Builds the definition a template describes; `columns` (the customers' columns, with any
/// transaction aggregates) supply the values of per-value templates.
pub fn build(template: &Template, columns: &[&Column]) -> Definition {
    match template {
        Template::AgeBands { age } => {
            let bands = [("18–24", 18, 24), ("25–34", 25, 34), ("35–44", 35, 44), ("45–54", 45, 54), ("55–64", 55, 64)];
            let mut segments: Vec<SegmentDef> =
                bands.iter().enumerate().map(|(i, (n, lo, hi))| segment(i, n, range(age, *lo, *hi))).collect();
            segments.push(segment(5, "65+", test(age, Op::Ge { value: num(65) })));
            definition("Age bands", segments, "Under 18 or unknown")
        }
        Template::Values { column, max } => {
            let mut values = self_column(columns, column).map(|c| value_counts(&c.data)).unwrap_or_default();
            values.truncate(*max);
            let segments = values
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    segment(i, &v.value, test(column, Op::Is { value: v.value.clone(), case_insensitive: false }))
                })
                .collect();
            definition(&format!("By {column}"), segments, "Other or unknown")
        }
        Template::LifeStage { age, marital, partnered, children } => {
            let couple = test(marital, Op::AnyOf { values: partnered.clone(), case_insensitive: true });
            let mut segments = vec![segment(0, "Retired", test(age, Op::Ge { value: num(65) }))];
            if let Some(kids) = children {
                segments.push(segment(1, "Family with children", test(kids, Op::Gt { value: num(0) })));
            }
            let mut nester = vec![range(age, 45, 64), couple.clone()];
            if let Some(kids) = children {
                nester.push(Condition::Any(vec![test(kids, Op::Eq { value: num(0) }), test(kids, Op::IsMissing)]));
            }
            segments.push(segment(2, "Empty nester", Condition::All(nester)));
            segments.push(segment(3, "Couple", couple));
            definition("Life stage", segments, "Single")
        }
        Template::CompanySize { employees } => {
            let segments = vec![
                segment(0, "Micro (1–9)", range(employees, 1, 9)),
                segment(1, "Small (10–49)", range(employees, 10, 49)),
                segment(2, "Medium (50–249)", range(employees, 50, 249)),
                segment(3, "Large (250+)", test(employees, Op::Ge { value: num(250) })),
            ];
            definition("Company size", segments, "Unknown size")
        }
        Template::ProductsBought { categories, .. } => {
            let segments = categories
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    segment(i, &format!("Bought {c}"), test(&format!("spend_share_{c}"), Op::Gt { value: num(0) }))
                })
                .collect();
            let mut def = definition("Products bought", segments, "Bought nothing");
            def.mode = super::definition::Mode::Overlapping;
            def
        }
        Template::Lifecycle { first_order, last_order, new_days, active_days, at_risk_days } => {
            let within = |column: &str, n: u32| test(column, Op::InLast { n: n.into(), unit: Unit::Days });
            let segments = vec![
                segment(0, "New", within(first_order, *new_days)),
                segment(1, "Active", within(last_order, *active_days)),
                segment(2, "At risk", within(last_order, *at_risk_days)),
                segment(3, "Lapsed", test(last_order, Op::IsNotMissing)),
            ];
            definition("Lifecycle stage", segments, "No purchases")
        }
    }
}

fn self_column<'a>(columns: &[&'a Column], name: &str) -> Option<&'a Column> {
    columns.iter().find(|c| c.name == name).copied()
}

/// The column a template most likely reads, guessed from names (`age`, `gender`...) and types.
pub fn guess_column(columns: &[&Column], names: &[&str], types: &[ColumnType]) -> Option<String> {
    let fits = |c: &&&Column| types.is_empty() || types.contains(&c.column_type());
    names
        .iter()
        .find_map(|n| columns.iter().filter(fits).find(|c| c.name.to_lowercase() == *n))
        .or_else(|| names.iter().find_map(|n| columns.iter().filter(fits).find(|c| c.name.to_lowercase().contains(n))))
        .map(|c| c.name.clone())
}

/// A template the data supports, with its columns guessed, and the label a menu shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    /// What the menu shows, e.g. "Age bands (from `age`)".
    pub label: String,
    /// The template with its columns filled in.
    pub template: Template,
}

/// The templates the columns support, with the columns each would read guessed from names and types.
pub fn suggest(columns: &[&Column]) -> Vec<Suggestion> {
    use ColumnType::{Categorical, Date, Decimal, Integer, Text};
    let mut out = Vec::new();
    let mut push = |label: String, template: Template| out.push(Suggestion { label, template });
    let age = guess_column(columns, &["age", "age_years", "alter", "edad"], &[Integer, Decimal]);
    if let Some(age) = &age {
        push(format!("Age bands 18–24 … 65+ (from `{age}`)"), Template::AgeBands { age: age.clone() });
    }
    let marital = guess_column(columns, &["marital_status", "marital", "civil_status"], &[Categorical, Text]);
    let values = |name: &str, what: &str, names: &[&str]| {
        guess_column(columns, names, &[Categorical, Text, ColumnType::Boolean])
            .map(|c| (format!("{what} (one segment per value of `{c}`)"), c, name.to_string()))
    };
    let per_value = [
        values("gender", "Gender", &["gender", "sex"]),
        marital.clone().map(|c| (format!("Marital status (one segment per value of `{c}`)"), c, "marital".to_string())),
        values("country", "Country", &["country", "country_code", "nation"]),
        values("region", "Region", &["region", "state", "province", "county"]),
        values("urbanicity", "Urban / suburban / rural", &["urbanicity", "urban_rural", "area_type", "urban"]),
        values("industry", "Industry", &["industry", "sector", "naics", "sic"]),
    ];
    for (label, column, _) in per_value.into_iter().flatten() {
        push(label, Template::Values { column, max: 12 });
    }
    if let (Some(age), Some(marital)) = (&age, &marital) {
        let partnered: Vec<String> = columns
            .iter()
            .find(|c| c.name == *marital)
            .map(|c| value_counts(&c.data))
            .unwrap_or_default()
            .into_iter()
            .map(|v| v.value)
            .filter(|v| {
                ["married", "partner", "couple", "cohabit", "civil union"].iter().any(|k| v.to_lowercase().contains(k))
            })
            .collect();
        let children =
            guess_column(columns, &["children", "kids", "num_children", "household_children"], &[Integer, Decimal]);
        push(
            format!(
                "Life stage (from `{age}`, `{marital}`{})",
                children.as_ref().map(|c| format!(", `{c}`")).unwrap_or_default()
            ),
            Template::LifeStage { age: age.clone(), marital: marital.clone(), partnered, children },
        );
    }
    if let Some(employees) =
        guess_column(columns, &["employees", "employee_count", "headcount", "staff"], &[Integer, Decimal])
    {
        push(format!("Company size 1–9 … 250+ (from `{employees}`)"), Template::CompanySize { employees });
    }
    if let Some(bought) = guess_column(columns, &["categories_bought"], &[Text]) {
        let categories: Vec<String> =
            columns.iter().filter_map(|c| c.name.strip_prefix("spend_share_")).map(str::to_string).collect();
        if !categories.is_empty() {
            push(
                format!("Products bought: one segment per category (from `{bought}`)"),
                Template::ProductsBought { column: bought, categories },
            );
        }
    }
    let first =
        guess_column(columns, &["first_order_date", "first_order", "first_purchase"], &[Date, ColumnType::Datetime]);
    let last =
        guess_column(columns, &["last_order_date", "last_order", "last_purchase"], &[Date, ColumnType::Datetime]);
    if let (Some(first_order), Some(last_order)) = (first, last) {
        push(
            format!("Lifecycle: new, active, at risk, lapsed (from `{first_order}`, `{last_order}`)"),
            Template::Lifecycle { first_order, last_order, new_days: 90, active_days: 90, at_risk_days: 180 },
        );
    }
    out
}
