//! Parameters of the sample generator: how many customers, which seed.

use serde::{Deserialize, Serialize};

use super::errors::SampleError;
use crate::typed::Typed;

/// The seed used when none is given, so the default sample is the same everywhere.
pub const DEFAULT_SEED: u64 = 20_230_101;

/// The number of customers generated when none is given.
pub const DEFAULT_CUSTOMERS: u64 = 5_000;

/// The fewest customers a sample can have.
pub const MIN_CUSTOMERS: u64 = 1;

/// The most customers a sample can have: the command line writes them a record at a time (about
/// 30 GB of files at this size). A sample made in memory, as the page makes it, is bounded by
/// [`crate::budget`] as well (about 1.9 million customers in the page, see
/// [`sample_csv`](super::sample_csv)).
pub const MAX_CUSTOMERS: u64 = 50_000_000;

/// What to generate: the number of customers (a number, or as typed: `?sample=N` in the app,
/// `--customers N` on the command line) and the seed. Check it with [`SampleParams::check`] to
/// get the [`ValidSampleParams`] the generator takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleParams {
    /// How many customers to generate ([`MIN_CUSTOMERS`]..=[`MAX_CUSTOMERS`]).
    pub customers: Typed<u64>,
    /// The seed; the same seed and customer count always give the same bytes.
    pub seed: u64,
}

impl Default for SampleParams {
    fn default() -> Self {
        SampleParams { customers: DEFAULT_CUSTOMERS.into(), seed: DEFAULT_SEED }
    }
}

impl SampleParams {
    /// Sets the number of customers.
    #[must_use]
    pub fn customers(mut self, customers: u64) -> Self {
        self.customers = customers.into();
        self
    }

    /// Sets the seed.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Checks the parameters and returns the valid form the generator accepts.
    ///
    /// # Errors
    ///
    /// [`SampleError::CustomerCount`] when `customers` is not a whole number from
    /// [`MIN_CUSTOMERS`] to [`MAX_CUSTOMERS`].
    ///
    /// ```
    /// use segscope_engine::sample::SampleParams;
    /// use segscope_engine::typed::Typed;
    ///
    /// let valid = SampleParams::default().customers(1_000).check()?;
    /// assert_eq!(valid.customers(), 1_000);
    ///
    /// let err = SampleParams::default().customers(0).check().unwrap_err();
    /// assert_eq!(err.to_string(), "the number of customers must be a whole number from 1 to 50,000,000 (got `0`).");
    /// let typed = SampleParams { customers: Typed::Text("lots".into()), ..SampleParams::default() };
    /// assert!(typed.check().unwrap_err().to_string().ends_with("(got `lots`)."));
    /// # Ok::<(), segscope_engine::sample::SampleError>(())
    /// ```
    pub fn check(&self) -> Result<ValidSampleParams, SampleError> {
        let customers = self.customers.read("the number of customers", MIN_CUSTOMERS..=MAX_CUSTOMERS)?;
        Ok(ValidSampleParams { customers, seed: self.seed })
    }
}

/// Sample parameters that passed [`SampleParams::check`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ValidSampleParams {
    customers: u64,
    seed: u64,
}

impl ValidSampleParams {
    /// The number of customers to generate.
    pub fn customers(&self) -> u64 {
        self.customers
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The parameters as checked, with plain numbers.
    pub fn params(&self) -> SampleParams {
        SampleParams { customers: self.customers.into(), seed: self.seed }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_five_thousand_customers_and_the_documented_seed() {
        let p = SampleParams::default();
        assert_eq!(p.customers, Typed::Value(5_000));
        assert_eq!(p.seed, DEFAULT_SEED);
    }

    #[test]
    fn zero_customers_is_rejected() {
        let err = SampleParams::default().customers(0).check();
        assert!(matches!(err, Err(SampleError::CustomerCount(e)) if e.got == "0"));
    }

    #[test]
    fn more_than_fifty_million_customers_is_rejected() {
        let err = SampleParams::default().customers(MAX_CUSTOMERS + 1).check();
        assert!(matches!(err, Err(SampleError::CustomerCount(e)) if e.got == "50000001"));
    }

    #[test]
    fn bounds_are_accepted() {
        assert!(SampleParams::default().customers(1).check().is_ok());
        assert!(SampleParams::default().customers(MAX_CUSTOMERS).check().is_ok());
    }
}
