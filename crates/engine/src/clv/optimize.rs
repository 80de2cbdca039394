//! Maximum likelihood with argmin's Nelder–Mead on log parameters (so every parameter stays
//! positive), with the convergence reported.

use argmin::core::{CostFunction, Executor, State, TerminationReason, TerminationStatus};
use argmin::solver::neldermead::NelderMead;
use argmin_math::{ArgminAdd, ArgminMul, ArgminSub};
use std::cell::{Cell, RefCell};

use serde::{Deserialize, Serialize};

use crate::progress::{self, Cancelled, Monitor};

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

struct Objective<'a> {
    f: &'a dyn Fn(&[f64]) -> f64,
    stage: &'a str,
    monitor: RefCell<&'a mut dyn Monitor>,
    evaluations: Cell<u64>,
}

/// Likelihood evaluations between two progress reports.
const REPORT_EVERY: u64 = 25;

impl CostFunction for Objective<'_> {
    type Param = LogParams;
    type Output = f64;

    fn cost(&self, p: &LogParams) -> Result<f64, argmin::core::Error> {
        // The evaluations are bounded by the iterations (5,000 × a few), far below u64::MAX.
        let n = self.evaluations.get().saturating_add(1);
        self.evaluations.set(n);
        if let Ok(mut m) = self.monitor.try_borrow_mut() {
            if progress::tick(&mut **m, self.stage, n, 0, REPORT_EVERY).is_err() {
                return Err(argmin::core::Error::msg("cancelled"));
            }
        }
        if p.0.iter().any(|x| x.abs() > LOG_BOUND) {
            return Ok(f64::MAX);
        }
        let params: Vec<f64> = p.0.iter().map(|x| x.exp()).collect();
        let value = (self.f)(&params);
        // A non-finite likelihood is the worst possible value, so the simplex moves away.
        Ok(if value.is_finite() { value } else { f64::MAX })
    }
}

/// Minimises `negative_log_likelihood` over positive parameters, starting at `start`, reporting
/// the evaluations so far to `monitor` under `stage`. Returns the parameters, the minimum and the
/// convergence; `Ok(None)` when the optimiser fails.
///
/// # Errors
/// [`Cancelled`] when `monitor` asks to stop.
pub fn minimise(
    negative_log_likelihood: &dyn Fn(&[f64]) -> f64,
    start: &[f64],
    stage: &str,
    monitor: &mut dyn Monitor,
) -> Result<Option<(Vec<f64>, f64, Convergence)>, Cancelled> {
    let objective = Objective {
        f: negative_log_likelihood,
        stage,
        monitor: RefCell::new(&mut *monitor),
        evaluations: Cell::new(0),
    };
    let found = run(objective, start);
    if found.is_none() && monitor.is_cancelled() {
        return Err(Cancelled);
    }
    Ok(found)
}

fn run(objective: Objective<'_>, start: &[f64]) -> Option<(Vec<f64>, f64, Convergence)> {
    let base: Vec<f64> = start.iter().map(|x| x.ln()).collect();
    let mut simplex = vec![LogParams(base.clone())];
    for i in 0..base.len() {
        let v = base.iter().enumerate().map(|(j, &x)| if j == i { x + 0.5 } else { x }).collect();
        simplex.push(LogParams(v));
    }
    let solver = NelderMead::new(simplex).with_sd_tolerance(1e-12).ok()?;
    let result = Executor::new(objective, solver).configure(|s| s.max_iters(5_000)).run().ok()?;
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
