//! The rule builder's state: the definition being edited, its undo history and its live counts.

use std::time::Duration;

use leptos::prelude::*;
use segscope_engine::api::{Condition, Definition};
use segscope_engine::api::{Request, Response, RulesView};

use crate::state::AppState;

/// How long typing must pause before counts are recomputed.
const DEBOUNCE: Duration = Duration::from_millis(150);
/// Undo steps kept.
const UNDO_LIMIT: usize = 100;

/// What the definition being edited is for, and so how it is counted.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The Rules workspace's segments: each count makes the rule segmentation (`Request::ApplyRules`).
    Segments,
    /// One condition of something else (a KPI's "where"): counted only (`Request::CountRules`).
    Condition,
}

/// The rule builder's signals, shared by its parts through context.
#[derive(Clone, Copy)]
pub struct Rules {
    /// The app state (dataset, errors).
    pub app: AppState,
    /// What is edited.
    pub purpose: Purpose,
    /// Put before every element id, so two editors on one page do not share ids.
    pub prefix: &'static str,
    /// The definition being edited. Value edits update it without re-rendering the editor.
    pub def: RwSignal<Definition>,
    /// Bumped on structural edits (add, remove, move, change of column or operator): the editor re-renders.
    pub layout: RwSignal<u64>,
    /// The latest live counts.
    pub view: RwSignal<Option<RulesView>>,
    /// What was last typed in a condition's column box: the shared list of column names offers the
    /// first matches (a file can have 100,000 columns).
    pub column_find: RwSignal<String>,
    undo: StoredValue<Vec<Definition>>,
    last_edit: StoredValue<Option<String>>,
    timer: StoredValue<Option<TimeoutHandle>>,
    sequence: StoredValue<u64>,
}

impl Rules {
    /// Fresh state with an empty definition, for the Rules workspace.
    pub fn new(app: AppState) -> Self {
        Rules::with(app, Purpose::Segments, "", Definition::default())
    }

    /// State for editing one condition (the only segment of `def`, in overlapping mode), whose
    /// element ids start with `prefix`.
    pub fn for_condition(app: AppState, prefix: &'static str, def: Definition) -> Self {
        Rules::with(app, Purpose::Condition, prefix, def)
    }

    fn with(app: AppState, purpose: Purpose, prefix: &'static str, def: Definition) -> Self {
        Rules {
            app,
            purpose,
            prefix,
            def: RwSignal::new(def),
            layout: RwSignal::new(0),
            view: RwSignal::new(None),
            column_find: RwSignal::new(String::new()),
            undo: StoredValue::new(Vec::new()),
            last_edit: StoredValue::new(None),
            timer: StoredValue::new(None),
            sequence: StoredValue::new(0),
        }
    }

    /// Changes the structure of the definition (re-rendering the editor) and recounts.
    pub fn restructure(self, f: impl FnOnce(&mut Definition)) {
        self.snapshot(None);
        self.def.update_untracked(f);
        self.layout.update(|v| *v += 1);
        self.recount_soon();
    }

    /// Changes a value as the user types (`key` names the input, so one run of typing is one undo step).
    pub fn edit_value(self, key: String, f: impl FnOnce(&mut Definition)) {
        self.snapshot(Some(key));
        self.def.update_untracked(f);
        self.recount_soon();
    }

    /// Replaces the whole definition (opened from a file).
    pub fn replace(self, def: Definition) {
        self.restructure(|d| *d = def);
    }

    /// True when there is something to undo.
    pub fn can_undo(self) -> bool {
        self.layout.track();
        self.undo.with_value(|u| !u.is_empty())
    }

    /// Goes back one step.
    pub fn undo(self) {
        if let Some(previous) = self.undo.try_update_value(|u| u.pop()).flatten() {
            self.last_edit.set_value(None);
            self.def.update_untracked(|d| *d = previous);
            self.layout.update(|v| *v += 1);
            self.recount_soon();
        }
    }

    fn snapshot(self, key: Option<String>) {
        let same_run = key.is_some() && self.last_edit.with_value(|k| *k == key);
        if !same_run {
            let current = self.def.get_untracked();
            self.undo.update_value(|u| {
                u.push(current);
                if u.len() > UNDO_LIMIT {
                    u.remove(0);
                }
            });
        }
        self.last_edit.set_value(key);
    }

    /// Recomputes the counts after a short pause.
    pub fn recount_soon(self) {
        self.stop();
        let handle = set_timeout_with_handle(move || self.recount(), DEBOUNCE).ok();
        self.timer.try_set_value(handle);
    }

    /// Drops a recount still waiting for its pause (the editor is going away).
    pub fn stop(self) {
        if let Some(handle) = self.timer.try_get_value().flatten() {
            handle.clear();
        }
    }

    /// Recomputes the counts now. An editor that went away meanwhile (a KPI form closed) is
    /// left alone: its signals are gone.
    pub fn recount(self) {
        let Some(dataset) = self.app.dataset.get_untracked().map(|d| d.id) else { return };
        let Some(definition) = self.def.try_get_untracked() else { return };
        let seq = self.sequence.try_update_value(|s| {
            *s += 1;
            *s
        });
        let request = match self.purpose {
            Purpose::Segments => Request::ApplyRules { dataset, definition },
            Purpose::Condition => Request::CountRules { dataset, definition },
        };
        leptos::task::spawn_local(async move {
            let response = crate::engine_client::call("Counting customers…", request).await;
            if self.sequence.try_get_value() != Some(seq.unwrap_or(0)) {
                return; // a newer edit is on its way, or the editor is gone
            }
            match response {
                Response::Rules(view) => {
                    self.view.try_set(Some(*view));
                }
                Response::Error { message } => self.app.error.set(Some(message)),
                _ => {}
            }
        });
    }
}

impl Rules {
    /// The element id of `field` of the condition at `path` of segment `seg`.
    pub fn dom_id(self, seg: usize, path: &[usize], field: &str) -> String {
        let p: Vec<String> = path.iter().map(ToString::to_string).collect();
        format!("{}seg{seg}-c{}-{field}", self.prefix, p.join("-"))
    }

    /// The id of the column names' list the condition editor offers.
    pub fn columns_list_id(self) -> String {
        format!("{}rule-columns", self.prefix)
    }
}

/// The condition at `path` (child indexes from the segment's root), for editing.
pub fn node_mut<'a>(c: &'a mut Condition, path: &[usize]) -> Option<&'a mut Condition> {
    let Some((&first, rest)) = path.split_first() else { return Some(c) };
    match c {
        Condition::All(v) | Condition::Any(v) | Condition::None(v) | Condition::AtLeast { of: v, .. } => {
            node_mut(v.get_mut(first)?, rest)
        }
        Condition::Test { .. } => None,
    }
}

/// The children of a group, for editing.
pub fn children_mut(c: &mut Condition) -> Option<&mut Vec<Condition>> {
    match c {
        Condition::All(v) | Condition::Any(v) | Condition::None(v) | Condition::AtLeast { of: v, .. } => Some(v),
        Condition::Test { .. } => None,
    }
}

/// Edits the condition at `path` of segment `segment`.
pub fn at(def: &mut Definition, segment: usize, path: &[usize], f: impl FnOnce(&mut Condition)) {
    if let Some(c) = def.segments.get_mut(segment).and_then(|s| node_mut(&mut s.condition, path)) {
        f(c);
    }
}
