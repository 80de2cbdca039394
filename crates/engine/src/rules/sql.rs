//! The same segments as SQL: a `CASE WHEN … END AS segment` expression (first match) or one boolean
//! column per segment (overlapping), and a complete `SELECT` over a table.
//!
//! NULL semantics match the engine's: SQL's `AND`/`OR`/`NOT` are three-valued exactly like the
//! evaluator, a `WHEN` whose condition is NULL does not match, and "at least K of" counts the
//! conditions that are TRUE. The SQL expects the table to hold the values Segscope read: typed
//! columns, with NULL where the file had a missing-value token.

use serde::{Deserialize, Serialize};

use super::check::{Bound, Check, Cmp, TextTest, ValidDefinition};
use super::definition::Mode;
use crate::table::ColumnType;

/// A SQL dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// DuckDB.
    Duckdb,
    /// Google BigQuery, Standard SQL.
    Bigquery,
    /// Apache Spark SQL.
    Spark,
    /// PostgreSQL.
    Postgres,
}

impl Dialect {
    /// Every dialect.
    pub const ALL: [Dialect; 4] = [Dialect::Duckdb, Dialect::Bigquery, Dialect::Spark, Dialect::Postgres];

    /// The dialect's name as typed on the command line (`duckdb`, `bigquery`, `spark`, `postgres`).
    pub fn label(self) -> &'static str {
        match self {
            Dialect::Duckdb => "duckdb",
            Dialect::Bigquery => "bigquery",
            Dialect::Spark => "spark",
            Dialect::Postgres => "postgres",
        }
    }

    /// Parses a dialect name.
    pub fn from_label(s: &str) -> Option<Self> {
        Dialect::ALL.into_iter().find(|d| d.label() == s.trim().to_ascii_lowercase())
    }

    /// The product's name, for comments.
    pub fn product(self) -> &'static str {
        match self {
            Dialect::Duckdb => "DuckDB",
            Dialect::Bigquery => "BigQuery Standard SQL",
            Dialect::Spark => "Spark SQL",
            Dialect::Postgres => "PostgreSQL",
        }
    }

    /// Quotes an identifier (a column or table name) so any characters are allowed.
    pub fn ident(self, name: &str) -> String {
        match self {
            Dialect::Duckdb | Dialect::Postgres => format!("\"{}\"", name.replace('"', "\"\"")),
            Dialect::Spark => format!("`{}`", name.replace('`', "``")),
            Dialect::Bigquery => format!("`{}`", name.replace('\\', "\\\\").replace('`', "\\`")),
        }
    }

    /// A string literal.
    pub fn string(self, s: &str) -> String {
        match self {
            Dialect::Duckdb | Dialect::Postgres => format!("'{}'", s.replace('\'', "''")),
            Dialect::Bigquery | Dialect::Spark => {
                let mut out = String::with_capacity(s.len().saturating_add(2));
                out.push('\'');
                for ch in s.chars() {
                    match ch {
                        '\\' => out.push_str("\\\\"),
                        '\'' => out.push_str("\\'"),
                        '\n' => out.push_str("\\n"),
                        '\r' => out.push_str("\\r"),
                        '\t' => out.push_str("\\t"),
                        c => out.push(c),
                    }
                }
                out.push('\'');
                out
            }
        }
    }

    /// A table name, possibly qualified (`project.dataset.table`): each part quoted.
    pub fn table(self, name: &str) -> String {
        name.split('.').map(|p| self.ident(p)).collect::<Vec<_>>().join(".")
    }

    fn literal(self, bound: &Bound, ty: ColumnType) -> String {
        match ty {
            ColumnType::Date => format!("DATE '{}'", bound.literal),
            ColumnType::Datetime if self == Dialect::Bigquery => {
                format!("DATETIME '{}'", bound.literal)
            }
            ColumnType::Datetime => format!("TIMESTAMP '{}'", bound.literal),
            _ => bound.literal.clone(),
        }
    }

    fn contains(self, col: &str, needle: &str) -> String {
        match self {
            Dialect::Spark => format!("INSTR({col}, {needle}) > 0"),
            _ => format!("STRPOS({col}, {needle}) > 0"),
        }
    }
}

