//! Cells in the shapes the type inference tells apart (whole and decimal numbers in several
//! styles, money, dates and date-times in many orders and separators, booleans, missing tokens,
//! text), and delimited files written from them with RFC 4180 quoting.

use arbitrary::Arbitrary;

/// One cell, as a shape and the numbers that fill it.
#[derive(Debug, Clone, Arbitrary)]
pub enum Cell {
    Int(i64),
    /// A small whole number (ids, counts), maybe with leading zeros.
    Small {
        value: u16,
        zeros: u8,
    },
    /// A decimal: mantissa, digits after the separator, style (dot, comma, grouped, signs...).
    Decimal {
        mantissa: i64,
        scale: u8,
        style: u8,
    },
    /// Money: a decimal with a currency symbol or code before or after.
    Money {
        mantissa: i32,
        symbol: u8,
        after: bool,
    },
    /// A date in one of many layouts.
    Date {
        year: u16,
        month: u8,
        day: u8,
        layout: u8,
    },
    /// A date-time in one of many layouts.
    Datetime {
        year: u16,
        month: u8,
        day: u8,
        seconds: u32,
        layout: u8,
    },
    Bool(u8),
    Missing(u8),
    /// A few of the strings that sit between types.
    Word(u8),
    /// Any text.
    Text(String),
}

const WORDS: &[&str] = &[
    "NaN",
    "inf",
    "-inf",
    "1e5",
    "1E-3",
    "0x1F",
    "+",
    "-",
    ".",
    ",",
    "1.2.3",
    "1,2,3",
    "1 000",
    "1'000.50",
    "(12.50)",
    "12-",
    "--1",
    "0",
    "00",
    "-0",
    "0.0",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "1e400",
    "١٢٣",
    "١٢٣٫٥",
    "12,",
    ",5",
    "2024-02-30",
    "0000-00-00",
    "9999-12-31",
    "31/12/99",
    "2024-13-01",
    "24:00",
    "2024-01-01T25:61:61",
    "2024-01-01 10:00 +99:99",
    "Jan",
    "31-Dec-2024",
    "é",
    "\u{feff}x",
    "\"",
    "a\"b",
    "a\nb",
    "a\r\nb",
    "\t",
    " ",
    "  1  ",
    "1\u{a0}000",
    "€",
    "$",
    "£1",
    "1 €",
    "EUR 5",
    "5 USD",
    "¥",
    "true",
    "FALSE",
    "Yes",
    "n",
    "Y",
    "#N/A",
    "null",
    "NA",
    "N/A",
];
const MISSING: &[&str] = &["", "NA", "N/A", "n/a", "na", "null", "NULL", "Null", "-", "#N/A", " ", "none"];
const BOOLS: &[&str] = &["true", "false", "TRUE", "False", "yes", "no", "Y", "N", "1", "0", "t", "f"];
const SYMBOLS: &[&str] = &["$", "€", "£", "¥", "USD ", "EUR", " CHF", "kr", "R$", "₹"];
const MONTHS: &[&str] = &["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

impl Cell {
    /// The text of the cell as a file would hold it.
    pub fn render(&self) -> String {
        match self {
            Cell::Int(v) => v.to_string(),
            Cell::Small { value, zeros } => format!("{}{value}", "0".repeat(usize::from(*zeros % 4))),
            Cell::Decimal { mantissa, scale, style } => decimal(*mantissa, *scale % 12, *style),
            Cell::Money { mantissa, symbol, after } => {
                let s = pick(SYMBOLS, *symbol);
                let v = decimal(i64::from(*mantissa), 2, 0);
                if *after {
                    format!("{v}{s}")
                } else {
                    format!("{s}{v}")
                }
            }
            Cell::Date { year, month, day, layout } => date(*year, *month, *day, *layout),
            Cell::Datetime { year, month, day, seconds, layout } => {
                let s = seconds % 90_000; // past midnight sometimes
                let (h, m, sec) = (s / 3600, (s / 60) % 60, s % 60);
                let d = date(*year, *month, *day, layout % 6);
                match layout / 6 % 5 {
                    0 => format!("{d} {h:02}:{m:02}:{sec:02}"),
                    1 => format!("{d}T{h:02}:{m:02}:{sec:02}Z"),
                    2 => format!("{d} {h:02}:{m:02}"),
                    3 => format!("{d}T{h:02}:{m:02}:{sec:02}.{:03}+01:00", seconds % 1000),
                    _ => format!("{d} {h}:{m:02} PM"),
                }
            }
            Cell::Bool(i) => pick(BOOLS, *i).to_string(),
            Cell::Missing(i) => pick(MISSING, *i).to_string(),
            Cell::Word(i) => pick(WORDS, *i).to_string(),
            Cell::Text(s) => s.chars().take(24).collect(),
        }
    }
}

fn pick<'a>(list: &[&'a str], i: u8) -> &'a str {
    list.get(usize::from(i) % list.len()).copied().unwrap_or_default()
}

