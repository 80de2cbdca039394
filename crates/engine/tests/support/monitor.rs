//! The monitor the tests drive long steps with: it records every progress report and asks to stop
//! after a given number of them (of every stage, or of one stage only).
#![allow(dead_code)]

use segscope_engine::progress::Monitor;

/// Records every report as `(stage, done, total)`; asks to stop once `after` reports came (only
/// reports of stages starting with `stage` count, when it is set).
pub struct CancelAfter {
    /// Reports before it asks to stop (`usize::MAX`: never).
    pub after: usize,
    /// Only reports of stages starting with this count towards `after`.
    pub stage: Option<&'static str>,
    /// Every report so far.
    pub reports: Vec<(String, u64, u64)>,
}

impl CancelAfter {
    /// Records, never asks to stop.
    pub fn never() -> Self {
        CancelAfter { after: usize::MAX, stage: None, reports: Vec::new() }
    }

    /// Asks to stop at the `after`-th report.
    pub fn reports(after: usize) -> Self {
        CancelAfter { after, stage: None, reports: Vec::new() }
    }

    /// Asks to stop at the `after`-th report of a stage starting with `stage`.
    pub fn in_stage(stage: &'static str, after: usize) -> Self {
        CancelAfter { after, stage: Some(stage), reports: Vec::new() }
    }

    /// The stages reported, in order, each once per run of reports.
    pub fn stages(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for (stage, _, _) in &self.reports {
            if out.last() != Some(&stage.as_str()) {
                out.push(stage);
            }
        }
        out
    }

    /// `(done, total)` of the reports of stages starting with `stage`.
    pub fn of(&self, stage: &str) -> Vec<(u64, u64)> {
        self.reports.iter().filter(|r| r.0.starts_with(stage)).map(|r| (r.1, r.2)).collect()
    }

    fn counted(&self) -> usize {
        match self.stage {
            Some(stage) => self.reports.iter().filter(|r| r.0.starts_with(stage)).count(),
            None => self.reports.len(),
        }
    }
}

impl Monitor for CancelAfter {
    fn progress(&mut self, stage: &str, done: u64, total: u64) {
        self.reports.push((stage.to_string(), done, total));
    }
    fn is_cancelled(&self) -> bool {
        self.counted() >= self.after
    }
}