/// Writes the condition of one checked test or group.
pub fn condition(check: &Check, def: &ValidDefinition, d: Dialect) -> String {
    let col = |i: usize| def.schema.get(i).map(|(n, _)| d.ident(n)).unwrap_or_default();
    let ty = |i: usize| def.schema.get(i).map_or(ColumnType::Text, |c| c.1);
    let join = |items: &[Check], op: &str| {
        let parts: Vec<String> = items.iter().map(|c| condition(c, def, d)).collect();
        format!("({})", parts.join(&format!(" {op} ")))
    };
    match check {
        Check::All(items) => join(items, "AND"),
        Check::Any(items) => join(items, "OR"),
        Check::None(items) => format!("NOT {}", join(items, "OR")),
        Check::AtLeast(k, items) => {
            let terms: Vec<String> =
                items.iter().map(|c| format!("CASE WHEN {} THEN 1 ELSE 0 END", condition(c, def, d))).collect();
            format!("(({}) >= {k})", terms.join(" + "))
        }
        Check::Missing { column, missing } => format!("{} IS {}NULL", col(*column), if *missing { "" } else { "NOT " }),
        Check::Compare { column, cmp, bound } => {
            let op = match cmp {
                Cmp::Eq => "=",
                Cmp::Ne => "<>",
                Cmp::Lt => "<",
                Cmp::Le => "<=",
                Cmp::Gt => ">",
                Cmp::Ge => ">=",
            };
            format!("{} {op} {}", col(*column), d.literal(bound, ty(*column)))
        }
        Check::Range { column, lo, hi } => {
            let c = col(*column);
            format!(
                "({c} {} {} AND {c} {} {})",
                if lo.1 { ">=" } else { ">" },
                d.literal(&lo.0, ty(*column)),
                if hi.1 { "<=" } else { "<" },
                d.literal(&hi.0, ty(*column))
            )
        }
        Check::Bool { column, want } => format!("{} = {}", col(*column), if *want { "TRUE" } else { "FALSE" }),
        Check::Text { column, test, case_insensitive } => {
            let c = if *case_insensitive { format!("LOWER({})", col(*column)) } else { col(*column) };
            match test {
                TextTest::OneOf { values, negate, .. } => match values.as_slice() {
                    [one] => format!("{c} {} {}", if *negate { "<>" } else { "=" }, d.string(one)),
                    many => format!(
                        "{c} {}IN ({})",
                        if *negate { "NOT " } else { "" },
                        many.iter().map(|v| d.string(v)).collect::<Vec<_>>().join(", ")
                    ),
                },
                TextTest::Contains(x) => d.contains(&c, &d.string(x)),
                TextTest::StartsWith(x) => {
                    format!("LEFT({c}, {}) = {}", x.chars().count(), d.string(x))
                }
                TextTest::EndsWith(x) => {
                    format!("RIGHT({c}, {}) = {}", x.chars().count(), d.string(x))
                }
            }
        }
    }
}

/// Appends the schema indices of the columns `check` tests.
fn columns_read(check: &Check, out: &mut Vec<usize>) {
    match check {
        Check::All(items) | Check::Any(items) | Check::None(items) | Check::AtLeast(_, items) => {
            items.iter().for_each(|c| columns_read(c, out));
        }
        Check::Compare { column, .. }
        | Check::Range { column, .. }
        | Check::Text { column, .. }
        | Check::Bool { column, .. }
        | Check::Missing { column, .. } => out.push(*column),
    }
}

/// The segment column(s): `CASE WHEN … END AS segment`, or one `COALESCE(…, FALSE) AS "name"` per
/// segment in overlapping mode.
pub fn segment_columns(def: &ValidDefinition, d: Dialect, column: &str) -> String {
    match def.mode {
        Mode::FirstMatch => {
            let mut s = String::from("CASE\n");
            for seg in &def.segments {
                s += &format!("    WHEN {} THEN {}\n", condition(&seg.check, def, d), d.string(&seg.name));
            }
            s += &format!("    ELSE {}\n  END AS {}", d.string(&def.remainder), d.ident(column));
            s
        }
        Mode::Overlapping => def
            .segments
            .iter()
            .map(|seg| format!("COALESCE({}, FALSE) AS {}", condition(&seg.check, def, d), d.ident(&seg.name)))
            .collect::<Vec<_>>()
            .join(",\n  "),
    }
}

