//! Text on a coloured fill that stays readable: WCAG 2's relative luminance and contrast ratio, and
//! the ink (white or near-black) with the higher contrast on a given fill.

/// Black ink, for light fills (pure black: with white, one of the two reaches 4.5:1 on any fill).
pub const DARK_INK: &str = "#000000";
/// White ink, for dark fills.
pub const LIGHT_INK: &str = "#ffffff";

/// The colour `#rgb` or `#rrggbb` (any case) as red, green and blue; `None` for anything else.
pub fn parse_hex(colour: &str) -> Option<[u8; 3]> {
    let hex = colour.trim().strip_prefix('#')?;
    let digit = |i: usize, width: usize| -> Option<u8> {
        let part = hex.get(i * width..(i + 1) * width)?;
        let v = u8::from_str_radix(part, 16).ok()?;
        Some(if width == 1 { v * 17 } else { v })
    };
    match hex.len() {
        3 => Some([digit(0, 1)?, digit(1, 1)?, digit(2, 1)?]),
        6 => Some([digit(0, 2)?, digit(1, 2)?, digit(2, 2)?]),
        _ => None,
    }
}

/// WCAG 2's relative luminance of an sRGB colour, 0 (black) to 1 (white).
pub fn relative_luminance([r, g, b]: [u8; 3]) -> f64 {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

/// WCAG 2's contrast ratio of two colours, 1 to 21.
pub fn contrast_ratio(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (relative_luminance(a), relative_luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// [`DARK_INK`] or [`LIGHT_INK`], whichever contrasts more with `fill` (`#rgb` or `#rrggbb`); dark
/// ink for a fill that is not such a colour. On any fill the better of the two reaches at least
/// 4.58:1 (the worst fill has luminance 0.18, where both give √21), above WCAG AA's 4.5:1.
pub fn ink_on(fill: &str) -> &'static str {
    let Some(fill) = parse_hex(fill) else { return DARK_INK };
    let dark = parse_hex(DARK_INK).map_or(0.0, |d| contrast_ratio(fill, d));
    let light = contrast_ratio(fill, [255, 255, 255]);
    if light > dark {
        LIGHT_INK
    } else {
        DARK_INK
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_ratios_match_the_wcag_reference_values() {
        // WCAG 2.1, understanding 1.4.3: black on white is 21:1; #777777 on white just fails 4.5:1 (4.48).
        assert!((contrast_ratio([0, 0, 0], [255, 255, 255]) - 21.0).abs() < 1e-9);
        assert!((contrast_ratio([0x77; 3], [255; 3]) - 4.48).abs() < 0.01);
        assert!((contrast_ratio([0x76; 3], [255; 3]) - 4.54).abs() < 0.01);
    }

    #[test]
    fn hex_colours_are_read_in_both_lengths_and_others_refused() {
        assert_eq!(parse_hex("#EdC948"), Some([0xed, 0xc9, 0x48]));
        assert_eq!(parse_hex("#fff"), Some([255, 255, 255]));
        assert_eq!(parse_hex("red"), None);
        assert_eq!(parse_hex("#12345"), None);
        assert_eq!(parse_hex("#ééé"), None);
    }

    #[test]
    fn the_ink_chosen_reads_on_the_charts_palette() {
        // The segment colours the app paints RFM cells with: each gets an ink of at least 4.5:1.
        for fill in [
            "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
            "#bab0ac", "#dddddd",
        ] {
            let ink = parse_hex(ink_on(fill)).unwrap();
            let ratio = contrast_ratio(parse_hex(fill).unwrap(), ink);
            assert!(ratio >= 4.5, "{fill}: {ratio:.2}");
        }
        assert_eq!(ink_on("not a colour"), DARK_INK);
        // Every grey, the hardest fills: never below 4.58:1.
        for v in 0..=255u8 {
            let ink = parse_hex(ink_on(&format!("#{v:02x}{v:02x}{v:02x}"))).unwrap();
            assert!(contrast_ratio([v; 3], ink) >= 4.58, "#{v:02x}");
        }
    }
}
