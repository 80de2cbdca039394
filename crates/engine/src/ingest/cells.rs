//! The text of one column's cells while a file is read: one buffer, not one allocation per cell.

/// The raw text of one column, row by row.
#[derive(Debug, Default, Clone)]
pub struct Cells {
    buf: String,
    ends: Vec<usize>,
    absent: Vec<usize>,
}

impl Cells {
    /// Appends a cell's text.
    pub fn push(&mut self, text: &str) {
        self.buf.push_str(text);
        self.ends.push(self.buf.len());
    }

    /// Appends a cell for a row that has no field here (a short row): always missing.
    pub fn push_absent(&mut self) {
        self.absent.push(self.ends.len());
        self.ends.push(self.buf.len());
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// The text of cell `i`, or `None` when the row had no field here.
    pub fn get(&self, i: usize) -> Option<&str> {
        if self.absent.binary_search(&i).is_ok() {
            return None;
        }
        let start = match i.checked_sub(1) {
            None => 0,
            Some(previous) => *self.ends.get(previous)?,
        };
        self.buf.get(start..*self.ends.get(i)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_round_trip_including_absent_and_empty() {
        let mut c = Cells::default();
        c.push("a");
        c.push("");
        c.push_absent();
        c.push("héllo");
        assert_eq!(
            (c.get(0), c.get(1), c.get(2), c.get(3), c.get(4)),
            (Some("a"), Some(""), None, Some("héllo"), None)
        );
    }
}
