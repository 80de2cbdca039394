//! RFM in words, for the Value workspace and reports: the scoring rule in a sentence, and a
//! whole RFM segmentation (scores, what M measures, each segment's cells, the as-of date).

use super::map::ValidRfmMap;
use super::params::{Method, Monetary, Returns, ValidRfmParams};

/// The scoring rule in a sentence, for the UI and the docs.
pub fn rule(params: &ValidRfmParams) -> String {
    let b = params.bins();
    match params.method() {
        Method::Rank => format!("score = 1 + floor({b} × w / N), where N customers are scored and w of them have a strictly worse value; equal values get equal scores."),
        Method::QuantileEqualCount => format!("{b} equal-count bins by rank, ties broken by customer key (pandas.qcut of rank(method=\"first\"))."),
        Method::Thresholds { .. } => "your cut points: recency at most the first cut scores highest; frequency and monetary at or above the last cut score highest.".to_string(),
    }
}

/// Scores as a reader takes them in: `5`, `4–5` for a run, `1, 3` otherwise.
fn scores(mut s: Vec<u8>) -> String {
    s.sort_unstable();
    s.dedup();
    match (s.first(), s.last()) {
        (Some(a), Some(z)) if a != z && (*a..=*z).len() == s.len() => format!("{a}–{z}"),
        _ => s.iter().map(u8::to_string).collect::<Vec<_>>().join(", "),
    }
}

/// The cells of one segment: "R 5, F 4–5" when they make a rectangle, else each cell.
fn cells(cells: &[[u8; 2]]) -> String {
    let rs: Vec<u8> = cells.iter().map(|c| c[0]).collect();
    let fs: Vec<u8> = cells.iter().map(|c| c[1]).collect();
    let (mut r, mut f) = (rs.clone(), fs.clone());
    r.sort_unstable();
    r.dedup();
    f.sort_unstable();
    f.dedup();
    if r.len().checked_mul(f.len()) == Some(cells.len()) {
        format!("R {}, F {}", scores(rs), scores(fs))
    } else {
        cells.iter().map(|[r, f]| format!("R {r} F {f}")).collect::<Vec<_>>().join("; ")
    }
}

/// An RFM segmentation in words: how customers are scored, what M measures, each segment's
/// cells of the R × F grid (and M filter), and the as-of date when known.
pub fn in_words(params: &ValidRfmParams, map: &ValidRfmMap, as_of: Option<&str>) -> String {
    let b = params.bins();
    let monetary = match params.monetary {
        Monetary::Total => "the total amount",
        Monetary::MeanOrder => "the mean order value",
    };
    let returns = match params.returns {
        Returns::Net => "returns netted",
        Returns::Exclude => "returns left out",
    };
    let mut lines = vec![format!(
        "RFM segments: each customer with a purchase gets a recency, a frequency and a monetary score from 1 to \
         {b} ({b} best; monetary is {monetary}, {returns}); {}",
        rule(params)
    )];
    for (i, s) in map.map().segments.iter().enumerate() {
        let m = map.m_scores(i);
        let filter = if m.is_empty() { String::new() } else { format!(", M {}", scores(m.to_vec())) };
        lines.push(format!("{}: {}{filter}.", s.name, cells(&s.cells)));
    }
    lines.push(format!("Customers without a purchase are in “{}”.", map.map().no_purchases));
    if let Some(day) = as_of {
        lines.push(format!("Recency is counted back from {day}."));
    }
    lines.join("\n")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::rfm::{RfmMap, RfmParams};

    #[test]
    fn rectangles_of_cells_read_as_score_ranges() {
        assert_eq!(cells(&[[5, 4], [5, 5]]), "R 5, F 4–5");
        assert_eq!(cells(&[[1, 1], [1, 2], [2, 1], [2, 2]]), "R 1–2, F 1–2");
        assert_eq!(cells(&[[1, 1], [2, 2]]), "R 1 F 1; R 2 F 2");
        assert_eq!(scores(vec![1, 3]), "1, 3");
    }

    #[test]
    fn the_default_map_reads_segment_by_segment() {
        let params = RfmParams::default().check().unwrap();
        let map = RfmMap::default_for(5).check(5).unwrap();
        let words = in_words(&params, &map, Some("2024-06-01"));
        assert!(words.starts_with("RFM segments: each customer with a purchase gets"), "{words}");
        assert!(words.contains("\nChampions: R 5, F 4–5.\n"), "{words}");
        assert!(words.contains("“No purchases”"), "{words}");
        assert!(words.ends_with("Recency is counted back from 2024-06-01."), "{words}");
    }
}
