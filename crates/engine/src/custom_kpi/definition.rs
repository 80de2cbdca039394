//! The user's KPIs as they are written: a name, an aggregate of a column over the customers a
//! condition picks (the rule builder's conditions), a format and optional targets per segment;
//! a set of them is the file `segscope.kpis/1`.

use serde::{Deserialize, Serialize};

use crate::format;
use crate::rules::{condition_in_words, optional_condition_json, Condition, Definition, Mode, SegmentDef};
use crate::typed::Typed;

/// The format tag of a KPI file.
pub const KPIS_FORMAT: &str = "segscope.kpis/1";

/// What a KPI computes over a segment's customers (those its condition picks, when it has one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregate {
    /// How many customers (with a value in the column, when one is named).
    Count,
    /// The column's values added up.
    Sum,
    /// The column's mean.
    Mean,
    /// The column's median (pandas' linear interpolation).
    Median,
    /// The column's smallest value.
    Min,
    /// The column's largest value.
    Max,
    /// The share of the segment's customers the condition picks.
    Share,
}

impl Aggregate {
    /// Every aggregate, in menu order.
    pub const ALL: [Aggregate; 7] = [
        Aggregate::Count,
        Aggregate::Sum,
        Aggregate::Mean,
        Aggregate::Median,
        Aggregate::Min,
        Aggregate::Max,
        Aggregate::Share,
    ];

    /// The name as files write it (`mean`).
    pub fn key(self) -> &'static str {
        match self {
            Aggregate::Count => "count",
            Aggregate::Sum => "sum",
            Aggregate::Mean => "mean",
            Aggregate::Median => "median",
            Aggregate::Min => "min",
            Aggregate::Max => "max",
            Aggregate::Share => "share",
        }
    }

    /// The aggregate named `key` ([`Aggregate::key`]).
    pub fn from_key(key: &str) -> Option<Aggregate> {
        Aggregate::ALL.into_iter().find(|a| a.key() == key)
    }

    /// The menu label ("Mean of a column").
    pub fn label(self) -> &'static str {
        match self {
            Aggregate::Count => "Count of customers",
            Aggregate::Sum => "Sum of a column",
            Aggregate::Mean => "Mean of a column",
            Aggregate::Median => "Median of a column",
            Aggregate::Min => "Smallest value of a column",
            Aggregate::Max => "Largest value of a column",
            Aggregate::Share => "Share of customers where a condition holds",
        }
    }

    /// True when the aggregate reads a number column (sum, mean, median, min, max).
    pub fn needs_column(self) -> bool {
        matches!(self, Aggregate::Sum | Aggregate::Mean | Aggregate::Median | Aggregate::Min | Aggregate::Max)
    }

    /// The format a new KPI of this aggregate starts with: a share as a percentage, else a number.
    pub fn default_format(self) -> KpiFormat {
        if self == Aggregate::Share {
            KpiFormat::Percent
        } else {
            KpiFormat::Number
        }
    }
}

/// How a KPI's values are shown (downloads keep the plain value, DECISIONS 24).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KpiFormat {
    /// A number: `1,240`, `61.3`.
    #[default]
    Number,
    /// A fraction as a percentage: `0.62` → `62.0%`.
    Percent,
    /// Money, with the amount column's currency when known: `€1,240`.
    Currency,
}

impl KpiFormat {
    /// Every format, in menu order.
    pub const ALL: [KpiFormat; 3] = [KpiFormat::Number, KpiFormat::Percent, KpiFormat::Currency];

