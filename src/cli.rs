//! The command line: parsing arguments, running a command, printing diagnostics.
//!
//! Exit status: 0 on success, 1 when the input has errors or a command fails, 2 for wrong
//! usage (clap's convention).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use crate::diag::{self, Diagnostic, Format};
use crate::model;

#[derive(Parser, Debug)]
#[command(name = "roster", version, about = "Build a government roster site, print layout and change log from TOML files")]
pub struct Cli {
    /// The site folder (holding roster.toml and content/).
    #[arg(long, global = true, default_value = ".")]
    pub root: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Validate the site without writing anything.
    Check {
        /// How to print problems.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Check the roster as it stood on this date.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<NaiveDate>,
    },
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    crate::source::reader::parse_date(s).ok_or_else(|| format!("`{s}` is not a date; write YYYY-MM-DD"))
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { format, as_of } => check(&cli.root, format, as_of),
    }
}

/// Prints diagnostics to stderr (stdout for the machine formats) and a summary line.
pub fn report(diags: &[Diagnostic], format: Format) {
    let color = format == Format::Human && std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut text = String::new();
    for d in diags {
        text.push_str(&diag::render(d, format, color));
        if format == Format::Human {
            text.push('\n');
        }
    }
    match format {
        Format::Human => {
            let errors = diags.iter().filter(|d| d.is_error()).count();
            let warnings = diags.len() - errors;
            if errors + warnings > 0 {
                text.push_str(&summary(errors, warnings));
            }
            let _ = std::io::stderr().write_all(text.as_bytes());
        }
        Format::Github | Format::Json => {
            let _ = std::io::stdout().write_all(text.as_bytes());
        }
    }
}

fn summary(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, w: &str| if n == 1 { format!("{n} {w}") } else { format!("{n} {w}s") };
    format!("{}, {}\n", plural(errors, "error"), plural(warnings, "warning"))
}

fn check(root: &std::path::Path, format: Format, as_of: Option<NaiveDate>) -> ExitCode {
    let loaded = crate::load(root, &model::Options { as_of });
    report(&loaded.diagnostics, format);
    if loaded.has_errors() {
        return ExitCode::from(1);
    }
    if format == Format::Human {
        let r = &loaded.roster;
        let editions: usize = r.districts.iter().map(|d| d.editions.len()).sum();
        eprintln!(
            "ok: {} districts, {} editions, {} people",
            r.districts.len(),
            editions,
            r.people.len()
        );
    }
    ExitCode::SUCCESS
}
