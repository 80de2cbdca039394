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

/// What every cancelled step says (each module's `Cancelled` error displays it): the request
/// stopped before it changed anything.
pub const CANCELLED: &str = "Cancelled; nothing was changed.";

/// The marker a long step returns when its [`Monitor`] asked it to stop; every module error has
/// a `Cancelled` case made from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancelled;

/// Reports progress every `every` units of `total`, and returns [`Cancelled`] when asked to stop.
///
/// # Errors
/// [`Cancelled`] when `monitor` says so (checked at each report).
pub fn tick(monitor: &mut dyn Monitor, stage: &str, done: u64, total: u64, every: u64) -> Result<(), Cancelled> {
    if done.checked_rem(every.max(1)).is_some_and(|r| r != 0) {
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

/// Passes a cancel through but not progress: for a step inside a longer one that reports its own
/// (each fit of a scan over k, the k-means start of a mixture).
pub struct CancelOnly<'m>(pub &'m mut dyn Monitor);

impl Monitor for CancelOnly<'_> {
    fn progress(&mut self, _stage: &str, _done: u64, _total: u64) {}
    fn is_cancelled(&self) -> bool {
        self.0.is_cancelled()
    }
}

/// One stage of a long step counted in units (rows, customers): reports its start, then whenever
/// at least `every` units were added since the last report, and its end; each report checks for
/// cancel. Adding a unit between reports costs a comparison, so it fits per-row loops.
pub struct Stage<'m> {
    monitor: &'m mut dyn Monitor,
    name: String,
    done: u64,
    total: u64,
    every: u64,
    /// The units done at the last report.
    reported: u64,
    next: u64,
}

impl<'m> Stage<'m> {
    /// Starts the stage `name` of `total` units, reporting 0 done.
    ///
    /// # Errors
    /// [`Cancelled`] when `monitor` says so.
    pub fn start(
        monitor: &'m mut dyn Monitor,
        name: impl Into<String>,
        total: u64,
        every: u64,
    ) -> Result<Self, Cancelled> {
        let mut stage = Stage { monitor, name: name.into(), done: 0, total, every: every.max(1), reported: 0, next: 0 };
        stage.report()?;
        Ok(stage)
    }

    /// One more unit done.
    ///
    /// # Errors
    /// [`Cancelled`] when a report is due and the monitor says so.
    #[inline]
    pub fn step(&mut self) -> Result<(), Cancelled> {
        self.advance(1)
    }

    /// `units` more units done.
    ///
    /// # Errors
    /// [`Cancelled`] when a report is due and the monitor says so.
    #[inline]
    pub fn advance(&mut self, units: u64) -> Result<(), Cancelled> {
        self.done = self.done.saturating_add(units);
        if self.done >= self.next {
            self.report()
        } else {
            Ok(())
        }
    }

    /// Reports every unit done (unless the last report said so already).
    ///
    /// # Errors
    /// [`Cancelled`] when the monitor says so.
    pub fn finish(mut self) -> Result<(), Cancelled> {
        if self.reported == self.total {
            return Ok(());
        }
        self.done = self.total;
        self.report()
    }

    fn report(&mut self) -> Result<(), Cancelled> {
        self.next = self.done.saturating_add(self.every);
        self.reported = self.done.min(self.total);
        tick(self.monitor, &self.name, self.reported, self.total, 1)
    }
}
