//! A cluster model in words, for reports: the method and k, each feature with its log and
//! scaling, what happens to customers missing a feature, how it was fitted, the as-of date of
//! date features and the clusters' names.

use super::model::ClusterModel;
use super::params::Method;
use super::prep::{Missing, Scaling};

impl ClusterModel {
    /// The model in words: method, k, features, missing values, fit, as-of date and cluster names.
    pub fn in_words(&self) -> String {
        let method = Method::parse(&self.algorithm).map_or_else(|_| self.algorithm.clone(), |m| m.label().to_string());
        let features: Vec<String> = self
            .features
            .iter()
            .map(|f| {
                let mut how: Vec<String> = Vec::new();
                if let Some(bins) = f.score {
                    how.push(format!("scored 1–{bins} by equal-count bins"));
                }
                if f.log {
                    how.push("ln(1 + x)".to_string());
                }
                let is_number = self.columns.iter().any(|c| c.feature == f.column && c.level.is_none());
                if is_number {
                    how.push(
                        match f.scaling {
                            Scaling::Zscore => "z-scores",
                            Scaling::Robust => "median and interquartile range",
                            Scaling::Minmax => "min–max",
                            Scaling::None => "unscaled",
                        }
                        .to_string(),
                    );
                }
                if how.is_empty() {
                    f.column.clone()
                } else {
                    format!("{} ({})", f.column, how.join(", "))
                }
            })
            .collect();
        let missing = match self.missing {
            Missing::Drop => "customers missing a feature are in no cluster",
            Missing::Impute => "a missing value is filled with the median, or the most common value of a category",
        };
        let mut lines = vec![format!("Clusters: {method} with k = {} on {}; {missing}.", self.k, features.join(", "))];
        if !self.fitted_with.trim().is_empty() {
            lines.push(format!("Fitted with {}.", self.fitted_with.trim().trim_end_matches('.')));
        }
        if let Some(as_of) = &self.as_of {
            lines.push(format!("Date features count days back from {as_of}."));
        }
        lines.push(format!("The clusters: {}.", self.names().join(", ")));
        lines.join("\n")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::cluster::model::{fit_model, ModelInput};
    use crate::cluster::params::ClusterParams;
    use crate::cluster::prep::{FeatureSpec, Scaling};
    use crate::progress::Quiet;
    use crate::table::ColumnData;

    #[test]
    fn a_model_names_its_method_features_and_clusters() {
        let spend =
            ColumnData::Decimal { values: (0..40).map(|i| Some(f64::from(i % 2 * 100 + i))).collect(), scale: 0 };
        let columns = [("spend", &spend)];
        let feature =
            FeatureSpec { column: "spend".into(), log: true, scaling: Scaling::Zscore, weight: 1.0, score: None };
        let params =
            ClusterParams { features: vec![feature], ..ClusterParams::default() }.check_fit(&2.into()).unwrap();
        let input = ModelInput { file: "c.csv".into(), bytes: 0, rows: 40 };
        let model = fit_model(&columns, &params, None, input, &mut Quiet).unwrap().model;
        let words = model.in_words();
        assert!(words.starts_with("Clusters: k-means with k = 2 on spend (ln(1 + x), z-scores);"), "{words}");
        assert!(words.ends_with(&format!("The clusters: {}.", model.names().join(", "))), "{words}");
    }
}
