//! The diagnostics emitter: the one place that prints diagnostics. The library's stages only
//! collect [`Diagnostic`]s; the command line and `serve` hand them here, sorted, to be shown
//! as text for people (on stderr, coloured on a terminal) or as GitHub annotations or JSON
//! lines (on stdout, for machines).

use std::io::{IsTerminal, Write};

use crate::diag::{self, Diagnostic, Format};

/// Prints diagnostics to stderr (stdout for the machine formats) and a summary line. They are
/// written as they are rendered, through a buffer, so 50,000 warnings are never one string.
pub fn report(diags: &[Diagnostic], format: Format, show_private: bool) {
    let color = format == Format::Human && std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let out: Box<dyn Write> = match format {
        Format::Human => Box::new(std::io::stderr().lock()),
        Format::Github | Format::Json => Box::new(std::io::stdout().lock()),
    };
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, out);
    for d in diags {
        if out.write_all(diag::render(d, format, color, show_private).as_bytes()).is_err() {
            return;
        }
    }
    if format == Format::Human {
        let count = |s: diag::Severity| diags.iter().filter(|d| d.severity == s).count();
        let (errors, warnings, notes) =
            (count(diag::Severity::Error), count(diag::Severity::Warning), count(diag::Severity::Note));
        if errors + warnings + notes > 0 {
            let _ = out.write_all(summary(errors, warnings, notes).as_bytes());
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
