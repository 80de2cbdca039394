//! Progress reporting and cancellation for long operations.
//!
//! Every engine function that can take more than a moment takes a `&mut dyn Monitor`, so the
//! app (through its engine client, later a Web Worker) can show progress and stop a run, and the
//! CLI can do the same on a terminal. Functions poll [`Monitor::is_cancelled`] between chunks of
//! work and return their module's `Cancelled` error when it says so.

/// Receives progress from a long operation and says whether to stop it.
pub trait Monitor {
    /// Reports that `done` units of `total` are finished (`total` 0 when unknown).
    fn progress(&mut self, stage: &str, done: u64, total: u64);
    /// True when the caller wants the operation stopped as soon as possible.
    fn is_cancelled(&self) -> bool;
}

/// The marker a long step returns when its [`Monitor`] asked it to stop; every module error has
/// a `Cancelled` case made from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancelled;

/// Reports progress every `every` units of `total`, and returns [`Cancelled`] when asked to stop.
///
/// # Errors
/// [`Cancelled`] when `monitor` says so (checked at each report).
pub fn tick(monitor: &mut dyn Monitor, stage: &str, done: u64, total: u64, every: u64) -> Result<(), Cancelled> {
    if done % every.max(1) != 0 {
        return Ok(());
    }
    monitor.progress(stage, done, total);
    if monitor.is_cancelled() {
        Err(Cancelled)
    } else {
        Ok(())
    }
}

/// A monitor that ignores progress and never cancels.
#[derive(Debug, Default, Clone, Copy)]
pub struct Quiet;

impl Monitor for Quiet {
    fn progress(&mut self, _stage: &str, _done: u64, _total: u64) {}
    fn is_cancelled(&self) -> bool {
        false
    }
}
