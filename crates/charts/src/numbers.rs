//! Numbers as labels write them: thousands grouped with commas.

/// A number already written with a point for decimals, with comma thousands separators in its
/// whole part: `12345.5` → `12,345.5`, `-1234` → `-1,234`, `999.25` unchanged.
pub fn grouped(number: &str) -> String {
    let (sign, rest) = number.strip_prefix('-').map_or(("", number), |r| ("-", r));
    let (whole, fraction) = rest.split_once('.').map_or((rest, None), |(w, f)| (w, Some(f)));
    if whole.len() <= 3 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return number.to_string();
    }
    let mut out = String::with_capacity(number.len() + whole.len() / 3);
    out.push_str(sign);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = fraction {
        out.push('.');
        out.push_str(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::grouped;

    #[test]
    fn the_whole_part_is_grouped_and_the_rest_kept() {
        assert_eq!(grouped("123.25"), "123.25");
        assert_eq!(grouped("1234"), "1,234");
        assert_eq!(grouped("-1234567.5"), "-1,234,567.5");
        assert_eq!(grouped("12000"), "12,000");
        assert_eq!(grouped("1e21"), "1e21", "not a plain number: as it is");
    }
}