/// A complete `SELECT *, <segments> FROM table;` with a comment saying what it is. Customer
/// aggregates (when the definition uses a transactions file; the spend shares it reads) are
/// computed first from `transactions` (default `transactions`), then derived fields (a field of a
/// derived field in a later step), in `WITH` clauses; both appear in the output.
pub fn select(def: &ValidDefinition, d: Dialect, table: &str, title: &str) -> String {
    select_with(def, d, table, None, title)
}

/// As [`select`], naming the transactions table the aggregates are computed from.
pub fn select_with(def: &ValidDefinition, d: Dialect, table: &str, transactions: Option<&str>, title: &str) -> String {
    let clean = |s: &str| s.replace(['\n', '\r'], " ");
    let as_of = def.as_of.map(|a| format!(", as of {}", crate::ingest::values::date_from_days(a))).unwrap_or_default();
    let mut ctes = Vec::new();
    let mut source = d.table(table);
    if let Some(m) = &def.transactions {
        // Only the aggregates the definition reads, in name order: the same SQL whether the schema is the
        // data's (the app) or the definition's own (`segscope sql`).
        let mut read = Vec::new();
        for seg in &def.segments {
            columns_read(&seg.check, &mut read);
        }
        read.extend(def.derived.iter().map(|v| v.source));
        let mut used: Vec<String> = read
            .into_iter()
            .filter_map(|i| def.schema.get(i).map(|(n, _)| n.clone()))
            .filter(|n| crate::customers::is_aggregate(n))
            .collect();
        used.sort();
        used.dedup();
        ctes.push(crate::customers::sql::ctes(m, &used, d, table, transactions.unwrap_or("transactions")));
        source = "segscope_customers".to_string();
    }
    if !def.derived.is_empty() {
        // A field computed from another derived field goes in a later step: one SELECT cannot refer
        // to the names it defines (PostgreSQL, BigQuery). Step 0 reads only the data's columns.
        let first_derived = def.schema.len().saturating_sub(def.derived.len());
        let mut steps: Vec<usize> = Vec::with_capacity(def.derived.len());
        for v in &def.derived {
            // No saturation: a step is at most the number of derived fields before it.
            let step =
                v.source.checked_sub(first_derived).and_then(|i| steps.get(i)).map_or(0, |s| s.saturating_add(1));
            steps.push(step);
        }
        for step in 0..=steps.iter().copied().max().unwrap_or(0) {
            let fields: Vec<String> = def
                .derived
                .iter()
                .zip(&steps)
                .filter(|(_, s)| **s == step)
                .map(|(v, _)| {
                    let from = def.schema.get(v.source).map(|(n, _)| d.ident(n)).unwrap_or_default();
                    format!("    {} AS {}", super::derived::sql(v, &from, d), d.ident(&v.name))
                })
                .collect();
            let name = if step == 0 {
                "segscope_derived".to_string()
            } else {
                format!("segscope_derived_{}", step.saturating_add(1))
            };
            ctes.push(format!("{name} AS (\n  SELECT\n    *,\n{}\n  FROM {source}\n)", fields.join(",\n")));
            source = name;
        }
    }
    let with = if ctes.is_empty() { String::new() } else { format!("WITH {}\n", ctes.join(",\n")) };
    format!(
        "-- Segscope segments: {} ({}{as_of}), {}.\n-- Expects the tables' columns typed as Segscope read them (amounts as DECIMAL), NULL where values are missing.\n{with}SELECT\n  *,\n  {}\nFROM {source};\n",
        clean(title),
        match def.mode {
            Mode::FirstMatch => "first match",
            Mode::Overlapping => "overlapping",
        },
        d.product(),
        segment_columns(def, d, "segment"),
    )
}
