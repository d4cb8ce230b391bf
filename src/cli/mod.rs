//! The command line: parsing arguments, running a command, printing diagnostics.
//!
//! Exit status: 0 on success, 1 when the input has errors or a command fails, 2 for wrong
//! usage (clap's convention).

mod calls;
mod diff;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

use crate::diag::Format;
use crate::{BuildOptions, Outcome};

#[derive(Parser, Debug)]
#[command(
    name = "roster",
    version,
    about = "Build a government roster site, print layout and change log from TOML files"
)]
pub struct Cli {
    /// The site folder (holding roster.toml and content/).
    #[arg(long, global = true, default_value = ".")]
    pub root: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build the site into the output folder (default: public/).
    Build {
        /// Output folder.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Absolute URL the site is published at (overrides base_url).
        #[arg(long)]
        base_url: Option<String>,
        /// Write only print/ (the newspaper layout and its PDF); the rest of the output stays.
        #[arg(long)]
        print_only: bool,
        #[command(flatten)]
        common: Common,
    },
    /// Validate the site and render it without writing anything.
    Check {
        #[command(flatten)]
        common: Common,
    },
    /// Serve the site locally, rebuild on every change and reload open pages.
    Serve {
        /// Port to listen on (0: any free port).
        #[arg(long, short, default_value_t = 1111)]
        port: u16,
        /// Interface to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        interface: String,
        /// Open the site in a browser.
        #[arg(long)]
        open: bool,
        /// Serve the roster as it stood on this date.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// Take this date as today: editions dated after it are scheduled, not served yet.
        #[arg(long, value_parser = parse_date)]
        today: Option<NaiveDate>,
        /// Print private values in diagnostics and the error banner.
        #[arg(long)]
        show_private: bool,
    },
    /// Start a new edition of a district, copied from its latest one.
    New {
        /// The district's path below content/, e.g. shili/dongpo.
        district: String,
        /// The date the new edition takes effect (default: today).
        #[arg(value_parser = parse_date)]
        date: Option<NaiveDate>,
    },
    /// Write the next call-check round's sheet (CSV) to stdout: stale and failed numbers
    /// first, then the longest unverified.
    Calls {
        /// Only this district (its path below content/, e.g. shili/dongpo) and those below it.
        district: Option<String>,
        /// Take this date as today (default: SOURCE_DATE_EPOCH, else the system date).
        #[arg(long, value_parser = parse_date)]
        today: Option<NaiveDate>,
        /// A number verified longer ago than this is stale (default: [verify] max_age_days).
        #[arg(long, value_name = "DAYS", value_parser = parse_days)]
        stale: Option<u32>,
    },
    /// Write a minimal new site into an empty folder.
    Init {
        /// The folder to create.
        dir: PathBuf,
    },
    /// Show what changed between two editions of a district (default: the latest two).
    Diff {
        /// The district's path below content/, e.g. shili/dongpo.
        district: String,
        /// The earlier edition's date (default: the one before TO).
        #[arg(value_parser = parse_date)]
        from: Option<NaiveDate>,
        /// The later edition's date (default: the latest).
        #[arg(value_parser = parse_date)]
        to: Option<NaiveDate>,
        #[arg(long, value_enum, default_value_t = diff::DiffFormat::Text)]
        format: diff::DiffFormat,
        /// Show the values of private fields too.
        #[arg(long)]
        show_private: bool,
        /// Use the roster as it stood on this date.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<NaiveDate>,
    },
}

#[derive(Args, Debug)]
pub struct Common {
    /// How to print problems.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Use the roster as it stood on this date (editions after it are ignored).
    #[arg(long, value_parser = parse_date)]
    as_of: Option<NaiveDate>,
    /// Take this date as today: editions dated after it are scheduled and not published yet
    /// (default: SOURCE_DATE_EPOCH, else the system date).
    #[arg(long, value_parser = parse_date)]
    today: Option<NaiveDate>,
    /// Print private values in diagnostics (they are hidden by default).
    #[arg(long)]
    show_private: bool,
    /// A number verified longer ago than this is stale (default: [verify] max_age_days).
    #[arg(long, value_name = "DAYS", value_parser = parse_days)]
    stale: Option<u32>,
    /// Stale numbers and failed call checks are errors (exit 1), not warnings.
    #[arg(long)]
    deny_stale: bool,
}

