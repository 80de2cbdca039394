//! Corrections of many p-values for testing many traits at once, as statsmodels'
//! `multipletests(p, method="fdr_bh")` and `method="holm"`.

use serde::{Deserialize, Serialize};

use super::SignificanceError;

/// A multiple-comparison correction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Correction {
    /// Benjamini–Hochberg: controls the false discovery rate (the expected share of the traits
    /// called different that are not).
    #[default]
    BenjaminiHochberg,
    /// Holm's step-down: controls the chance of calling any trait different that is not.
    Holm,
}

impl Correction {
    /// The correction's name as a report states it.
    pub fn label(self) -> &'static str {
        match self {
            Correction::BenjaminiHochberg => "Benjamini–Hochberg (false discovery rate)",
            Correction::Holm => "Holm (family-wise error rate)",
        }
    }
}

/// The adjusted p-values of `p_values`, in input order, by `correction`.
///
/// # Errors
/// [`SignificanceError::InvalidPValue`] for a NaN or a value outside [0, 1].
pub fn adjust_p_values(p_values: &[f64], correction: Correction) -> Result<Vec<f64>, SignificanceError> {
    match correction {
        Correction::BenjaminiHochberg => benjamini_hochberg(p_values),
        Correction::Holm => holm(p_values),
    }
}

/// Benjamini–Hochberg adjusted p-values in input order: for the i-th smallest of m,
/// min over j ≥ i of m·p₍ⱼ₎/j, at most 1.
///
/// ```
/// use segscope_engine::stats::significance::benjamini_hochberg;
/// let adjusted = benjamini_hochberg(&[0.04, 0.01, 0.03]).unwrap_or_else(|e| panic!("{e}"));
/// let expected = [0.04, 0.03, 0.04];
/// assert!(adjusted.iter().zip(expected).all(|(a, e)| (a - e).abs() < 1e-15));
/// ```
///
/// # Errors
/// [`SignificanceError::InvalidPValue`] for a NaN or a value outside [0, 1].
pub fn benjamini_hochberg(p_values: &[f64]) -> Result<Vec<f64>, SignificanceError> {
    let order = ascending(p_values)?;
    let m = p_values.len() as f64;
    let mut adjusted = vec![0.0; p_values.len()];
    let mut running = 1.0f64;
    for (rank, &index) in order.iter().enumerate().rev() {
        let p = p_values.get(index).copied().unwrap_or(1.0);
        running = running.min(p * m / rank.saturating_add(1) as f64); // `rank < m`: no saturation
        if let Some(slot) = adjusted.get_mut(index) {
            *slot = running;
        }
    }
    Ok(adjusted)
}

/// Holm adjusted p-values in input order: for the i-th smallest of m (from 1),
/// max over j ≤ i of (m − j + 1)·p₍ⱼ₎, at most 1.
///
/// # Errors
/// [`SignificanceError::InvalidPValue`] for a NaN or a value outside [0, 1].
pub fn holm(p_values: &[f64]) -> Result<Vec<f64>, SignificanceError> {
    let order = ascending(p_values)?;
    let m = p_values.len();
    let mut adjusted = vec![0.0; m];
    let mut running = 0.0f64;
    for (rank, &index) in order.iter().enumerate() {
        let p = p_values.get(index).copied().unwrap_or(1.0);
        running = running.max(p * m.saturating_sub(rank) as f64); // `rank < m`: no saturation
        if let Some(slot) = adjusted.get_mut(index) {
            *slot = running.min(1.0);
        }
    }
    Ok(adjusted)
}

/// The positions of `p_values` from smallest to largest value, after checking each is in [0, 1].
fn ascending(p_values: &[f64]) -> Result<Vec<usize>, SignificanceError> {
    if let Some((index, &value)) = p_values.iter().enumerate().find(|(_, p)| !(0.0..=1.0).contains(*p)) {
        return Err(SignificanceError::InvalidPValue { index, value });
    }
    let mut order: Vec<usize> = (0..p_values.len()).collect();
    order.sort_by(|&a, &b| {
        let (pa, pb) = (p_values.get(a).copied().unwrap_or(1.0), p_values.get(b).copied().unwrap_or(1.0));
        pa.total_cmp(&pb)
    });
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bh(p: &[f64]) -> Vec<f64> {
        benjamini_hochberg(p).unwrap_or_else(|e| panic!("{e}"))
    }

    fn hm(p: &[f64]) -> Vec<f64> {
        holm(p).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn adjusted_values_keep_input_order() {
        assert_eq!(bh(&[0.5, 0.01]), vec![0.5, 0.02]);
        assert_eq!(hm(&[0.5, 0.01]), vec![0.5, 0.02]);
    }

    #[test]
    fn adjusted_values_never_exceed_one_nor_fall_below_the_raw_value() {
        let p = [0.9, 0.8, 0.001, 0.6, 0.03];
        for adjusted in [bh(&p), hm(&p)] {
            for (a, raw) in adjusted.iter().zip(p) {
                assert!(*a <= 1.0 && *a >= raw, "{a} from {raw}");
            }
        }
    }

    #[test]
    fn holm_is_at_least_as_strict_as_benjamini_hochberg() {
        let p = [0.01, 0.02, 0.03, 0.04, 0.2];
        for (h, b) in hm(&p).iter().zip(bh(&p)) {
            assert!(*h >= b);
        }
    }

    #[test]
    fn one_test_is_left_alone_and_none_gives_none() {
        assert_eq!(bh(&[0.03]), vec![0.03]);
        assert_eq!(hm(&[0.03]), vec![0.03]);
        assert!(bh(&[]).is_empty() && hm(&[]).is_empty());
    }

    #[test]
    fn nan_or_out_of_range_p_values_are_refused() {
        assert!(matches!(
            adjust_p_values(&[0.1, f64::NAN], Correction::Holm),
            Err(SignificanceError::InvalidPValue { index: 1, .. })
        ));
        assert_eq!(
            adjust_p_values(&[1.5], Correction::BenjaminiHochberg),
            Err(SignificanceError::InvalidPValue { index: 0, value: 1.5 })
        );
    }
}
