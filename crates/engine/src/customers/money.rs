//! Money summed exactly: integer units at the amount column's precision, so equal totals are equal.

/// An exact amount: `units` × 10^-`scale`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Money {
    /// The amount in the smallest unit.
    pub units: i128,
    /// Decimals.
    pub scale: u8,
}

/// The most decimals money is added at: amounts written with more are rounded to this many (a
/// billionth of a currency unit, far below any currency's smallest coin).
pub const MAX_SCALE: u8 = 9;

/// The largest amount in units of its last decimal that one value may have (2^63, i64's range):
/// a customer's totals are then exact whatever the number of rows a machine can hold.
const MAX_UNITS: f64 = 9_223_372_036_854_775_808.0;

impl Money {
    /// The amount `x` written with at most `scale` decimals (at most [`MAX_SCALE`]), as exact
    /// units; `None` when `x` is not a number or too large to be added up exactly (2^63 units of
    /// its last decimal or more: 9.2 × 10^16 at 2 decimals).
    pub fn from_f64(x: f64, scale: u8) -> Option<Money> {
        let scale = scale.min(MAX_SCALE);
        if x.fract() == 0.0 && x.abs() < MAX_UNITS {
            // A whole number (every number past 2^53 is one) times 10^scale, exactly: in floating
            // point the product is rounded past 2^53, so one amount read at two scales (`5` in a
            // column of whole numbers, or of amounts with cents) could give two sums. The
            // conversion is exact: |x| < 2^63.
            let units = (x as i128).checked_mul(10i128.checked_pow(u32::from(scale))?)?;
            return (units.unsigned_abs() < 1 << 63).then_some(Money { units, scale });
        }
        let units = (x * 10f64.powi(i32::from(scale))).round();
        // In range: |units| < 2^63, so the conversion is exact (no saturation).
        (units.is_finite() && units.abs() < MAX_UNITS).then_some(Money { units: units as i128, scale })
    }

    /// The units at a `scale` at least this amount's; `None` when they do not fit in an `i128`.
    fn rescaled(self, scale: u8) -> Option<i128> {
        10i128.checked_pow(u32::from(scale.saturating_sub(self.scale)))?.checked_mul(self.units)
    }

    /// The units at a larger `scale` (for comparing amounts exactly); `None` when they do not fit
    /// in an `i128` (about 1.7 × 10^38).
    pub fn units_at(self, scale: u8) -> Option<i128> {
        self.rescaled(scale)
    }

    /// As a floating-point number (for display and rules). One amount gives one number at any
    /// scale (`5` and `5.00`): its trailing zeros are dropped first, since past 2^53 units the
    /// units are rounded on their way to floating point.
    pub fn to_f64(self) -> f64 {
        let (mut units, mut scale) = (self.units, self.scale);
        while let (Some(shorter), Some(0), Some(fewer)) =
            (scale.checked_sub(1), units.checked_rem(10), units.checked_div(10))
        {
            (units, scale) = (fewer, shorter);
        }
        units as f64 / 10f64.powi(i32::from(scale))
    }

    /// As text with `scale` decimals (at least its own), for exports.
    pub fn to_text_at(self, scale: u8) -> String {
        let scale = scale.max(self.scale);
        // Zeros added as text: the same digits as rescaling, without a multiplication that could overflow.
        let text = self.to_text();
        let zeros = "0".repeat(usize::from(scale.saturating_sub(self.scale)));
        if self.scale == 0 && !zeros.is_empty() {
            format!("{text}.{zeros}")
        } else {
            format!("{text}{zeros}")
        }
    }

    /// As text with exactly `scale` decimals (for exports).
    pub fn to_text(self) -> String {
        let sign = if self.units < 0 { "-" } else { "" };
        let digits = self.units.unsigned_abs().to_string();
        let scale = usize::from(self.scale);
        if scale == 0 {
            return format!("{sign}{digits}");
        }
        // At least one digit before the point.
        let digits = format!("{digits:0>width$}", width = scale.saturating_add(1));
        let (whole, fraction) = digits.split_at(digits.len().saturating_sub(scale));
        format!("{sign}{whole}.{fraction}")
    }

    /// The exact sum, at the larger of the two scales; `None` when it does not fit in an `i128`.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        let scale = self.scale.max(other.scale);
        Some(Money { units: self.rescaled(scale)?.checked_add(other.rescaled(scale)?)?, scale })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(x: f64, scale: u8) -> Money {
        Money::from_f64(x, scale).unwrap_or_else(|| panic!("{x} at {scale} decimals"))
    }

    fn sum(a: Money, b: Money) -> Money {
        a.checked_add(b).unwrap_or_else(|| panic!("{a:?} + {b:?}"))
    }

    #[test]
    fn sums_are_exact_at_the_column_precision() {
        let a = sum(money(0.1, 2), money(0.2, 2));
        assert_eq!(a, money(0.3, 2));
        assert_eq!(a.to_text(), "0.30");
        assert_eq!(sum(money(1.5, 1), money(-2.25, 2)).to_text(), "-0.75");
        assert_eq!(money(12.0, 0).to_text(), "12");
        assert_eq!(money(-0.05, 2).to_text(), "-0.05");
        assert_eq!(money(12.5, 1).to_text_at(3), "12.500");
        assert_eq!(money(12.0, 0).to_text_at(2), "12.00");
    }

    #[test]
    fn amounts_with_many_decimals_are_added_at_nine() {
        let m = money(0.123_456_789_123_456_78, 30);
        assert_eq!(m.scale, MAX_SCALE);
        assert_eq!(m.to_text(), "0.123456789");
        assert_eq!(Money { units: 5, scale: 40 }.to_text(), format!("0.{}5", "0".repeat(39)));
    }

    #[test]
    fn amounts_and_sums_too_large_to_add_exactly_are_none() {
        assert_eq!(Money::from_f64(1e17, 2), None);
        assert_eq!(Money::from_f64(f64::INFINITY, 0), None);
        assert_eq!(Money::from_f64(f64::NAN, 0), None);
        assert!(Money::from_f64(9.2e16, 2).is_some());
        let top = Money { units: i128::MAX, scale: 2 };
        assert_eq!(top.checked_add(Money { units: 1, scale: 2 }), None);
        assert_eq!(top.checked_add(Money { units: 0, scale: 3 }), None, "rescaling overflows");
        assert_eq!(top.units_at(3), None);
        assert_eq!(Money { units: 1, scale: 0 }.units_at(200), None);
    }
}
