//! Money summed exactly: integer units at the amount column's precision, so equal totals are equal.
//! One amount is one exact decimal whatever the scale it is read at, so amounts read at different
//! scales (a leading sample's, the whole column's) add up alike.

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

/// Below this many units (2^51) a product `x × 10^scale` is within 0.5 of the units of the decimal
/// `x` was read from (written with at most `scale` decimals), so rounding it gives them exactly.
const ROUNDS_EXACTLY: f64 = 2_251_799_813_685_248.0;

/// Amounts smaller than this (in size) are fewer than 2^63 units at any scale up to [`MAX_SCALE`].
const FITS_AT_ANY_SCALE: f64 = 9e9;

impl Money {
    /// The amount `x` written with at most `scale` decimals (at most [`MAX_SCALE`]), as exact
    /// units; `None` when `x` is not a number or too large to be added up exactly (2^63 units of
    /// its last decimal or more: 9.2 × 10^16 at 2 decimals).
    ///
    /// One amount is the same exact amount at every scale at least its decimals (`5` and `5.00`,
    /// `0.1` and `0.10`), so amounts read at different scales add up alike: whole numbers become
    /// units exactly, and past 2^51 units, where the product's rounding would show, an amount with
    /// a fraction is read from its shortest decimal (the digits that read back as `x`).
    pub fn from_f64(x: f64, scale: u8) -> Option<Money> {
        let scale = scale.min(MAX_SCALE);
        let units = if x.fract() == 0.0 && x.abs() < MAX_UNITS {
            // A whole number (every number past 2^53 is one) times 10^scale, exactly: in floating
            // point the product is rounded past 2^53, so one amount read at two scales (`5` in a
            // column of whole numbers, or of amounts with cents) could give two sums. The
            // conversion is exact: |x| < 2^63.
            (x as i128).checked_mul(10i128.checked_pow(u32::from(scale))?)?
        } else {
            let product = x * 10f64.powi(i32::from(scale));
            if !product.is_finite() || product.abs() >= MAX_UNITS {
                return None;
            }
            if product.abs() < ROUNDS_EXACTLY {
                // In range: |product| < 2^51, so the conversion is exact (no saturation).
                product.round() as i128
            } else {
                shortest_units(x, scale)?
            }
        };
        (units.unsigned_abs() < 1 << 63).then_some(Money { units, scale })
    }

    /// True when `x` is fewer than 2^63 units at any scale up to [`MAX_SCALE`] (under 9 × 10^9 in
    /// size), so [`Money::from_f64`] takes it at any scale; false for larger amounts and for what is
    /// not a number.
    pub fn fits_at_any_scale(x: f64) -> bool {
        x.abs() < FITS_AT_ANY_SCALE
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

/// `x` (not a whole number, so under 2^52 in size) as units of `scale` decimals from its shortest
/// decimal, the digits Rust writes for it, which read back as `x` (never in exponent form);
/// rounded half away from zero at `scale` when it has more decimals. `None` past an `i128`.
fn shortest_units(x: f64, scale: u8) -> Option<i128> {
    let text = format!("{}", x.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((text.as_str(), ""));
    let keep = fraction.len().min(usize::from(scale));
    let (kept, dropped) = fraction.split_at(keep);
    let mut units: i128 = 0;
    for d in whole.bytes().chain(kept.bytes()) {
        units = units.checked_mul(10)?.checked_add(i128::from(d.checked_sub(b'0')?))?;
    }
    // `keep` is at most `scale`, at most MAX_SCALE.
    units = units.checked_mul(10i128.checked_pow(u32::try_from(usize::from(scale).saturating_sub(keep)).ok()?)?)?;
    if dropped.bytes().next().is_some_and(|d| d >= b'5') {
        units = units.checked_add(1)?;
    }
    if x < 0.0 {
        units = units.checked_neg()?;
    }
    Some(units)
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
    fn one_amount_is_the_same_exact_amount_at_every_scale_at_least_its_decimals() {
        // Past 2^51 units the product x × 10^scale is rounded in floating point: 12345678.12 at 9
        // decimals and 92233720.3685477 at 9 are read from their shortest decimal.
        for (x, decimals) in [
            (12_345_678.12, 2u8),
            (-92_233_720.368_547_7, 7),
            (4_503_599_627_370.5, 1),
            (0.07, 2),
            (1.005, 3),
            (900_719_925_474.099_1, 4),
            (5.0, 0),
        ] {
            let own = money(x, decimals);
            for scale in decimals..=MAX_SCALE {
                let at = Money::from_f64(x, scale);
                assert_eq!(
                    at.map(|m| m.units),
                    own.units_at(scale).filter(|u| u.unsigned_abs() < 1 << 63),
                    "{x} at {scale}"
                );
            }
        }
        // More decimals than kept: rounded at the scale, half away from zero, alike on both sides of 2^51 units.
        assert_eq!(money(4_000_000.000_000_001_4, 9).to_text(), "4000000.000000001");
        assert_eq!(money(-3_289_173.622_551_670_8, 9).to_text(), "-3289173.622551671");
        assert_eq!(money(-0.125, 2).to_text(), "-0.13");
    }

    #[test]
    fn only_amounts_of_nine_billion_or_more_can_be_too_large_at_some_scale() {
        assert!(Money::fits_at_any_scale(8_999_999_999.999));
        assert!(Money::from_f64(8_999_999_999.999_999, MAX_SCALE).is_some());
        assert!(Money::from_f64(-8_999_999_999.0, MAX_SCALE).is_some());
        assert!(!Money::fits_at_any_scale(9e9));
        assert!(Money::from_f64(9.3e9, MAX_SCALE).is_none());
        assert!(!Money::fits_at_any_scale(f64::NAN));
        assert!(!Money::fits_at_any_scale(f64::INFINITY));
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
