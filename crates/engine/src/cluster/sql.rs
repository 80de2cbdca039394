//! A cluster model as SQL: every customer with the name of the nearest centre (for a Gaussian
//! mixture, of the most probable component), computed in the warehouse exactly as
//! [`ClusterModel::label`] computes it.
//!
//! Each prepared column is made as [`PreparedColumn`] makes it, in the same floating-point steps:
//! the number as a double (a date as whole days before the model's as-of date, a date-time by its
//! date, a boolean as 1 or 0), the imputed value when it is missing (`COALESCE`), for a scored
//! feature its score (a `CASE` over the model's cut points, [`super::score`]), `LN(1 + x)`,
//! minus the centre, divided by the scale, times the weight (a step that changes nothing, such as
//! dividing by 1, is left out); a category's level is the weight when the row's value is that
//! level, else 0. The squared distance to each centre is summed column by column in the engine's
//! order, and the first centre with the smallest distance wins. A mixture's score of component c
//! is the same kind of sum: each y_j = Σ_{i≤j} (x_i − μ_i)·U_ij (U its precision's Cholesky
//! factor) in a further lateral step, then Σ_j y_j² plus the constant −2(log π_c + log det U_c)
//! ([`super::mixture`]); the lowest score wins, the first on a tie. Constants are written as the
//! shortest decimal that reads back as the same double (`4.2e1`), which every dialect reads as a
//! double, so the warehouse does the engine's arithmetic.
//!
//! The per-customer steps are lateral subqueries (`CROSS JOIN LATERAL`; BigQuery, which has no
//! `LATERAL`, cross joins the `UNNEST` of a one-row array of structs), so the result holds the
//! customers' columns and `cluster`, nothing else. A customer the engine leaves out (a missing
//! value when the model drops such rows, or `ln(1 + x)` of a value at or below −1) gets a NULL
//! cluster, as `segscope apply --model` leaves the field empty.

use super::model::{ClusterModel, ModelError};
use super::prep::PreparedColumn;
use crate::customers::sql::{ctes, days_between};
use crate::rules::sql::Dialect;

/// The dialect's double-precision type.
fn double(d: Dialect) -> &'static str {
    match d {
        Dialect::Duckdb | Dialect::Spark => "DOUBLE",
        Dialect::Postgres => "DOUBLE PRECISION",
        Dialect::Bigquery => "FLOAT64",
    }
}

/// A double as the shortest decimal that reads back as the same double, in exponent form (a
/// double literal in DuckDB and Spark; PostgreSQL turns it into the same double when it meets one).
fn number(v: f64) -> String {
    if v.is_sign_negative() {
        format!("({v:e})")
    } else {
        format!("{v:e}")
    }
}

/// The expression of one prepared column, over the customer row `c`; NULL when the engine leaves
/// the row out.
fn prepared(column: &PreparedColumn, d: Dialect, as_of: Option<&str>) -> String {
    let col = format!("c.{}", d.ident(&column.feature));
    if let Some(level) = &column.level {
        // One-hot: the weight when the value is the level, 0 when it is another; a missing value
        // is imputed (1 for the most common level, 0 for the rest) or leaves the row out.
        let missing = column.impute.map_or_else(|| "NULL".to_string(), |v| number(v * column.weight));
        return format!(
            "CAST(CASE WHEN {col} IS NULL THEN {missing} WHEN {col} = {} THEN {} ELSE 0 END AS {})",
            d.string(level),
            number(column.weight),
            double(d)
        );
    }
    let mut x = if column.days {
        let as_of = format!("DATE '{}'", as_of.unwrap_or_default());
        format!("CAST({} AS {})", days_between(d, &as_of, &format!("CAST({col} AS DATE)")), double(d))
    } else if column.boolean {
        format!("CAST(CASE WHEN {col} THEN 1 WHEN NOT {col} THEN 0 END AS {})", double(d))
    } else {
        format!("CAST({col} AS {})", double(d))
    };
    if let Some(v) = column.impute {
        x = format!("COALESCE({x}, {})", number(v));
    }
    if let Some(cuts) = &column.cuts {
        x = format!("CAST({} AS {})", score(&x, cuts, column.days), double(d));
    }
    if column.log {
        // ln(1 + x) is taken only above −1, where the engine's value is finite.
        x = format!("CASE WHEN {x} > -1 THEN LN(1 + {x}) END");
    }
    // Subtracting 0, dividing by 1 and multiplying by 1 change no double: left out.
    if column.center != 0.0 {
        x = format!("({x} - {})", number(column.center));
    }
    if column.scale != 1.0 {
        x = format!("{x} / {}", number(column.scale));
    }
    if column.weight != 1.0 {
        x = format!("{x} * {}", number(column.weight));
    }
    x
}

