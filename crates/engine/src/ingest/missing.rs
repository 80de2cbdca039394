//! Which cells are missing values: empty, or one of the file's missing-value tokens (`NA`, `null`...).

/// The missing-value tokens of one column, trimmed once, for the test every cell goes through.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct MissingTokens {
    tokens: Vec<String>,
    /// The longest token: longer cells are never missing, so most cells skip the comparisons.
    longest: usize,
}

impl MissingTokens {
    /// The tokens as the read options list them (surrounding spaces do not count).
    pub fn new(tokens: &[String]) -> Self {
        let tokens: Vec<String> = tokens.iter().map(|t| t.trim().to_string()).collect();
        let longest = tokens.iter().map(String::len).max().unwrap_or(0);
        MissingTokens { tokens, longest }
    }

    /// The cell's value trimmed, or `None` when the row has no field here or the cell is missing.
    pub fn present<'a>(&self, cell: Option<&'a str>) -> Option<&'a str> {
        let v = cell?.trim();
        if v.len() <= self.longest && self.tokens.iter().any(|t| t == v) {
            return None;
        }
        Some(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_surrounding_spaces_make_a_cell_missing() {
        let m = MissingTokens::new(&[String::new(), " NA ".into(), "null".into()]);
        assert_eq!(m.present(Some("  NA")), None);
        assert_eq!(m.present(Some("")), None);
        assert_eq!(m.present(None), None);
        assert_eq!(m.present(Some(" NAB ")), Some("NAB"));
        assert_eq!(m.present(Some("nulls")), Some("nulls"));
    }
}
