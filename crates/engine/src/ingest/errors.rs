//! What can stop a file from being read, each said so that the user knows what to do.

use thiserror::Error;

/// A file could not be read into a table. `Display` names the file and says what to do.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{file}: {kind}")]
pub struct IngestError {
    /// The file's name as the user gave it.
    pub file: String,
    /// What went wrong, and where.
    pub kind: IngestErrorKind,
}

/// What went wrong while reading a file.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum IngestErrorKind {
    /// The file has no bytes, or only blank lines.
    #[error("the file is empty. Choose a CSV or TSV file with a header row and at least one data row.")]
    Empty,
    /// The file is a known binary format, not delimited text.
    #[error("this is {what}, not a CSV or TSV text file. Export or save it as CSV (comma- or semicolon-separated) and open that.")]
    NotText {
        /// What the file looks like instead.
        what: &'static str,
    },
    /// UTF-8 was chosen but the bytes are not UTF-8.
    #[error("line {line} is not valid UTF-8. Choose the file's real encoding (for example windows-1252) or let Segscope detect it.")]
    InvalidUtf8 {
        /// 1-based line of the first invalid byte.
        line: u64,
    },
    /// The first line looks like data rather than column names.
    #[error("line 1 looks like data, not column names (`{first_line}`). If the file has no header row, choose \"no header row\" and the columns will be named column_1, column_2, ...")]
    NoHeader {
        /// The first line's text (shortened).
        first_line: String,
    },
    /// There is a header row but nothing below it.
    #[error(
        "the file has column names on line 1 but no data rows below them. Choose a file with at least one row of data."
    )]
    NoRows,
    /// A quoted field is never closed, so the rest of the file became one value.
    #[error("line {line}, column {column} (`{column_name}`): a quoted value starts here but its closing quote (\") is never found, so the rest of the file would be read as one value. Fix the stray quote in that line, or double it (\"\") if it belongs to the value.")]
    UnterminatedQuote {
        /// 1-based line where the quoted field starts.
        line: u64,
        /// 1-based column number.
        column: usize,
        /// The column's name from the header.
        column_name: String,
    },
    /// A row has a different number of fields than the header (when the user asked to stop on it).
    #[error("line {line} has {found} fields but the header has {expected}. Check the delimiter and quoting on that line, or choose to keep or leave out such rows.")]
    RaggedRow {
        /// 1-based line of the row.
        line: u64,
        /// Fields found on the row.
        found: usize,
        /// Fields in the header.
        expected: usize,
    },
    /// An option names a column that is not in the file.
    #[error("there is no column named `{name}` in this file. Its columns are: {available}.")]
    UnknownColumn {
        /// The name that was given.
        name: String,
        /// The file's column names, comma-separated.
        available: String,
    },
    /// The CSV reader reported a low-level problem.
    #[error("line {line}: {message}")]
    Csv {
        /// 1-based line.
        line: u64,
        /// The reader's description.
        message: String,
    },
    /// A compressed file or workbook expands past what is read from one.
    #[error("it expands past {limit} when decompressed, more than Segscope reads from a compressed file. {advice}")]
    TooLarge {
        /// The limit, as a person reads it (`2 GB`).
        limit: String,
        /// What to do instead.
        advice: &'static str,
    },
    /// A compressed file or workbook is damaged or not what its first bytes say.
    #[error("this {what} could not be read ({message}). {advice}")]
    Unreadable {
        /// What the file looked like (`gzip file`, `Excel workbook (.xlsx)`).
        what: &'static str,
        /// The reader's description.
        message: String,
        /// What to do.
        advice: &'static str,
    },
    /// A JSON Lines line is not a JSON object.
    #[error("line {line} is not one JSON object ({message}). Each line of a JSON Lines file must hold one object, like {{\"id\": 1, \"city\": \"Ghent\"}}.")]
    JsonLine {
        /// 1-based line.
        line: u64,
        /// What was found.
        message: String,
    },
    /// The sheet chosen is not in the workbook.
    #[error("there is no sheet named `{name}` in this workbook. Its sheets are: {available}.")]
    UnknownSheet {
        /// The name that was given.
        name: String,
        /// The workbook's sheet names, comma-separated.
        available: String,
    },
    /// The sheet chosen has no cells with values.
    #[error("the sheet `{sheet}` is empty. Choose a sheet with a header row and data; the workbook's sheets are: {available}.")]
    EmptySheet {
        /// The sheet read.
        sheet: String,
        /// The workbook's sheet names, comma-separated.
        available: String,
    },
    /// A sheet whose values span more cells than a table can hold (usually one value far from the rest).
    #[error("the sheet `{sheet}` has a value in cell {cell}, which makes each of its {rows} rows {columns} columns wide: more than Segscope lays out. If that cell is not part of your data, clear it (and any other stray cells far from the data) in Excel or LibreOffice and save again, or save the sheet as CSV and open that.")]
    SheetTooWide {
        /// The sheet read.
        sheet: String,
        /// The rightmost cell with a value (`XFD1`).
        cell: String,
        /// Columns from the leftmost value to that cell.
        columns: u64,
        /// Rows with values.
        rows: u64,
    },
    /// A sheet of an .ods or .xls workbook that would take more memory to lay out than one step
    /// may use (cells far from the rest, or a cell repeated across the sheet).
    #[error("the sheet `{sheet}` spans {rows} rows × {columns} columns (out to cell {cell}), about {needed} of memory to lay out, more than Segscope can use here. If cells far from your data are not part of it, clear them in LibreOffice or Excel and save again; or save the sheet as CSV and open that (a CSV takes far less memory to read).")]
    SheetTooLarge {
        /// The sheet.
        sheet: String,
        /// Rows from the first with a value to the last.
        rows: u64,
        /// Columns from the leftmost value to the rightmost.
        columns: u64,
        /// The last row's rightmost cell (`XFD1048576`).
        cell: String,
        /// The memory it would take, as a person reads it (`3.2 GB`).
        needed: String,
    },
    /// A Parquet file, where Segscope was built without its Parquet reader (the page).
    #[error("this is a Parquet file, which the page does not read (its Parquet reader would make the page about 1.3 MB larger to download). Open it with the command-line tool, `segscope`, which reads Parquet, or save it as CSV first, for example with DuckDB: COPY (FROM 'file.parquet') TO 'file.csv'.")]
    ParquetNotRead,
    /// A file named like a binary format whose bytes are text.
    #[error("it is named {named} but it is not {what}: its bytes are text. If it is a CSV or TSV file, rename it to .csv and open it again; if it came from a spreadsheet program, save it again from there (as .xlsx or as CSV).")]
    Misnamed {
        /// The name's ending (`.xlsx`).
        named: &'static str,
        /// What a file of that name is.
        what: &'static str,
    },
    /// A compressed file or workbook expands far more than real data does: a "zip bomb".
    #[error("it expands more than 300-fold when decompressed ({compressed} to more than {expanded} and still going), as no real data file does; it is refused before it fills the memory. If it is a real file, {advice}")]
    CompressionBomb {
        /// The compressed bytes read, as a person reads them.
        compressed: String,
        /// What they expanded to, as a person reads it.
        expanded: String,
        /// What to do if it is a real file, as the end of the sentence.
        advice: &'static str,
    },
    /// A Parquet file's values come to more text than is held at once.
    #[error("its values come to more than {limit} as text, more than Segscope holds at once from one file. a transactions file of any size is read a batch at a time (`segscope rfm`, `segscope clv`, `segscope apply --transactions`); for other files, save it as CSV (for example with DuckDB: COPY (FROM 'file.parquet') TO 'file.csv') and use that.")]
    ParquetTooLarge {
        /// The limit, as a person reads it (`2 GB`).
        limit: String,
    },
    /// A line number past what Segscope counts (2^64 - 1): a part of a file said to start past it.
    #[error("its line numbers pass 18446744073709551615, more than Segscope can count. Split the file into smaller files and read each.")]
    TooManyLines,
    /// The user stopped the import.
    #[error("reading was cancelled; the previous data is unchanged.")]
    Cancelled,
}

impl IngestErrorKind {
    /// Attaches the file name the user knows the file by.
    pub fn in_file(self, file: &str) -> IngestError {
        IngestError { file: file.to_string(), kind: self }
    }
}