/// `i + 1`, the number from 1 of position `i` of a list. Cannot saturate: `i` indexes a slice,
/// which holds fewer than usize::MAX items.
fn nth(i: usize) -> usize {
    i.saturating_add(1)
}

/// The score of the number `x` given `cuts` ([`super::score::score`]): the highest score whose
/// cut it lies above (for `days`, below), 1 for none, NULL for NULL.
fn score(x: &str, cuts: &[f64], days: bool) -> String {
    let m = cuts.len();
    let mut case = String::from("CASE");
    if days {
        // Below the lowest cut, every cut lies above: the highest score (cannot saturate: i < m).
        for (i, c) in cuts.iter().enumerate() {
            case += &format!(" WHEN {x} < {} THEN {}", number(*c), nth(m.saturating_sub(i)));
        }
    } else {
        for (i, c) in cuts.iter().enumerate().rev() {
            case += &format!(" WHEN {x} > {} THEN {}", number(*c), nth(nth(i)));
        }
    }
    case + &format!(" WHEN {x} IS NOT NULL THEN 1 END")
}

/// `CROSS JOIN LATERAL (SELECT … ) AS alias`, or BigQuery's one-row `UNNEST`.
fn lateral(d: Dialect, fields: &[String], alias: &str) -> String {
    let body = fields.join(",\n    ");
    match d {
        Dialect::Bigquery => format!("CROSS JOIN UNNEST([STRUCT(\n    {body}\n)]) AS {alias}"),
        _ => format!("CROSS JOIN LATERAL (\n  SELECT\n    {body}\n) AS {alias}"),
    }
}

/// How a feature is read, for the header.
fn feature_note(model: &ClusterModel, name: &str) -> String {
    let columns: Vec<&PreparedColumn> = model.columns.iter().filter(|c| c.feature == name).collect();
    let mut notes = Vec::new();
    if columns.iter().any(|c| c.level.is_some()) {
        notes.push("one column per category".to_string());
    }
    if columns.iter().any(|c| c.days) {
        notes.push("days before the as-of date".to_string());
    }
    if columns.iter().any(|c| c.log) {
        notes.push("ln(1 + x)".to_string());
    }
    if let Some(cuts) = columns.iter().find_map(|c| c.cuts.as_ref()) {
        notes.push(format!("score 1-{}", nth(cuts.len())));
    }
    let name = name.replace(['\n', '\r'], " ");
    if notes.is_empty() {
        name
    } else {
        format!("{name} ({})", notes.join(", "))
    }
}

