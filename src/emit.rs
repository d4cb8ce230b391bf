//! The diagnostics emitter: the one place that prints diagnostics. The library's stages only
//! collect [`Diagnostic`]s; the command line and `serve` hand them here, sorted, to be shown
//! as text for people (on stderr, coloured on a terminal) or as GitHub annotations or JSON
//! lines (on stdout, for machines).

use std::io::{IsTerminal, Write};

use crate::diag::{self, Diagnostic, Format};

/// Prints diagnostics to stderr (stdout for the machine formats) and a summary line.
pub fn report(diags: &[Diagnostic], format: Format, show_private: bool) {
    let color = format == Format::Human && std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut text = String::new();
    for d in diags {
        text.push_str(&diag::render(d, format, color, show_private));
    }
    match format {
        Format::Human => {
            let count = |s: diag::Severity| diags.iter().filter(|d| d.severity == s).count();
            let (errors, warnings, notes) =
                (count(diag::Severity::Error), count(diag::Severity::Warning), count(diag::Severity::Note));
            if errors + warnings + notes > 0 {
                text.push_str(&summary(errors, warnings, notes));
            }
            let _ = std::io::stderr().write_all(text.as_bytes());
        }
        Format::Github | Format::Json => {
            let _ = std::io::stdout().write_all(text.as_bytes());
        }
    }
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
