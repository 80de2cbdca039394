//! Cases for the warehouse tests: data Segscope read, the SQL it exports for a warehouse, and the engine's
//! answer for every customer. A case passes when the warehouse, running the SQL as exported, gives every
//! customer exactly the engine's segment (or flags, or RFM scores).
//!
//! The cases: every example definition (`examples/segments/*.json`, and the definitions with derived
//! fields in `tests/data/definitions/`) on the built-in sample; a seeded sample of the random definitions
//! of the DuckDB property tests (`rules_duckdb.rs`, `customers_duckdb.rs`); the RFM SQL for each
//! scoring method; and cluster models fitted by the engine (the sample with its transactions'
//! aggregates, a Gaussian mixture on the sample, the sample's RFM scores as features, and a model
//! labelling a table it was not fitted on).
#![allow(dead_code)]

#[path = "random_aggregates.rs"]
mod random_aggregates;
#[path = "random_rules.rs"]
mod random_rules;
#[path = "warehouse.rs"]
mod warehouse;

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use segscope_engine::cluster::model::{fit_model, ClusterModel, ModelInput};
use segscope_engine::cluster::params::{ClusterParams, Method as ClusterMethod};
use segscope_engine::cluster::prep::{FeatureSpec, Missing, Scaling};
use segscope_engine::cluster::sql::model_sql;
use segscope_engine::customers::{customer_keys, join, key_text, Aggregates};
use segscope_engine::ingest::{read_table, ReadOptions};
use segscope_engine::progress::Quiet;
use segscope_engine::rfm::{self, Method, Monetary, Returns, RfmMap, RfmParams, RfmResult};
use segscope_engine::rules::sql::select_with;
use segscope_engine::rules::{
    check, evaluate, evaluate_frame, implied_schema, schema_of, schema_with, Definition, Frame, Mode, RuleResult,
    ValidDefinition,
};
use segscope_engine::sample::{sample_csv, SampleParams};
use segscope_engine::stream::{rfm_from_transactions, PerCustomer, TransactionsInput};
use segscope_engine::table::{ColumnData, Table};
use serde_json::Value;
pub use warehouse::{TableFile, Warehouse};

/// Customers in the sample the example definitions run on.
pub const SAMPLE_CUSTOMERS: u64 = 2_000;

/// One comparison between the engine and a warehouse.
pub struct Case {
    /// What the case is, for messages.
    pub label: String,
    /// The tables the SQL reads.
    pub tables: Vec<TableFile>,
    /// The SQL, exactly as exported.
    pub sql: String,
    /// The result column holding the customer key.
    pub key: String,
    /// The result columns compared.
    pub outputs: Vec<String>,
    /// The engine's values of `outputs`, by customer key.
    pub expected: BTreeMap<String, Vec<Value>>,
}

impl Case {
    /// Runs the case in `w`; the error says what differs (a few customers at most) and shows the SQL.
    pub fn check(&self, w: Warehouse) -> Result<(), String> {
        let tables: Vec<Value> = self.tables.iter().map(|t| t.request(w)).collect();
        let request = serde_json::json!({"tables": tables, "query": self.sql});
        let answer = w
            .query(&request)
            .map_err(|e| format!("{}: {} rejected the SQL: {e}\n{}", self.label, w.name(), self.sql))?;
        let index = |name: &str| {
            answer.columns.iter().position(|c| c == name).ok_or_else(|| {
                format!("{}: the result has no column `{name}`; it has {:?}.", self.label, answer.columns)
            })
        };
        let key = index(&self.key)?;
        let outputs = self.outputs.iter().map(|o| index(o)).collect::<Result<Vec<_>, _>>()?;
        let mut got: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for row in &answer.rows {
            let values = outputs.iter().map(|&i| row.get(i).cloned().unwrap_or(Value::Null)).collect();
            if got.insert(key_of(row.get(key).unwrap_or(&Value::Null)), values).is_some() {
                return Err(format!("{}: {} returned a customer twice.\n{}", self.label, w.name(), self.sql));
            }
        }
        let mut problems = Vec::new();
        for (k, want) in &self.expected {
            match got.get(k) {
                None => problems.push(format!("customer {k} is missing (the engine says {want:?})")),
                Some(have) if have != want => {
                    problems.push(format!("customer {k}: the engine says {want:?}, {} says {have:?}", w.name()))
                }
                Some(_) => {}
            }
        }
        problems
            .extend(got.keys().filter(|k| !self.expected.contains_key(*k)).map(|k| format!("customer {k} is extra")));
        if problems.is_empty() {
            return Ok(());
        }
        let shown = problems.iter().take(5).cloned().collect::<Vec<_>>().join("\n  ");
        Err(format!(
            "{}: {} of {} customers differ from the engine in {} (columns {:?}):\n  {shown}\n{}",
            self.label,
            problems.len(),
            self.expected.len(),
            w.name(),
            self.outputs,
            self.sql
        ))
    }
}

