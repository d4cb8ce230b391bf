//! The diagnostics emitter: the one place that prints diagnostics. The library's stages only
//! collect [`Diagnostic`]s; the command line and `serve` hand them here, sorted, to be shown
//! as text for people (on stderr, coloured on a terminal) or as GitHub annotations or JSON
//! lines (on stdout, for machines).

use std::io::{IsTerminal, Write};

use crate::diag::{self, Diagnostic, Format};

/// Prints diagnostics to stderr (stdout for the machine formats) and a summary line. They are
/// written as they are rendered, through a buffer, so 50,000 warnings are never one string.
pub fn report(diags: &[Diagnostic], format: Format, show_private: bool) {
    write(diags.iter(), diags, format, show_private, 0);
}

/// What `serve` printed after its last build: a hash of each warning and note, so that a
/// rebuild prints only what is new (a province's 50,000 stale-number warnings are printed
/// once, not after every edit, which took longer than the rebuild itself).
#[derive(Default)]
pub struct Printed(std::collections::HashSet<u64>);

/// A diagnostic as it reads, without its place in the file (an edit above it moves it).
fn key(d: &Diagnostic) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (d.severity as u8, &d.path, &d.message, &d.label, &d.help, &d.private).hash(&mut h);
    h.finish()
}

/// As [`report`] in the human format, for a rebuild in `serve`: every error, and the warnings
/// and notes that `printed` does not hold; then the summary of all, with how many were shown
/// before. After a good build `printed` holds its diagnostics; a failed one adds its own, so
/// that fixing the error does not print again the warnings its file had before.
pub fn report_new(diags: &[Diagnostic], printed: &mut Printed, show_private: bool) {
    let keys: Vec<u64> = diags.iter().map(key).collect();
    let new: Vec<&Diagnostic> =
        diags.iter().zip(&keys).filter(|(d, k)| d.is_error() || !printed.0.contains(k)).map(|(d, _)| d).collect();
    let before = diags.len() - new.len();
    write(new.into_iter(), diags, Format::Human, show_private, before);
    if !diags.iter().any(Diagnostic::is_error) {
        printed.0.clear();
    }
    printed.0.extend(keys);
}

/// Writes `shown` and, for people, the summary of `all`, saying how many of them were printed
/// `before` and are not repeated.
fn write<'a>(
    shown: impl Iterator<Item = &'a Diagnostic>,
    all: &[Diagnostic],
    format: Format,
    show_private: bool,
    before: usize,
) {
    let color = format == Format::Human && std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let out: Box<dyn Write> = match format {
        Format::Human => Box::new(std::io::stderr().lock()),
        Format::Github | Format::Json => Box::new(std::io::stdout().lock()),
    };
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, out);
    for d in shown {
        if out.write_all(diag::render(d, format, color, show_private).as_bytes()).is_err() {
            return;
        }
    }
    if format == Format::Human {
        let count = |s: diag::Severity| all.iter().filter(|d| d.severity == s).count();
        let (errors, warnings, notes) =
            (count(diag::Severity::Error), count(diag::Severity::Warning), count(diag::Severity::Note));
        if errors + warnings + notes > 0 {
            let mut line = summary(errors, warnings, notes);
            if before > 0 {
                line.pop();
                line.push_str(&format!(" ({before} as printed before, not repeated; `roster check` lists them all)\n"));
            }
            let _ = out.write_all(line.as_bytes());
        }
    }
    let _ = out.flush();
}

fn summary(errors: usize, warnings: usize, notes: usize) -> String {
    let plural = |n: usize, w: &str| {
        if n == 1 { format!("{n} {w}") } else { format!("{n} {w}s") }
    };
    let mut line = format!("{}, {}", plural(errors, "error"), plural(warnings, "warning"));
    if notes > 0 {
        line.push_str(&format!(", {}", plural(notes, "note")));
    }
    line.push('\n');
    line
}