/// The model as one `SELECT`: every column of `customers_table` and a `cluster` column holding the
/// name of each customer's nearest cluster (NULL for a customer the model leaves out). A model
/// that reads aggregates of the transactions (it keeps their mapping) computes them first from
/// `transactions_table` (default `transactions`), as the rule SQL does, and they appear in the
/// output too.
///
/// # Errors
/// [`ModelError`] when the model's parts disagree ([`ClusterModel::check`]).
///
/// # Examples
/// ```
/// use segscope_engine::cluster::model::fit_model;
/// use segscope_engine::cluster::params::ClusterParams;
/// use segscope_engine::cluster::prep::FeatureSpec;
/// use segscope_engine::cluster::sql::model_sql;
/// use segscope_engine::progress::Quiet;
/// use segscope_engine::rules::sql::Dialect;
/// use segscope_engine::table::ColumnData;
///
/// let spend = ColumnData::Integer((0..20).map(|i| Some(if i < 10 { i } else { 100 + i })).collect());
/// let params = ClusterParams {
///     features: vec![FeatureSpec { column: "spend".into(), log: true, scaling: Default::default(), weight: 1.0, score: None }],
///     ..Default::default()
/// }
/// .check_fit(&2.into())
/// .unwrap();
/// let input = segscope_engine::cluster::model::ModelInput { file: "c.csv".into(), bytes: 1, rows: 20 };
/// let mut model = fit_model(&[("spend", &spend)], &params, None, input, &mut Quiet).unwrap().model;
/// model.clusters[1].name = "Big spenders".into();
/// let sql = model_sql(&model, Dialect::Postgres, "customers", None).unwrap();
/// assert!(sql.contains("CASE WHEN CAST(c.\"spend\" AS DOUBLE PRECISION) > -1 THEN LN(1 + CAST(c.\"spend\" AS DOUBLE PRECISION)) END"));
/// assert!(sql.contains("    ELSE 'Big spenders'\n  END AS \"cluster\"\nFROM \"customers\" AS c\nCROSS JOIN LATERAL ("));
/// assert!(sql.ends_with("\n    AS segscope_d2\n) AS d;\n"));
/// ```
pub fn model_sql(
    model: &ClusterModel,
    dialect: Dialect,
    customers_table: &str,
    transactions_table: Option<&str>,
) -> Result<String, ModelError> {
    model.check()?;
    let d = dialect;
    let clean = |s: &str| s.replace(['\n', '\r'], " ");
    let mut ctes_sql = String::new();
    let mut source = d.table(customers_table);
    if let Some(m) = &model.transactions {
        let mut used: Vec<String> =
            model.features.iter().map(|f| f.column.clone()).filter(|n| crate::customers::is_aggregate(n)).collect();
        used.sort();
        used.dedup();
        if !used.is_empty() {
            let transactions = transactions_table.unwrap_or("transactions");
            ctes_sql = format!("WITH {}\n", ctes(m, &used, d, customers_table, transactions));
            source = "segscope_customers".to_string();
        }
    }
    let as_of = model.as_of.as_deref();
    let prepared: Vec<String> = model
        .columns
        .iter()
        .enumerate()
        .map(|(j, c)| format!("{} AS segscope_p{}", prepared(c, d, as_of), nth(j)))
        .collect();
    let mixture = model.mixture.as_ref().map(|m| mixture_steps(model, m));
    let distances: Vec<String> = model
        .clusters
        .iter()
        .enumerate()
        .map(|(i, cluster)| {
            if let Some((_, scores)) = &mixture {
                return scores.get(i).cloned().unwrap_or_default();
            }
            let terms: Vec<String> = cluster
                .centre
                .iter()
                .enumerate()
                .map(|(j, &v)| {
                    let diff = format!("(p.segscope_p{} - {})", nth(j), number(v));
                    format!("{diff} * {diff}")
                })
                .collect();
            format!("{}\n    AS segscope_d{}", terms.join("\n      + "), nth(i))
        })
        .collect();
    // The first cluster whose distance is at most every later one's: the engine's nearest, the
    // first one on a tie. A row with a NULL value has NULL distances and no cluster.
    let k = model.clusters.len();
    let mut case = String::from("CASE\n    WHEN d.segscope_d1 IS NULL THEN NULL\n");
    for (i, cluster) in model.clusters.iter().enumerate() {
        let name = d.string(&cluster.name);
        if nth(i) == k {
            case += &format!("    ELSE {name}\n  END AS {}", d.ident("cluster"));
        } else {
            let tests: Vec<String> =
                (nth(i)..k).map(|j| format!("d.segscope_d{} <= d.segscope_d{}", nth(i), nth(j))).collect();
            case += &format!("    WHEN {} THEN {name}\n", tests.join(" AND "));
        }
    }
    let features: Vec<String> = model.features.iter().map(|f| feature_note(model, &f.column)).collect();
    let missing = match model.missing {
        super::prep::Missing::Drop => "a customer missing a feature is left out, as when fitted: NULL cluster",
        super::prep::Missing::Impute => {
            "a missing value is filled as when fitted (the median, or the most common category)"
        }
    };
    let (method, rule) = match &mixture {
        Some(_) => (
            "Gaussian mixture",
            "the most probable mixture component (the lowest score: squared norm of the centred features times the precision's Cholesky factor, minus twice the log of its weight and of the factor's determinant; the first cluster on a tie)",
        ),
        None => ("k-means", "the nearest cluster centre (squared Euclidean distance on the prepared features, the first cluster on a tie)"),
    };
    let mut steps = lateral(d, &prepared, "p");
    if let Some((ys, _)) = &mixture {
        steps += &format!("\n{}", lateral(d, ys, "y"));
    }
    let dates = match as_of.filter(|_| model.columns.iter().any(|c| c.days)) {
        Some(a) => format!("\n-- Dates count whole days back from the as-of date {a} (a date-time by its date)."),
        None => String::new(),
    };
    let scores = if model.columns.iter().any(|c| c.cuts.is_some()) {
        let dated = if model.columns.iter().any(|c| c.cuts.is_some() && c.days) {
            "; a date's score counts the cut points its days lie below, so a later date scores higher"
        } else {
            ""
        };
        format!(
            "\n-- A score is 1 plus the cut points the value lies above (fitted as pandas.qcut's bin edges){dated}."
        )
    } else {
        String::new()
    };
    Ok(format!(
        "-- Segscope clusters: {method}, k = {k}, on {}, {}.\n\
         -- `cluster` is the name of {rule}; {missing}; ln(1 + x) of a value at or below -1 gives NULL.{dates}{scores}\n\
         -- Expects the tables' columns typed as Segscope read them (amounts as DECIMAL), NULL where values are missing.\n\
         {ctes_sql}SELECT\n  c.*,\n  {case}\nFROM {source} AS c\n{}\n{};\n",
        clean(&features.join(", ")),
        d.product(),
        steps,
        lateral(d, &distances, "d"),
    ))
}

