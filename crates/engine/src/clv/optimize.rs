//! Maximum likelihood with argmin's Nelder–Mead on log parameters (so every parameter stays
//! positive), with the convergence reported.

use argmin::core::{CostFunction, Executor, State, TerminationReason, TerminationStatus};
use argmin::solver::neldermead::NelderMead;
use argmin_math::{ArgminAdd, ArgminMul, ArgminSub};
use serde::{Deserialize, Serialize};

/// Parameters as argmin sees them: a vector of logs.
#[derive(Debug, Clone, PartialEq)]
pub struct LogParams(pub Vec<f64>);

impl ArgminAdd<LogParams, LogParams> for LogParams {
    fn add(&self, other: &LogParams) -> LogParams {
        LogParams(self.0.iter().zip(&other.0).map(|(a, b)| a + b).collect())
    }
}

impl ArgminSub<LogParams, LogParams> for LogParams {
    fn sub(&self, other: &LogParams) -> LogParams {
        LogParams(self.0.iter().zip(&other.0).map(|(a, b)| a - b).collect())
    }
}

impl ArgminMul<f64, LogParams> for LogParams {
    fn mul(&self, other: &f64) -> LogParams {
        LogParams(self.0.iter().map(|a| a * other).collect())
    }
}

/// How a fit ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Convergence {
    /// True when the simplex shrank below the tolerance (not stopped by the iteration limit).
    pub converged: bool,
    /// Iterations used.
    pub iterations: u64,
    /// The optimiser's own words.
    pub reason: String,
}

/// Every parameter is kept within [10⁻⁴, 10⁴] (its log within ±9.21): beyond, the likelihood is
/// treated as the worst value, so a fit running along a ridge stops at a bound (and says so).
pub const LOG_BOUND: f64 = 9.210_340_371_976_184;

struct Objective<'a>(&'a dyn Fn(&[f64]) -> f64);

impl CostFunction for Objective<'_> {
    type Param = LogParams;
    type Output = f64;

    fn cost(&self, p: &LogParams) -> Result<f64, argmin::core::Error> {
        if p.0.iter().any(|x| x.abs() > LOG_BOUND) {
            return Ok(f64::MAX);
        }
        let params: Vec<f64> = p.0.iter().map(|x| x.exp()).collect();
        let value = (self.0)(&params);
        // A non-finite likelihood is the worst possible value, so the simplex moves away.
        Ok(if value.is_finite() { value } else { f64::MAX })
    }
}

/// Minimises `negative_log_likelihood` over positive parameters, starting at `start`.
/// Returns the parameters, the minimum and the convergence; `None` when the optimiser fails.
pub fn minimise(
    negative_log_likelihood: &dyn Fn(&[f64]) -> f64,
    start: &[f64],
) -> Option<(Vec<f64>, f64, Convergence)> {
    let base: Vec<f64> = start.iter().map(|x| x.ln()).collect();
    let mut simplex = vec![LogParams(base.clone())];
    for i in 0..base.len() {
        let mut v = base.clone();
        v[i] += 0.5;
        simplex.push(LogParams(v));
    }
    let solver = NelderMead::new(simplex).with_sd_tolerance(1e-12).ok()?;
    let result =
        Executor::new(Objective(negative_log_likelihood), solver).configure(|s| s.max_iters(5_000)).run().ok()?;
    let state = result.state();
    let logs = &state.get_best_param()?.0;
    let at_bound = logs.iter().any(|x| x.abs() > LOG_BOUND - 0.01);
    let best = logs.iter().map(|x| x.exp()).collect();
    let (converged, reason) = match state.get_termination_status() {
        TerminationStatus::Terminated(TerminationReason::SolverConverged) if at_bound => {
            (false, "stopped at a parameter bound (10⁻⁴ or 10⁴)".to_string())
        }
        TerminationStatus::Terminated(TerminationReason::SolverConverged) => {
            (true, "the simplex converged".to_string())
        }
        TerminationStatus::Terminated(TerminationReason::MaxItersReached) => {
            (false, "the iteration limit (5,000) was reached".to_string())
        }
        TerminationStatus::Terminated(r) => (false, format!("{r:?}")),
        TerminationStatus::NotTerminated => (false, "not terminated".to_string()),
    };
    Some((best, state.get_best_cost(), Convergence { converged, iterations: state.get_iter(), reason }))
}