fn decimal(mantissa: i64, scale: u8, style: u8) -> String {
    let negative = mantissa < 0;
    let digits = mantissa.unsigned_abs().to_string();
    let scale = usize::from(scale);
    let padded =
        if digits.len() <= scale { format!("{}{digits}", "0".repeat(scale - digits.len() + 1)) } else { digits };
    let (int, frac) = padded.split_at(padded.len() - scale);
    let comma = style & 1 == 1;
    let grouped = style & 2 == 2;
    let int = if grouped {
        let sep = if comma { '.' } else { ',' };
        let mut out = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                out.push(if style & 8 == 8 { ' ' } else { sep });
            }
            out.push(c);
        }
        out
    } else {
        int.to_string()
    };
    let point = if comma { "," } else { "." };
    let body = if frac.is_empty() { int } else { format!("{int}{point}{frac}") };
    match (negative, style >> 4 & 3) {
        (true, 1) => format!("({body})"),
        (true, 2) => format!("{body}-"),
        (true, _) => format!("-{body}"),
        (false, 1) => format!("+{body}"),
        (false, _) => body,
    }
}

fn date(year: u16, month: u8, day: u8, layout: u8) -> String {
    let y = year % 3000;
    let (m, d) = (month % 14, day % 33); // impossible months and days sometimes
    let name = MONTHS.get(usize::from(m.max(1) - 1) % 12).copied().unwrap_or("Jan");
    match layout % 12 {
        0 => format!("{y:04}-{m:02}-{d:02}"),
        1 => format!("{d:02}/{m:02}/{y:04}"),
        2 => format!("{m:02}/{d:02}/{y:04}"),
        3 => format!("{d}.{m}.{y}"),
        4 => format!("{y:04}/{m:02}/{d:02}"),
        5 => format!("{d}-{name}-{y}"),
        6 => format!("{d:02}/{m:02}/{:02}", y % 100),
        7 => format!("{y:04}{m:02}{d:02}"),
        8 => format!("{name} {d}, {y}"),
        9 => format!("{d} {name} {y}"),
        10 => format!("{m}/{d}/{y}"),
        _ => format!("{y}-{m}-{d}"),
    }
}

/// A field quoted when it must be (delimiter, quote or line break inside, or spaces at its ends).
pub fn quote(field: &str, delimiter: u8) -> String {
    let needs = field.bytes().any(|b| b == delimiter || b == b'"' || b == b'\n' || b == b'\r');
    if needs {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// A delimited file: `header` (when given) and `rows`, with `terminator` after each record.
pub fn delimited(header: Option<&[String]>, rows: &[Vec<String>], delimiter: u8, terminator: &str) -> Vec<u8> {
    let mut out = String::new();
    let sep = char::from(delimiter).to_string();
    let mut line = |fields: &[String]| {
        let quoted: Vec<String> = fields.iter().map(|f| quote(f, delimiter)).collect();
        out.push_str(&quoted.join(&sep));
        out.push_str(terminator);
    };
    if let Some(header) = header {
        line(header);
    }
    for row in rows {
        line(row);
    }
    out.into_bytes()
}

/// A table of cells: a few columns, each of one kind of cell with others mixed in.
#[derive(Debug, Clone, Arbitrary)]
pub struct CellTable {
    /// Header names (a name may be blank or repeated).
    pub names: Vec<String>,
    /// Rows of cells (short and long rows are written as they are: ragged).
    pub rows: Vec<Vec<Cell>>,
    /// 0: `,` 1: `;` 2: tab 3: `|`.
    pub delimiter: u8,
    /// 0: LF, 1: CRLF, 2: CR.
    pub terminator: u8,
}

impl CellTable {
    /// The delimiter byte.
    pub fn delimiter(&self) -> u8 {
        [b',', b';', b'\t', b'|'].get(usize::from(self.delimiter % 4)).copied().unwrap_or(b',')
    }

    /// The header: the names given, padded to the widest row with `c1`, `c2`, ... (at most 8 columns).
    pub fn header(&self) -> Vec<String> {
        let width = self.rows.iter().map(Vec::len).max().unwrap_or(1).clamp(1, 8);
        (0..width)
            .map(|i| self.names.get(i).map_or_else(|| format!("c{i}"), |n| n.chars().take(12).collect()))
            .collect()
    }

    /// The file's bytes: the header, then at most 24 rows of at most 9 cells.
    pub fn csv(&self) -> Vec<u8> {
        let rows: Vec<Vec<String>> =
            self.rows.iter().take(24).map(|r| r.iter().take(9).map(Cell::render).collect()).collect();
        let terminator = ["\n", "\r\n", "\r"].get(usize::from(self.terminator % 3)).copied().unwrap_or("\n");
        delimited(Some(&self.header()), &rows, self.delimiter(), terminator)
    }
}