    /// The name as files write it.
    pub fn key(self) -> &'static str {
        match self {
            KpiFormat::Number => "number",
            KpiFormat::Percent => "percent",
            KpiFormat::Currency => "currency",
        }
    }

    /// The format named `key` ([`KpiFormat::key`]).
    pub fn from_key(key: &str) -> Option<KpiFormat> {
        KpiFormat::ALL.into_iter().find(|f| f.key() == key)
    }

    /// The menu label.
    pub fn label(self) -> &'static str {
        match self {
            KpiFormat::Number => "Number",
            KpiFormat::Percent => "Percentage",
            KpiFormat::Currency => "Currency",
        }
    }

    /// `x` for people in this format.
    pub fn show(self, x: f64, currency: Option<&str>) -> String {
        match self {
            KpiFormat::Number => format::number(x),
            KpiFormat::Percent => format::share(x),
            KpiFormat::Currency => format::money(x, currency),
        }
    }
}

/// Which way a KPI's targets point.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    /// A target is met at or above it (revenue, share of repeat buyers).
    #[default]
    Higher,
    /// A target is met at or below it (returns, days since the last order).
    Lower,
}

impl Better {
    fn is_higher(&self) -> bool {
        *self == Better::Higher
    }
}

/// A KPI's target for one segment (or for all customers, by [`crate::profile::ALL_CUSTOMERS`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// The segment's name.
    pub segment: String,
    /// The target, as typed (a percentage KPI's as `0.4` or `40%`).
    pub value: Typed<f64>,
}

/// One KPI the user defined.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KpiDef {
    /// Its name, shown beside the built-in KPIs.
    pub name: String,
    /// What it computes.
    pub aggregate: Aggregate,
    /// The column it reads: required for sum, mean, median, min and max; for a count, only
    /// customers with a value in it are counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// Only customers this condition picks count (required for a share).
    #[serde(rename = "where", default, skip_serializing_if = "Option::is_none", with = "optional_condition_json")]
    pub condition: Option<Condition>,
    /// How values are shown.
    #[serde(default)]
    pub format: KpiFormat,
    /// Which way its targets point.
    #[serde(default, skip_serializing_if = "Better::is_higher")]
    pub better: Better,
    /// Targets per segment.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<Target>,
}

impl KpiDef {
    /// What the KPI computes, in words ("mean of income, over customers where region is North").
    pub fn in_words(&self) -> String {
        let column = self.column.as_deref().unwrap_or_default();
        let what = match self.aggregate {
            Aggregate::Count if column.is_empty() => "number of customers".to_string(),
            Aggregate::Count => format!("number of customers with a value in {column}"),
            Aggregate::Share => "share of customers".to_string(),
            Aggregate::Sum => format!("sum of {column}"),
            Aggregate::Mean => format!("mean of {column}"),
            Aggregate::Median => format!("median of {column}"),
            Aggregate::Min => format!("smallest {column}"),
            Aggregate::Max => format!("largest {column}"),
        };
        match (&self.condition, self.aggregate) {
            (Some(c), Aggregate::Share) => format!("{what} for whom {}", condition_in_words(c)),
            (Some(c), Aggregate::Count) => format!("{what} where {}", condition_in_words(c)),
            (Some(c), _) => format!("{what}, over customers where {}", condition_in_words(c)),
            (None, _) => what,
        }
    }

    /// The condition as a one-segment rule definition in overlapping mode (no segment without a
    /// condition), so the rule builder's check and evaluation serve it.
    pub fn as_rules(&self) -> Definition {
        let segment =
            |c: &Condition| SegmentDef { name: self.name.trim().to_string(), color: None, condition: c.clone() };
        Definition {
            mode: Mode::Overlapping,
            segments: self.condition.iter().map(segment).collect(),
            ..Definition::default()
        }
    }
}

/// A set of KPIs as a file (`segscope.kpis/1`), to carry them to other data or to the command line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KpiSet {
    /// Always [`KPIS_FORMAT`].
    pub format: String,
    /// The KPIs, in the order shown.
    pub kpis: Vec<KpiDef>,
}

impl KpiSet {
    /// A file of `kpis`.
    pub fn new(kpis: Vec<KpiDef>) -> Self {
        KpiSet { format: KPIS_FORMAT.to_string(), kpis }
    }

    /// The file's text: two-space indented JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}