fn parse_days(s: &str) -> Result<u32, String> {
    match s.parse::<u32>() {
        Ok(n @ 1..=3660) => Ok(n),
        _ => Err(format!("`{s}` is not a number of days from 1 to 3660")),
    }
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    crate::source::reader::parse_date(s).ok_or_else(|| format!("`{s}` is not a date; write YYYY-MM-DD"))
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(e) = crate::model::source_date_epoch() {
        eprintln!("error: {e}");
        eprintln!("  = help: set it to a Unix time such as 1764547200, or unset it");
        return ExitCode::from(2);
    }
    let root = cli.root.as_path();
    match cli.command {
        Command::Build { output, base_url, print_only, common } => {
            let opts = BuildOptions {
                output,
                base_url,
                as_of: common.as_of,
                today: common.today,
                show_private: common.show_private,
                max_age_days: common.stale,
                deny_stale: common.deny_stale,
                print_only,
                progress: Some(progress),
            };
            build(root, &opts, common.format)
        }
        Command::Check { common } => {
            let opts = BuildOptions {
                as_of: common.as_of,
                today: common.today,
                show_private: common.show_private,
                max_age_days: common.stale,
                deny_stale: common.deny_stale,
                progress: Some(progress),
                ..Default::default()
            };
            check(root, &opts, common.format)
        }
        Command::Serve { port, interface, open, as_of, today, show_private } => {
            let opts = crate::serve::ServeOptions { interface, port, open, as_of, today, show_private };
            match crate::serve::run(root, &opts) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Command::New { district, date } => {
            let date = date.unwrap_or_else(crate::model::today);
            match crate::scaffold::new_edition(root, &district, date) {
                Ok(path) => {
                    println!("wrote {}", crate::source::walk::relative(root, &path));
                    eprintln!("fill in `reason`, edit the roster, then run `roster check`");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Calls { district, today, stale } => {
            let opts = BuildOptions { today, max_age_days: stale, ..Default::default() };
            calls::run(root, district.as_deref(), &opts)
        }
        Command::Init { dir } => match crate::scaffold::init(&dir, crate::model::today()) {
            Ok(files) => {
                for f in &files {
                    println!("wrote {}", f.display());
                }
                eprintln!("next: cd {} && roster serve", dir.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(1)
            }
        },
        Command::Diff { district, from, to, format, show_private, as_of } => {
            let args = diff::DiffArgs { district: &district, from, to, format, show_private };
            diff::run(root, &args, as_of)
        }
    }
}

/// Progress of a long build, on stderr.
fn progress(message: &str) {
    eprintln!("{message}");
}

fn finish(
    outcome: &Outcome,
    format: Format,
    show_private: bool,
    writes: bool,
    done: impl FnOnce() -> String,
) -> ExitCode {
    if outcome.removed_stale > 0 {
        eprintln!("removed {} staging folder(s) left by builds that were killed", outcome.removed_stale);
    }
    crate::emit::report(&outcome.diagnostics, format, show_private);
    if !outcome.ok() {
        if format == Format::Human && writes {
            eprintln!("nothing was written; the previous output is unchanged");
        }
        return ExitCode::from(1);
    }
    if format == Format::Human {
        eprintln!("{}", done());
    }
    ExitCode::SUCCESS
}

fn build(root: &Path, opts: &BuildOptions, format: Format) -> ExitCode {
    let start = Instant::now();
    let outcome = crate::build(root, opts);
    finish(&outcome, format, opts.show_private, true, || {
        let built = format!(
            "built {} files into {} in {} ms",
            outcome.files,
            outcome.output.display(),
            start.elapsed().as_millis()
        );
        built + &fitted(&outcome.diagnostics)
    })
}

/// The sizes `[print] pages` chose, for the summary line: each PDF's note when there are a
/// few, else their count (the notes above name each one).
fn fitted(diags: &[crate::diag::Diagnostic]) -> String {
    let notes: Vec<String> = diags
        .iter()
        .filter(|d| d.severity == crate::diag::Severity::Note && d.path.ends_with(".pdf"))
        .map(|d| format!("{}: {}", d.path, d.message))
        .collect();
    match notes.len() {
        0 => String::new(),
        1..=3 => format!("; {}", notes.join("; ")),
        n => format!("; {n} PDFs fitted to [print] pages (their sizes are in the notes above)"),
    }
}

fn check(root: &Path, opts: &BuildOptions, format: Format) -> ExitCode {
    let start = Instant::now();
    let outcome = crate::check(root, opts);
    finish(&outcome, format, opts.show_private, false, || format!("ok: no errors ({} ms)", start.elapsed().as_millis()))
}
