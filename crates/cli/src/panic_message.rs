//! What the program says when it stops on a bug (its own, or a library's on an input it did not
//! expect, such as a damaged `.xls` past what Segscope checks): a sentence a user can act on, with
//! the detail to report, instead of Rust's bare panic message.

/// Installs the hook that prints that sentence to standard error.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        eprintln!(
            "error: segscope stopped on something it could not handle ({info}). No file was changed. If an input \
             file may be damaged (a workbook from an old or unusual program, say), open it in Excel or LibreOffice \
             and save it again, or save it as CSV, and run the command again; if it happens again, please report it \
             with this message and the command you ran."
        );
    }));
}