/// Runs every case in `w` and fails listing each case that differs from the engine.
pub fn check_all(w: Warehouse, cases: &[Case]) {
    assert!(!cases.is_empty(), "no cases to run");
    let failures: Vec<String> = cases.iter().filter_map(|c| c.check(w).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from the engine in {}:\n\n{}",
        failures.len(),
        cases.len(),
        w.version(),
        failures.join("\n\n")
    );
}

fn key_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The result columns and per-customer values of a rule result: `segment` in first-match mode, one
/// true/false column per segment when overlapping.
fn rule_expectations(
    valid: &ValidDefinition,
    result: &RuleResult,
    keys: &[String],
) -> (Vec<String>, BTreeMap<String, Vec<Value>>) {
    let outputs: Vec<String> = match valid.mode {
        Mode::FirstMatch => vec!["segment".into()],
        Mode::Overlapping => valid.segments.iter().map(|s| s.name.clone()).collect(),
    };
    let expected = keys
        .iter()
        .enumerate()
        .map(|(r, k)| {
            let values = match valid.mode {
                Mode::FirstMatch => vec![result.assignment.segment_of(r).map_or(Value::Null, |s| s.into())],
                Mode::Overlapping => result.flags.iter().map(|f| Value::Bool(f[r])).collect(),
            };
            (k.clone(), values)
        })
        .collect();
    (outputs, expected)
}

fn keys_of(table: &Table, column: &str) -> Vec<String> {
    let c = table.columns.iter().find(|c| c.name == column).unwrap_or_else(|| panic!("no key column {column}"));
    (0..table.rows()).map(|r| key_text(&c.data, r).unwrap_or_default()).collect()
}

/// The built-in sample as Segscope reads it (`segscope sample`, seed 1): customers and transactions.
pub fn sample_tables() -> (Table, Table) {
    let params = SampleParams { customers: SAMPLE_CUSTOMERS.into(), seed: 1 }.check().unwrap();
    let (customers, transactions) = sample_csv(&params).unwrap();
    let read = |name: &str, bytes: &[u8]| read_table(name, bytes, &ReadOptions::default(), &mut Quiet).unwrap().table;
    (read("customers.csv", &customers), read("transactions.csv", &transactions))
}

/// The example definitions: `examples/segments/*.json`, then `tests/data/definitions/*.json`, sorted by name.
pub fn example_files() -> Vec<PathBuf> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in [manifest.join("../../examples/segments"), manifest.join("tests/data/definitions")] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        out.extend(files);
    }
    out
}