/// A mixture's lateral steps: the fields `segscope_y{c}_{j}` (y_j of component c, from the
/// prepared columns `p`) and each component's score `segscope_d{c}` (from `y`), in the order
/// and the floating-point steps of [`super::mixture::Mixture::scores`].
fn mixture_steps(model: &ClusterModel, m: &super::mixture::Mixture) -> (Vec<String>, Vec<String>) {
    let constants = m.constants();
    let (mut ys, mut scores) = (Vec::new(), Vec::new());
    for (c, ((cluster, component), constant)) in model.clusters.iter().zip(&m.components).zip(&constants).enumerate() {
        let u = &component.precision_cholesky;
        let mut squares = Vec::new();
        for j in 0..cluster.centre.len() {
            let terms: Vec<String> = cluster
                .centre
                .iter()
                .take(nth(j))
                .enumerate()
                .map(|(i, &mean)| {
                    let factor = u.get(i).and_then(|r| r.get(j)).copied().unwrap_or(0.0);
                    format!("(p.segscope_p{} - {}) * {}", nth(i), number(mean), number(factor))
                })
                .collect();
            let y = format!("segscope_y{}_{}", nth(c), nth(j));
            ys.push(format!("{} AS {y}", terms.join(" + ")));
            squares.push(format!("y.{y} * y.{y}"));
        }
        squares.push(number(*constant));
        scores.push(format!("{}\n    AS segscope_d{}", squares.join("\n      + "), nth(c)));
    }
    (ys, scores)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::model::{ModelCluster, ModelInput, MODEL_FORMAT};
    use crate::cluster::prep::{FeatureSpec, Missing};

    fn column(feature: &str, level: Option<&str>) -> PreparedColumn {
        PreparedColumn { feature: feature.into(), level: level.map(str::to_string), ..Default::default() }
    }

    fn model(columns: Vec<PreparedColumn>, centres: &[&[f64]]) -> ClusterModel {
        let mut features: Vec<FeatureSpec> = Vec::new();
        for c in &columns {
            if !features.iter().any(|f| f.column == c.feature) {
                features.push(FeatureSpec {
                    column: c.feature.clone(),
                    log: c.log,
                    scaling: Default::default(),
                    weight: c.weight,
                    score: None,
                });
            }
        }
        ClusterModel {
            format: MODEL_FORMAT.into(),
            algorithm: "kmeans".into(),
            gamma: None,
            mixture: None,
            k: centres.len(),
            n_init: 1,
            max_iter: 10,
            seed: 1,
            features,
            missing: Missing::Drop,
            as_of: None,
            transactions: None,
            columns,
            clusters: centres
                .iter()
                .enumerate()
                .map(|(i, c)| ModelCluster { name: format!("C{i}"), size: 1, centre: c.to_vec() })
                .collect(),
            inertia: 0.0,
            n_iter: 1,
            fitted_with: String::new(),
            input: ModelInput { file: "t.csv".into(), bytes: 1, rows: 1 },
        }
    }

    #[test]
    fn constants_read_back_as_the_same_double() {
        for v in [0.1, -3.5, 1e-300, 123456.789, f64::MIN_POSITIVE, 2.0f64.sqrt(), -0.0] {
            let s = number(v);
            let back: f64 = s.trim_matches(['(', ')']).parse().unwrap_or(f64::NAN);
            assert_eq!(back.to_bits(), v.to_bits(), "{s}");
            assert!(s.contains('e'), "{s} is not in exponent form");
        }
    }

    #[test]
    fn the_first_cluster_wins_a_tie_and_the_last_is_the_rest() {
        let sql = model_sql(&model(vec![column("x", None)], &[&[0.0], &[1.0], &[2.0]]), Dialect::Duckdb, "t", None)
            .unwrap_or_default();
        assert!(sql.contains(
            "    WHEN d.segscope_d1 IS NULL THEN NULL\n    WHEN d.segscope_d1 <= d.segscope_d2 AND d.segscope_d1 <= d.segscope_d3 THEN 'C0'\n    WHEN d.segscope_d2 <= d.segscope_d3 THEN 'C1'\n    ELSE 'C2'\n  END AS \"cluster\""
        ), "{sql}");
    }

    #[test]
    fn a_level_is_its_weight_and_a_missing_one_is_imputed_or_null() {
        let mut level = column("city", Some("O'Hare"));
        level.weight = 0.5;
        let with_drop = prepared(&level, Dialect::Postgres, None);
        assert_eq!(
            with_drop,
            "CAST(CASE WHEN c.\"city\" IS NULL THEN NULL WHEN c.\"city\" = 'O''Hare' THEN 5e-1 ELSE 0 END AS DOUBLE PRECISION)"
        );
        level.impute = Some(1.0);
        assert!(prepared(&level, Dialect::Spark, None).starts_with("CAST(CASE WHEN c.`city` IS NULL THEN 5e-1 WHEN"));
    }

    #[test]
    fn dates_count_days_before_the_as_of_date_and_booleans_are_one_or_zero() {
        let mut date = column("last", None);
        date.days = true;
        date.impute = Some(30.0);
        assert_eq!(
            prepared(&date, Dialect::Bigquery, Some("2025-01-01")),
            "COALESCE(CAST(DATE_DIFF(DATE '2025-01-01', CAST(c.`last` AS DATE), DAY) AS FLOAT64), 3e1)"
        );
        let mut flag = column("opt_in", None);
        flag.boolean = true;
        flag.center = 0.25;
        assert_eq!(
            prepared(&flag, Dialect::Duckdb, None),
            "(CAST(CASE WHEN c.\"opt_in\" THEN 1 WHEN NOT c.\"opt_in\" THEN 0 END AS DOUBLE) - 2.5e-1)"
        );
    }

    #[test]
    fn a_damaged_model_is_refused() {
        let mut m = model(vec![column("x", None)], &[&[0.0], &[1.0]]);
        m.clusters[1].centre.push(2.0);
        assert!(matches!(model_sql(&m, Dialect::Duckdb, "t", None), Err(ModelError::Damaged(_))));
    }

    #[test]
    fn a_score_counts_the_cuts_a_number_lies_above_or_a_dates_days_lie_below() {
        let mut spend = column("spend", None);
        spend.cuts = Some(vec![10.0, 20.5]);
        spend.center = 2.0;
        assert_eq!(
            prepared(&spend, Dialect::Duckdb, None),
            "(CAST(CASE WHEN CAST(c.\"spend\" AS DOUBLE) > 2.05e1 THEN 3 WHEN CAST(c.\"spend\" AS DOUBLE) > 1e1 THEN 2 WHEN CAST(c.\"spend\" AS DOUBLE) IS NOT NULL THEN 1 END AS DOUBLE) - 2e0)"
        );
        let mut last = column("last", None);
        last.days = true;
        last.cuts = Some(vec![7.0, 30.0]);
        assert_eq!(
            prepared(&last, Dialect::Postgres, Some("2025-01-01")),
            "CAST(CASE WHEN CAST((DATE '2025-01-01' - CAST(c.\"last\" AS DATE)) AS DOUBLE PRECISION) < 7e0 THEN 3 WHEN CAST((DATE '2025-01-01' - CAST(c.\"last\" AS DATE)) AS DOUBLE PRECISION) < 3e1 THEN 2 WHEN CAST((DATE '2025-01-01' - CAST(c.\"last\" AS DATE)) AS DOUBLE PRECISION) IS NOT NULL THEN 1 END AS DOUBLE PRECISION)"
        );
        // A feature whose values all tie has one score: 1 for any value, NULL for none.
        spend.cuts = Some(Vec::new());
        spend.center = 0.0;
        assert_eq!(
            prepared(&spend, Dialect::Spark, None),
            "CAST(CASE WHEN CAST(c.`spend` AS DOUBLE) IS NOT NULL THEN 1 END AS DOUBLE)"
        );
    }
}
