//! `roster`: a static site generator for a government's official roster.
//!
//! The pipeline flows one way: [`config`] → [`source`] (walk and parse, keeping spans) →
//! [`model`] (validated roster) → `history` (changes between editions) → `render` (web,
//! print, feed, data) → `output` (written as rendered), all run by one driver, [`pipeline`].
//! The stages never print; they return [`diag::Diagnostic`]s, and only `emit` (used by
//! [`cli`] and [`serve`]) prints them.

// A diagnostic is large but only ever on the cold error path; boxing it buys nothing.
#![allow(clippy::result_large_err)]

pub mod cli;
pub mod config;
pub mod diag;
pub(crate) mod emit;
pub mod field;
pub mod fuzzing;
pub mod history;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod render;
pub(crate) mod scaffold;
pub mod serve;
pub mod source;
#[cfg(test)]
mod testutil;
pub(crate) mod timing;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use diag::Diagnostic;
use output::Sink;

pub use pipeline::Caches;

/// Options of `roster build` and `roster check`.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Output folder; default `<root>/public`.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` of roster.toml.
    pub base_url: Option<String>,
    /// Build the site as it stood on this date.
    pub as_of: Option<NaiveDate>,
    /// Today (`--today`), for editions dated after it (scheduled, not yet published) and
    /// `verified` dates; default `SOURCE_DATE_EPOCH`, else the system date.
    pub today: Option<NaiveDate>,
    /// Print private values in diagnostics (`--show-private`); the outputs never hold them.
    pub show_private: bool,
    /// `--stale DAYS`: a number verified longer ago is stale (instead of `[verify]
    /// max_age_days`).
    pub max_age_days: Option<u32>,
    /// `--deny-stale`: a stale number, or one whose last call check failed, is an error.
    pub deny_stale: bool,
    /// Write only `print/` (the newspaper layout), leaving the rest of the output as it is.
    pub print_only: bool,
    /// Told what a long build is doing (sites of more than [`PROGRESS_ENTRIES`] entries, or
    /// any site with `ROSTER_PROGRESS=1`), so that it is never minutes of silence.
    pub progress: Option<fn(&str)>,
}

/// From this many roster entries (members of all editions) on, a build reports progress.
pub const PROGRESS_ENTRIES: usize = 20_000;

/// What a build or check did.
pub struct Outcome {
    /// Errors and warnings, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// Staging folders of killed builds removed before this one.
    pub removed_stale: usize,
    /// Files written (0 for a failed build or a check).
    pub files: usize,
    pub output: PathBuf,
}

impl Outcome {
    pub fn ok(&self) -> bool {
        !self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Runs the pipeline into `sink` (all of the site, or `print/` alone); returns the diagnostics.
fn render_into(root: &Path, opts: &BuildOptions, sink: &dyn Sink) -> Vec<Diagnostic> {
    let parts = render::Parts {
        web: !opts.print_only,
        site_log: !opts.print_only,
        data: !opts.print_only,
        ..render::Parts::ALL
    };
    let input = pipeline::Input::Folder(None);
    match pipeline::run(root, input, opts, &render::Job::all(parts), sink) {
        Ok(site) => site.warnings,
        Err(diagnostics) => diagnostics,
    }
}

/// `roster build`: renders into a staging folder beside the output and swaps it in only when
/// everything succeeded. On any error the previous output is left exactly as it was.
pub fn build(root: &Path, opts: &BuildOptions) -> Outcome {
    let output = opts.output.clone().unwrap_or_else(|| root.join("public"));
    let shown = output.display().to_string();
    if let Err(why) = output::check_output_dir(root, &output) {
        return Outcome { diagnostics: vec![Diagnostic::error(shown, why)], removed_stale: 0, files: 0, output };
    }
    if opts.print_only {
        return build_print_only(root, opts, &output);
    }
    let removed_stale = output::remove_stale(&output);
    let fail = |mut diagnostics: Vec<Diagnostic>| {
        merge_repeated_write_errors(&mut diagnostics);
        Outcome { diagnostics, removed_stale, files: 0, output: output.clone() }
    };
    let staging = match output::Staging::new(&output) {
        Ok(s) => s,
        Err(e) => {
            return fail(vec![Diagnostic::error(shown, format!("cannot create a staging folder beside it: {e}"))]);
        }
    };
    let sink = output::DirSink::new(&staging.dir);
    let diagnostics = render_into(root, opts, &sink);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return fail(diagnostics);
    }
    let files = sink.file_count();
    if let Err(e) = output::mark(&staging.dir) {
        return fail(vec![Diagnostic::error(shown, format!("cannot write to the staging folder: {e}"))]);
    }
    match output::commit(staging) {
        Ok(()) => Outcome { diagnostics, removed_stale, files, output },
        Err(e) => {
            let mut diagnostics = diagnostics;
            diagnostics.push(Diagnostic::error(shown, format!("cannot replace the output folder: {e}")));
            fail(diagnostics)
        }
    }
}

/// One error for each kind of failed write (a full disk, a folder without write permission),
/// with the number of files it stopped, instead of one per file.
fn merge_repeated_write_errors(diags: &mut Vec<Diagnostic>) {
    const PREFIX: &str = "cannot write output: ";
    let mut counts: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for d in diags.iter().filter(|d| d.message.starts_with(PREFIX)) {
        *counts.entry(d.message.clone()).or_default() += 1;
    }
    let mut seen = std::collections::BTreeSet::new();
    diags.retain_mut(|d| {
        let Some(&n) = counts.get(&d.message) else { return true };
        if n < 2 || !seen.insert(d.message.clone()) {
            return n < 2;
        }
        d.message = format!("{} ({n} files, the first {})", d.message, d.path);
        true
    });
}

/// `roster build --print-only`: swaps in `<output>/print/` alone.
fn build_print_only(root: &Path, opts: &BuildOptions, output: &Path) -> Outcome {
    let shown = output.display().to_string();
    let target = output.join("print");
    let removed_stale = output::remove_stale(&target);
    let fail = |mut diagnostics: Vec<Diagnostic>| {
        merge_repeated_write_errors(&mut diagnostics);
        Outcome { diagnostics, removed_stale, files: 0, output: output.to_path_buf() }
    };
    let fresh = !output.exists();
    let prepared = std::fs::create_dir_all(output).and_then(|()| if fresh { output::mark(output) } else { Ok(()) });
    if let Err(e) = prepared {
        return fail(vec![Diagnostic::error(shown, format!("cannot create the output folder: {e}"))]);
    }
    let staging = match output::Staging::new(&target) {
        Ok(s) => s,
        Err(e) => {
            return fail(vec![Diagnostic::error(shown, format!("cannot create a staging folder: {e}"))]);
        }
    };
    let sink = output::PrefixSink::new("print/", output::DirSink::new(&staging.dir));
    let diagnostics = render_into(root, opts, &sink);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return fail(diagnostics);
    }
    let files = sink.inner().file_count();
    match output::commit(staging) {
        Ok(()) => Outcome { diagnostics, removed_stale, files, output: output.to_path_buf() },
        Err(e) => {
            let mut diagnostics = diagnostics;
            diagnostics.push(Diagnostic::error(shown, format!("cannot replace print/: {e}")));
            fail(diagnostics)
        }
    }
}

/// `roster check`: everything `build` does except writing.
pub fn check(root: &Path, opts: &BuildOptions) -> Outcome {
    let diagnostics = render_into(root, opts, &output::NullSink);
    Outcome { diagnostics, removed_stale: 0, files: 0, output: PathBuf::new() }
}
