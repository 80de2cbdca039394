//! Money summed exactly: integer units at the amount column's precision, so equal totals are equal.

/// An exact amount: `units` × 10^-`scale`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Money {
    /// The amount in the smallest unit.
    pub units: i128,
    /// Decimals.
    pub scale: u8,
}

impl Money {
    /// The amount `x` written with at most `scale` decimals, as exact units.
    pub fn from_f64(x: f64, scale: u8) -> Money {
        Money { units: (x * 10f64.powi(i32::from(scale))).round() as i128, scale }
    }

    fn rescaled(self, scale: u8) -> i128 {
        self.units * 10i128.pow(u32::from(scale.saturating_sub(self.scale)))
    }

    /// The units at a larger `scale` (for comparing amounts exactly).
    pub fn units_at(self, scale: u8) -> i128 {
        self.rescaled(scale)
    }

    /// As a floating-point number (for display and rules).
    pub fn to_f64(self) -> f64 {
        self.units as f64 / 10f64.powi(i32::from(self.scale))
    }

    /// As text with `scale` decimals (at least its own), for exports.
    pub fn to_text_at(self, scale: u8) -> String {
        Money { units: self.rescaled(scale.max(self.scale)), scale: scale.max(self.scale) }.to_text()
    }

    /// As text with exactly `scale` decimals (for exports).
    pub fn to_text(self) -> String {
        let sign = if self.units < 0 { "-" } else { "" };
        let abs = self.units.unsigned_abs();
        if self.scale == 0 {
            return format!("{sign}{abs}");
        }
        let p = 10u128.pow(u32::from(self.scale));
        format!("{sign}{}.{:0width$}", abs / p, abs % p, width = usize::from(self.scale))
    }
}

impl std::ops::Add for Money {
    type Output = Money;

    /// The exact sum, at the larger of the two scales.
    fn add(self, other: Money) -> Money {
        let scale = self.scale.max(other.scale);
        Money { units: self.rescaled(scale) + other.rescaled(scale), scale }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_are_exact_at_the_column_precision() {
        let a = Money::from_f64(0.1, 2) + Money::from_f64(0.2, 2);
        assert_eq!(a, Money::from_f64(0.3, 2));
        assert_eq!(a.to_text(), "0.30");
        assert_eq!((Money::from_f64(1.5, 1) + Money::from_f64(-2.25, 2)).to_text(), "-0.75");
        assert_eq!(Money::from_f64(12.0, 0).to_text(), "12");
    }
}
