//! The memory one array may take when a setting and the data's size decide its length (a
//! clustering's matrix, a mixture's responsibilities, a movement matrix), checked before it is
//! allocated (issue #17): past the budget a sentence says what to make smaller, instead of an
//! allocation that aborts the page or the command.
//!
//! ```
//! use segscope_engine::budget::{self, MAX_ARRAY_BYTES};
//!
//! let fits = budget::filled(1_000, 0.0f64, || "1,000 values".into(), "choose fewer.");
//! assert_eq!(fits.map(|v| v.len()), Ok(1_000));
//! let past = (MAX_ARRAY_BYTES / 8 + 1) as usize;
//! let err = budget::filled(past, 0.0f64, || "these values".into(), "choose fewer.").unwrap_err();
//! assert!(err.to_string().starts_with("these values would need about"), "{err}");
//! assert!(err.to_string().ends_with("; choose fewer."), "{err}");
//! ```

use crate::api::memory::bytes_text;

/// The most bytes one array sized by a setting and the data may take: 1 GB in the page (wasm32
/// has 4 GiB of address space for the data, the engine and every view, and one allocation past
/// 2 GiB aborts the page), 16 GB natively (64-bit; the command line's files can be far larger).
pub const MAX_ARRAY_BYTES: u64 = if cfg!(target_pointer_width = "32") { 1_000_000_000 } else { 16_000_000_000 };

/// An array that would pass [`MAX_ARRAY_BYTES`], or that the allocator refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{what} would need about {} of memory, more than the {} one step may use here; {advice}",
    bytes_text(*needed),
    bytes_text(MAX_ARRAY_BYTES)
)]
pub struct TooLarge {
    /// What would be held, in words ("1,000,000 customers × 2,000 prepared columns").
    pub what: String,
    /// The bytes it would take (`u64::MAX` when more than can be counted).
    pub needed: u64,
    /// What to make smaller, as the end of the sentence.
    pub advice: &'static str,
}

/// The number of values of `T` the `counts` multiply to, when they fit in [`MAX_ARRAY_BYTES`].
///
/// # Errors
/// [`TooLarge`] with `what()` and `advice` when they do not.
pub fn cells<T>(counts: &[usize], what: impl FnOnce() -> String, advice: &'static str) -> Result<usize, TooLarge> {
    let values = counts.iter().try_fold(1u64, |acc, &c| acc.checked_mul(c as u64));
    let size = std::mem::size_of::<T>().max(1) as u64;
    let needed = values.and_then(|v| v.checked_mul(size)).unwrap_or(u64::MAX);
    match values.and_then(|v| usize::try_from(v).ok()) {
        Some(v) if needed <= MAX_ARRAY_BYTES => Ok(v),
        _ => Err(TooLarge { what: what(), needed, advice }),
    }
}

/// An empty vector with room for `len` values, when they fit in [`MAX_ARRAY_BYTES`] and the
/// allocator has the room (reserved fallibly, so a refused allocation is this error too, not an
/// abort).
///
/// # Errors
/// [`TooLarge`] with `what()` and `advice`.
pub fn reserved<T>(len: usize, what: impl FnOnce() -> String, advice: &'static str) -> Result<Vec<T>, TooLarge> {
    let mut what = Some(what);
    let mut words = || what.take().map_or_else(String::new, |w| w());
    cells::<T>(&[len], &mut words, advice)?;
    let mut v = Vec::new();
    if v.try_reserve_exact(len).is_err() {
        let needed = (len as u64).saturating_mul(std::mem::size_of::<T>() as u64);
        return Err(TooLarge { what: words(), needed, advice });
    }
    Ok(v)
}

/// `len` copies of `value`, as [`reserved`] allows.
///
/// # Errors
/// [`TooLarge`] with `what()` and `advice`.
pub fn filled<T: Clone>(
    len: usize,
    value: T,
    what: impl FnOnce() -> String,
    advice: &'static str,
) -> Result<Vec<T>, TooLarge> {
    let mut v = reserved(len, what, advice)?;
    v.resize(len, value);
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_product_at_the_budget_fits_and_one_value_more_does_not() {
        let at = (MAX_ARRAY_BYTES / 8) as usize;
        assert_eq!(cells::<f64>(&[at], String::new, "x"), Ok(at));
        let e = cells::<f64>(&[at + 1], || "a matrix".into(), "choose fewer features.").unwrap_err();
        assert_eq!(e.needed, MAX_ARRAY_BYTES + 8);
        assert!(e.to_string().starts_with("a matrix would need about"), "{e}");
    }

    #[test]
    fn a_product_past_what_can_be_counted_is_refused_not_wrapped() {
        let e = cells::<u64>(&[usize::MAX, 3], || "overlaps".into(), "fewer.").unwrap_err();
        assert_eq!(e.needed, u64::MAX);
    }
}