/// Every example definition on the sample, its aggregates computed from the sample's transactions when it
/// uses them. The SQL is the one `segscope sql` prints, which is also the app's.
pub fn examples(w: Warehouse, dir: &Path) -> Vec<Case> {
    let (customers, transactions) = sample_tables();
    let customers_file = TableFile::write(&customers, "customers", dir);
    let transactions_file = TableFile::write(&transactions, "transactions", dir);
    let mut cases = Vec::new();
    for path in example_files() {
        let label = path.file_name().unwrap().to_string_lossy().into_owned();
        let def = Definition::from_json(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let (extra, key, tables) = match &def.transactions {
            Some(m) => {
                let valid_mapping = m.check(&transactions, Some(&customers)).unwrap();
                let aggregates =
                    Aggregates::from_table(&transactions, &valid_mapping).unwrap_or_else(|e| panic!("{e}"));
                let key = customers.columns.iter().position(|c| c.name == m.customer_key()).unwrap();
                let (extra, _) = join(&aggregates, &customer_keys(&customers, key));
                (extra, m.customer_key().to_string(), vec![customers_file.clone(), transactions_file.clone()])
            }
            None => (Vec::new(), "customer_id".to_string(), vec![customers_file.clone()]),
        };
        let valid = check(&def, &schema_with(&customers, &extra), None).unwrap_or_else(|e| panic!("{label}: {e}"));
        let result = evaluate_frame(&valid, &Frame::with_extra(&customers, &extra, &valid), &mut Quiet).unwrap();
        let title = def.name.clone().unwrap_or_else(|| label.clone());
        let sql = select_with(&valid, w.dialect(), "customers", Some("transactions"), &title);
        let from_definition = check(&def, &implied_schema(&def), None).unwrap_or_else(|e| panic!("{label}: {e}"));
        assert_eq!(
            select_with(&from_definition, w.dialect(), "customers", Some("transactions"), &title),
            sql,
            "{label}: `segscope sql` (the definition alone) and the app (the data) write different SQL"
        );
        let (outputs, expected) = rule_expectations(&valid, &result, &keys_of(&customers, &key));
        cases.push(Case { label: format!("{label} on the sample"), tables, sql, key, outputs, expected });
    }
    cases
}

/// `n` values of `strategy`, always the same ones for the same seed.
fn seeded<S: Strategy>(strategy: S, n: usize, seed: u8) -> Vec<S::Value> {
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    (0..n).map(|_| strategy.new_tree(&mut runner).unwrap().current()).collect()
}

/// `n` random definitions over random data, drawn as `rules_duckdb.rs` draws them, with a fixed seed.
pub fn random_rules(w: Warehouse, dir: &Path, n: usize, seed: u8) -> Vec<Case> {
    let strategy = (proptest::collection::vec(random_rules::row(), 1..30), random_rules::definition());
    seeded(strategy, n, seed)
        .into_iter()
        .enumerate()
        .map(|(i, (rows, def))| {
            let table = random_rules::read(&random_rules::csv(&rows));
            let valid = check(&def, &schema_of(&table), None).unwrap();
            let result = evaluate(&valid, &table, &mut Quiet).unwrap();
            let case_dir = subdir(dir, &format!("rules-{i}"));
            let file = TableFile::write(&table, "customers", &case_dir);
            let sql = select_with(&valid, w.dialect(), "customers", None, "test");
            let (outputs, expected) = rule_expectations(&valid, &result, &keys_of(&table, "id"));
            Case {
                label: format!("random rules {i} (seed {seed})"),
                tables: vec![file],
                sql,
                key: "id".into(),
                outputs,
                expected,
            }
        })
        .collect()
}

/// `n` random rules on customer aggregates, drawn as `customers_duckdb.rs` draws them, with a fixed seed
/// (draws with nothing to compare are left out).
pub fn random_aggregates(w: Warehouse, dir: &Path, n: usize, seed: u8) -> Vec<Case> {
    seeded(random_aggregates::input(), n * 3, seed)
        .iter()
        .filter_map(random_aggregates::prepare)
        .take(n)
        .enumerate()
        .map(|(i, p)| {
            let case_dir = subdir(dir, &format!("aggregates-{i}"));
            let tables = vec![
                TableFile::write(&p.customers, "customers", &case_dir),
                TableFile::write(&p.transactions, "transactions", &case_dir),
            ];
            let sql = select_with(&p.valid, w.dialect(), "customers", Some("transactions"), "test");
            let (outputs, expected) = rule_expectations(&p.valid, &p.engine, &keys_of(&p.customers, "customer_id"));
            Case {
                label: format!("random aggregate rules {i} (seed {seed})"),
                tables,
                sql,
                key: "customer_id".into(),
                outputs,
                expected,
            }
        })
        .collect()
}

/// The RFM result columns compared.
const RFM_OUTPUTS: [&str; 5] = ["recency_days", "r_score", "f_score", "m_score", "rfm_segment"];

fn rfm_expected(keys: &[String], result: &RfmResult) -> BTreeMap<String, Vec<Value>> {
    keys.iter()
        .zip(&result.rows)
        .map(|(k, row)| {
            let mut values = vec![row.recency_days.map_or(Value::Null, Value::from)];
            values.extend((0..3).map(|i| row.scores.map_or(Value::Null, |s| Value::from(s[i]))));
            values.push(result.names[row.segment].clone().into());
            (k.clone(), values)
        })
        .collect()
}

/// The RFM SQL for each scoring method (with both monetary measures and both return rules) on the CDNOW
/// sample, one row per customer key of the transactions; and the rank method on the built-in sample's
/// customers, with those who never bought.
pub fn rfm_cases(w: Warehouse, dir: &Path) -> Vec<Case> {
    const CDNOW: &[u8] = include_bytes!("../data/cdnow/cdnow_sample.csv");
    let transactions = read_table("cdnow_sample.csv", CDNOW, &ReadOptions::default(), &mut Quiet).unwrap().table;
    let cdnow_file = TableFile::write(&transactions, "transactions", &subdir(dir, "cdnow"));
    let methods = [
        ("rank method", RfmParams::default()),
        (
            "equal-count bins with three bins",
            RfmParams { bins: 3.into(), method: Method::QuantileEqualCount, ..RfmParams::default() },
        ),
        (
            "thresholds, mean order value, returns excluded",
            RfmParams {
                bins: 4.into(),
                method: Method::Thresholds {
                    r: vec![30.0, 90.0, 365.0].into(),
                    f: vec![2.0, 3.0, 6.0].into(),
                    m: vec![20.0, 35.5, 80.0].into(),
                },
                monetary: Monetary::MeanOrder,
                returns: Returns::Exclude,
            },
        ),
    ];
    let mut cases = Vec::new();
    for (name, params) in methods {
        let valid = params.clone().check().unwrap();
        let map = RfmMap::default_for(valid.bins());
        let mut input = Cursor::new(CDNOW);
        let options = ReadOptions::default();
        let mut tx = TransactionsInput {
            name: "cdnow_sample.csv",
            input: &mut input,
            options: &options,
            mapping: Default::default(),
            workers: &mut segscope_engine::customers::InOrder,
        };
        let PerCustomer { keys, result, mapping, .. } =
            rfm_from_transactions(&mut tx, &valid, &map, None, &mut Quiet).unwrap();
        let checked = map.check(valid.bins()).unwrap();
        let sql = rfm::sql::select(&valid, &checked, &mapping, result.as_of, w.dialect(), "transactions", None);
        cases.push(Case {
            label: format!("RFM on CDNOW, {name}"),
            tables: vec![cdnow_file.clone()],
            sql,
            key: "customer_id".into(),
            outputs: RFM_OUTPUTS.map(String::from).to_vec(),
            expected: rfm_expected(&keys, &result),
        });
    }
    // The sample's customers: every customer, scored or "No purchases".
    let (customers, transactions) = sample_tables();
    let sample_dir = subdir(dir, "sample");
    let params = RfmParams::default();
    let valid = params.clone().check().unwrap();
    let map = RfmMap::default_for(valid.bins());
    let mapping = segscope_engine::customers::TransactionMapping::guess(&transactions, Some(&customers)).unwrap();
    let valid_mapping = mapping.check(&transactions, Some(&customers)).unwrap();
    let aggregates = Aggregates::from_table(&transactions, &valid_mapping).unwrap_or_else(|e| panic!("{e}"));
    let key = customers.columns.iter().position(|c| c.name == mapping.customer_key()).unwrap();
    let with_keys = customer_keys(&customers, key);
    let latest = transactions.column(&mapping.date).and_then(|c| c.stats.numeric).map(|s| s.max as i32).unwrap();
    let result = rfm::compute(&with_keys, &aggregates, &valid, &map, latest + 1, &mut Quiet).unwrap();
    let checked = map.check(valid.bins()).unwrap();
    let sql =
        rfm::sql::select(&valid, &checked, &mapping, result.as_of, w.dialect(), "transactions", Some("customers"));
    cases.push(Case {
        label: "RFM on the sample's customers, rank method".into(),
        tables: vec![
            TableFile::write(&customers, "customers", &sample_dir),
            TableFile::write(&transactions, "transactions", &sample_dir),
        ],
        sql,
        key: mapping.customer_key().to_string(),
        outputs: RFM_OUTPUTS.map(String::from).to_vec(),
        expected: rfm_expected(&keys_of(&customers, mapping.customer_key()), &result),
    });
    cases
}

/// `dir/name`, created.
fn subdir(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(&path).unwrap();
    path
}

/// A feature for the cluster cases.
fn feature(column: &str, log: bool, scaling: Scaling, weight: f64) -> FeatureSpec {
    FeatureSpec { column: column.into(), log, scaling, weight, score: None }
}

/// Fits `k` clusters on `columns` (name, values) with the engine, as the app and `segscope cluster` do.
fn fit(
    columns: &[(&str, &ColumnData)],
    features: Vec<FeatureSpec>,
    missing: Missing,
    k: usize,
    as_of: Option<i32>,
) -> ClusterModel {
    fit_with(ClusterMethod::Kmeans, columns, features, missing, k, as_of)
}

/// As [`fit`], with the method given.
fn fit_with(
    method: ClusterMethod,
    columns: &[(&str, &ColumnData)],
    features: Vec<FeatureSpec>,
    missing: Missing,
    k: usize,
    as_of: Option<i32>,
) -> ClusterModel {
    let params = ClusterParams { features, missing, method, ..ClusterParams::default() }.check_fit(&k.into()).unwrap();
    let input = ModelInput { file: "customers.csv".into(), bytes: 0, rows: 0 };
    fit_model(columns, &params, as_of, input, &mut Quiet).unwrap().model
}

/// Each customer's cluster name as the engine labels `columns` with `model` (NULL when left out).
fn cluster_expected(
    model: &ClusterModel,
    columns: &[(&str, &ColumnData)],
    keys: &[String],
    some_left_out: bool,
) -> BTreeMap<String, Vec<Value>> {
    let labels = model.label(columns).unwrap();
    let names = model.names();
    // A case that says something: every cluster has customers, and so does "left out" where expected.
    for c in 0..model.k as u32 {
        assert!(labels.labels.contains(&Some(c)), "cluster {c} of {names:?} is empty");
    }
    assert_eq!(labels.left_out > 0, some_left_out, "{} customers left out", labels.left_out);
    keys.iter()
        .zip(&labels.labels)
        .map(|(k, l)| (k.clone(), vec![l.map_or(Value::Null, |l| Value::from(names[l as usize].clone()))]))
        .collect()
}

/// Cluster models fitted by the engine, their SQL run on the data they label:
/// - the built-in sample with its transactions (age, income with ln(1 + x), app sessions, gender one-hot,
///   e-mail opt-in, and from the transactions revenue with ln(1 + x), the last order date, the days
///   between orders and the share spent on Garden), customers missing a value left out (income and
///   gender have gaps; customers who never bought have no last order date), and the same features
///   with missing values imputed;
/// - a Gaussian mixture on the sample (age, income with ln(1 + x), app sessions, revenue with
///   ln(1 + x), the last order date, e-mail opt-in), labelled by its most probable component;
/// - RFM scores as features: the sample's last order date, orders and revenue scored 1–5, and age;
/// - a model fitted on one table labelling another: a date-time feature, a level it was not fitted on,
///   values below −1 under ln(1 + x) (left out), missing values imputed.
pub fn cluster_cases(w: Warehouse, dir: &Path) -> Vec<Case> {
    let mut cases = Vec::new();
    let (customers, transactions) = sample_tables();
    let sample_dir = subdir(dir, "clusters-sample");
    let tables = vec![
        TableFile::write(&customers, "customers", &sample_dir),
        TableFile::write(&transactions, "transactions", &sample_dir),
    ];
    let mapping = segscope_engine::customers::TransactionMapping::guess(&transactions, Some(&customers)).unwrap();
    let valid_mapping = mapping.check(&transactions, Some(&customers)).unwrap();
    let aggregates = Aggregates::from_table(&transactions, &valid_mapping).unwrap_or_else(|e| panic!("{e}"));
    let key = customers.columns.iter().position(|c| c.name == mapping.customer_key()).unwrap();
    let (extra, _) = join(&aggregates, &customer_keys(&customers, key));
    let columns: Vec<(&str, &ColumnData)> =
        customers.columns.iter().chain(&extra).map(|c| (c.name.as_str(), &c.data)).collect();
    let as_of = aggregates.latest().map(|d| d + 1);
    let keys = keys_of(&customers, mapping.customer_key());
    for (missing, k) in [(Missing::Drop, 4), (Missing::Impute, 5)] {
        let features = vec![
            feature("age", false, Scaling::Zscore, 1.0),
            feature("income", true, Scaling::Zscore, 1.0),
            feature("app_sessions_90d", false, Scaling::Robust, 1.0),
            feature("revenue", true, Scaling::Zscore, 1.0),
            feature("last_order_date", false, Scaling::Minmax, 1.0),
            feature("gender", false, Scaling::Zscore, 0.7),
            feature("email_opt_in", false, Scaling::Zscore, 1.0),
            feature("days_between_orders", false, Scaling::Zscore, 1.0),
            feature("spend_share_Garden", false, Scaling::None, 1.0),
        ];
        let mut model = fit(&columns, features, missing, k, as_of);
        model.transactions = Some(mapping.clone());
        let sql = model_sql(&model, w.dialect(), "customers", Some("transactions")).unwrap();
        cases.push(Case {
            label: format!("{k} clusters on the sample, missing values {missing:?}"),
            tables: tables.clone(),
            sql,
            key: mapping.customer_key().to_string(),
            outputs: vec!["cluster".into()],
            expected: cluster_expected(&model, &columns, &keys, missing == Missing::Drop),
        });
    }
    let features = vec![
        feature("age", false, Scaling::Zscore, 1.0),
        feature("income", true, Scaling::Zscore, 1.0),
        feature("app_sessions_90d", false, Scaling::Robust, 1.0),
        feature("revenue", true, Scaling::Zscore, 1.0),
        feature("last_order_date", false, Scaling::Minmax, 1.0),
        feature("email_opt_in", false, Scaling::Zscore, 1.0),
    ];
    let mut model = fit_with(ClusterMethod::Mixture, &columns, features, Missing::Drop, 4, as_of);
    assert!(model.mixture.is_some(), "a mixture part");
    model.transactions = Some(mapping.clone());
    cases.push(Case {
        label: "a Gaussian mixture of 4 clusters on the sample".into(),
        tables: tables.clone(),
        sql: model_sql(&model, w.dialect(), "customers", Some("transactions")).unwrap(),
        key: mapping.customer_key().to_string(),
        outputs: vec!["cluster".into()],
        expected: cluster_expected(&model, &columns, &keys, true),
    });
    // RFM as features: the last order date, orders and revenue scored 1–5 (orders tie heavily, so
    // it gets fewer scores), beside age as it is.
    let scored = |column: &str| FeatureSpec { score: Some(5), ..feature(column, false, Scaling::Zscore, 1.0) };
    let features = vec![
        scored("last_order_date"),
        scored("orders"),
        scored("revenue"),
        feature("age", false, Scaling::Zscore, 1.0),
    ];
    let mut model = fit(&columns, features, Missing::Drop, 4, as_of);
    assert!(model.columns.iter().take(3).all(|c| c.cuts.is_some()), "scored columns");
    model.transactions = Some(mapping.clone());
    cases.push(Case {
        label: "4 clusters on the sample's RFM scores and age".into(),
        tables: tables.clone(),
        sql: model_sql(&model, w.dialect(), "customers", Some("transactions")).unwrap(),
        key: mapping.customer_key().to_string(),
        outputs: vec!["cluster".into()],
        expected: cluster_expected(&model, &columns, &keys, true),
    });
    // Fitted on one table, labelling another.
    let read = |name: &str, text: String| {
        read_table(name, text.as_bytes(), &ReadOptions::default(), &mut Quiet).unwrap().table
    };
    let row = |i: i64, spend: String, city: &str| {
        let seen = if i % 11 == 3 {
            String::new()
        } else {
            format!("2024-{:02}-{:02} {:02}:{:02}:00", 1 + i % 12, 1 + i % 28, (i * 7) % 24, (i * 13) % 60)
        };
        let flag = match i % 5 {
            0 => "",
            1 | 2 => "true",
            _ => "false",
        };
        format!("{i},{seen},{spend},{city},{flag}\n")
    };
    let header = "id,seen_at,spend,city,opt_in\n".to_string();
    let cities = ["Ghent", "Lyon", "Porto", ""];
    let mut fitted_on = header.clone();
    for i in 0..300i64 {
        let spend = if i % 17 == 0 { String::new() } else { format!("{}.{:02}", (i * 37) % 900, (i * 7) % 100) };
        fitted_on += &row(i, spend, cities[(i % 4) as usize]);
    }
    let mut labelled = header;
    for i in 0..300i64 {
        let spend = match i % 23 {
            0 => "-2.50".to_string(),
            1 => "-1.00".to_string(),
            2 => "-0.75".to_string(),
            3 => String::new(),
            _ => format!("{}.{:02}", (i * 53) % 1200, (i * 11) % 100),
        };
        labelled += &row(i, spend, ["Ghent", "Lyon", "Oslo", "", "Porto"][(i % 5) as usize]);
    }
    let fit_table = read("fitted.csv", fitted_on);
    let table = read("customers.csv", labelled);
    let named = |t: &Table| -> Vec<(String, ColumnData)> {
        t.columns.iter().map(|c| (c.name.clone(), c.data.clone())).collect()
    };
    let (fit_columns, columns) = (named(&fit_table), named(&table));
    let fit_refs: Vec<(&str, &ColumnData)> = fit_columns.iter().map(|(n, d)| (n.as_str(), d)).collect();
    let label_refs: Vec<(&str, &ColumnData)> = columns.iter().map(|(n, d)| (n.as_str(), d)).collect();
    let types: Vec<String> = table.columns.iter().map(|c| c.column_type().to_string()).collect();
    assert_eq!(types, ["integer", "datetime", "decimal", "categorical", "boolean"], "the other table's types");
    let features = vec![
        feature("seen_at", true, Scaling::Zscore, 1.0),
        feature("spend", true, Scaling::Robust, 1.0),
        feature("city", false, Scaling::Zscore, 1.5),
        feature("opt_in", false, Scaling::None, 1.0),
    ];
    let as_of = segscope_engine::rules::parse_iso_date("2025-01-01");
    let model = fit(&fit_refs, features, Missing::Impute, 3, as_of);
    let case_dir = subdir(dir, "clusters-other-table");
    cases.push(Case {
        label: "3 clusters fitted on one table, labelling another (date-times, a new level, ln(1 + x) below -1)".into(),
        tables: vec![TableFile::write(&table, "customers", &case_dir)],
        sql: model_sql(&model, w.dialect(), "customers", None).unwrap(),
        key: "id".into(),
        outputs: vec!["cluster".into()],
        expected: cluster_expected(&model, &label_refs, &keys_of(&table, "id"), true),
    });
    cases
}
