//! `segscope verify MANIFEST INPUT [--transactions FILE] [--out DIR]`: re-runs a download's
//! manifest on its input and says whether every file comes out byte for byte the same. The work is
//! the engine's ([`segscope_engine::reproduce::verify`], the page's code path); this reads the
//! files, prints and sets the exit code.

use std::path::{Path, PathBuf};

use clap::Args;
use segscope_engine::export::{Manifest, OutputRecord};
use segscope_engine::progress::Quiet;
use segscope_engine::reproduce::{first_difference, read_manifest, verify, zip_members, OutputCheck, Verification};

use crate::error::{read_file, CliError};

/// Arguments of `segscope verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The manifest: `NAME.manifest.json` downloaded beside a file, or a zip download with its
    /// manifest inside.
    pub manifest: PathBuf,
    /// The input file the manifest was made from (its size and SHA-256 are checked first).
    pub input: PathBuf,
    /// The transactions file, when the segmentation used one (the manifest names it).
    #[arg(long, value_name = "FILE")]
    pub transactions: Option<PathBuf>,
    /// Also write the files the re-run makes into this folder (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// What verifying found: the same bytes, or not (exit 1).
pub enum Verdict {
    /// Every output came out the same.
    Identical,
    /// An input or an output differs (printed).
    Different,
}

/// Re-runs the manifest and prints what it finds.
pub fn run(args: &VerifyArgs) -> Result<Verdict, CliError> {
    let manifest = read_manifest(&read_file(&args.manifest)?)?;
    let input = read_file(&args.input)?;
    let transactions = args.transactions.as_deref().map(read_file).transpose()?;
    if transactions.is_some() && manifest.transactions.is_none() {
        eprintln!("--transactions is not used: the manifest's segmentation used no transactions file");
    }
    let transactions = transactions.filter(|_| manifest.transactions.is_some());
    let v = verify(&manifest, input, transactions, &mut Quiet)?;
    print_inputs(args, &manifest, &v);
    if let Some(dir) = &args.out {
        write_rebuilt(dir, &v)?;
    }
    if !v.input.is_empty() || !v.transactions.is_empty() {
        outln!("different: the input is not the file the manifest describes, so nothing was re-run");
        return Ok(Verdict::Different);
    }
    let beside = args.manifest.parent().unwrap_or(Path::new("."));
    for check in &v.outputs {
        print_output(check, beside, &args.manifest);
    }
    if v.identical() {
        outln!("identical");
        Ok(Verdict::Identical)
    } else {
        outln!("different");
        Ok(Verdict::Different)
    }
}

/// Whether the input and the transactions are the files the manifest describes.
fn print_inputs(args: &VerifyArgs, manifest: &Manifest, v: &Verification) {
    let describe = |given: &Path, name: &str, diffs: &[segscope_engine::reproduce::Difference]| {
        if diffs.is_empty() {
            outln!("{}: the file the manifest describes ({name})", given.display());
        } else {
            let what: Vec<String> = diffs.iter().map(ToString::to_string).collect();
            outln!(
                "{} is a different file from the one the manifest describes ({name}): {}",
                given.display(),
                what.join("; ")
            );
        }
    };
    describe(&args.input, &manifest.input.name, &v.input);
    if let (Some(path), Some(t)) = (&args.transactions, &manifest.transactions) {
        describe(path, &t.file.name, &v.transactions);
    }
}

/// One output: identical, or how it differs, with the first differing line when the downloaded
/// file is beside the manifest (or in the zip given as the manifest).
fn print_output(check: &OutputCheck, beside: &Path, manifest_path: &Path) {
    let e = &check.expected;
    let path = e.path();
    let Some(found) = &check.found else {
        outln!("{path}: the re-run made no file of that name");
        return;
    };
    if check.identical() {
        outln!("{path}: identical ({} bytes, SHA-256 {})", found.bytes, found.sha256);
        return;
    }
    outln!(
        "{path}: differs: {} bytes, SHA-256 {}; the manifest says {} bytes, SHA-256 {}",
        found.bytes,
        found.sha256,
        e.bytes,
        e.sha256
    );
    let Some(original) = downloaded(e, beside, manifest_path) else {
        outln!("  (put the downloaded {} beside the manifest to see the first differing line)", e.name);
        return;
    };
    if let Some(d) = first_difference(&original, check.bytes.as_deref().unwrap_or_default()) {
        outln!("  first differing line: {}", d.line);
        outln!("    downloaded: {}", d.expected.as_deref().unwrap_or("(the file ends before)"));
        outln!("    re-run:     {}", d.found.as_deref().unwrap_or("(the file ends before)"));
    }
}

/// The downloaded file an output record names, if it is beside the manifest.
fn downloaded(e: &OutputRecord, beside: &Path, manifest_path: &Path) -> Option<Vec<u8>> {
    match &e.inside {
        None => std::fs::read(beside.join(&e.name)).ok(),
        Some(zip) => {
            let path = if manifest_path.file_name().is_some_and(|n| n.to_string_lossy() == *zip) {
                manifest_path.to_path_buf()
            } else {
                beside.join(zip)
            };
            let bytes = std::fs::read(path).ok()?;
            zip_members(&bytes).ok()?.into_iter().find(|(n, _)| *n == e.name).map(|(_, b)| b)
        }
    }
}

/// Writes the re-run's files into `dir`.
fn write_rebuilt(dir: &Path, v: &Verification) -> Result<(), CliError> {
    let failed = |source| CliError::File { path: dir.display().to_string(), source };
    std::fs::create_dir_all(dir).map_err(failed)?;
    for f in &v.rebuilt {
        let path = dir.join(&f.name);
        std::fs::write(&path, &f.bytes)
            .map_err(|source| CliError::File { path: path.display().to_string(), source })?;
    }
    if !v.rebuilt.is_empty() {
        eprintln!("wrote {} files to {}", v.rebuilt.len(), dir.display());
    }
    Ok(())
}
