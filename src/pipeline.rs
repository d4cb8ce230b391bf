//! The one pipeline driver, as in mdBook: every command that turns a site into files goes
//! through [`prepare`] (read, validate, apply the command-line overrides, compute the history,
//! load the theme) and [`render()`]. `build` and `check` call [`run`]; `serve` calls the two
//! halves with what it kept from the last build; the fuzz targets call [`run`] on texts held in
//! memory. So a rule (a bad `--base-url` is an error, the theme is checked before rendering)
//! holds for all of them or for none.

use std::path::Path;
use std::sync::Arc;

use crate::config::Config;
use crate::diag::{self, Diagnostic};
use crate::history::History;
use crate::model::{self, Roster};
use crate::output::Sink;
use crate::render::theme::Theme;
use crate::render::{self, Job};
use crate::source::{self, SiteSource};
use crate::{BuildOptions, timing};

/// What `serve` keeps between rebuilds: the walk, parsed and validated editions, the people
/// index and each district's stale-number report.
#[derive(Default)]
pub struct Caches {
    pub sources: source::SourceCache,
    pub editions: model::EditionCache,
}

/// Where the site comes from.
pub enum Input<'a> {
    /// The site folder at the root, reusing the unchanged files of `caches` (`serve`); with
    /// `None`, what was read is dropped once the roster is validated, so a one-shot build
    /// does not hold the source texts and parsed records while it renders.
    Folder(Option<&'a Caches>),
    /// A configuration and content already parsed (fuzzing and property tests, which never
    /// touch the disk).
    Parsed(Box<Parsed>),
}

/// A site parsed in memory, with the diagnostics of parsing it.
pub struct Parsed {
    pub config: Config,
    pub site: SiteSource,
    pub diagnostics: Vec<Diagnostic>,
}

/// What a later run may take from an earlier one instead of making it again.
#[derive(Default)]
pub struct Reuse<'a> {
    /// The last good roster and its history: the history of unchanged districts is kept.
    pub last: Option<(&'a Roster, &'a History)>,
    /// The theme, when neither roster.toml nor the theme's files changed.
    pub theme: Option<Arc<Theme>>,
}

/// A site ready to render: validated, without errors.
pub struct Prepared {
    pub roster: Roster,
    /// The history of the full roster; each channel redacts it.
    pub history: History,
    pub theme: Arc<Theme>,
    /// The warnings found on the way, sorted.
    pub warnings: Vec<Diagnostic>,
}

/// A site read from a folder, before the theme (for commands that only read, as `diff`).
pub struct Loaded {
    pub roster: Roster,
    /// Sorted by file and line; errors and warnings.
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Reads and validates the site at `root`, applying the options' `as_of` and `base_url`.
pub fn load(root: &Path, input: Input<'_>, opts: &BuildOptions) -> Loaded {
    let start = std::time::Instant::now();
    let fresh = Caches::default();
    // A one-shot run drops the source texts once the roster is validated, and so must its
    // diagnostics; `serve` keeps the texts in its cache anyway.
    let one_shot = !matches!(input, Input::Folder(Some(_)));
    let (config, site, editions, mut diags) = match input {
        Input::Folder(caches) => {
            let caches = caches.unwrap_or(&fresh);
            let mut diags = Vec::new();
            let config = crate::config::load(root, &mut diags);
            let _t = timing::stage("load: walk and parse");
            let site = source::load_cached(root, &mut diags, &caches.sources);
            (config, site, &caches.editions, diags)
        }
        Input::Parsed(parsed) => {
            let Parsed { config, site, diagnostics } = *parsed;
            (config, site, &fresh.editions, diagnostics)
        }
    };
    let mut roster = {
        let _t = timing::stage("load: validate");
        let options = model::Options {
            as_of: opts.as_of,
            today: opts.today,
            max_age_days: opts.max_age_days,
            deny_stale: opts.deny_stale,
        };
        model::validate_cached(config, site, &options, &mut diags, editions)
    };
    let _t = timing::stage("load: sort diagnostics");
    diag::make_unpublished_private(&mut diags, &roster.config.publish);
    if one_shot {
        diags.iter_mut().for_each(Diagnostic::detach);
    }
    override_base_url(&mut roster.config, opts, &mut diags);
    report_size(&roster, opts, start);
    diag::sort(&mut diags);
    Loaded { roster, diagnostics: diags }
}

/// `--base-url` over roster.toml's; a value that is not an absolute http(s) URL is an error.
fn override_base_url(config: &mut Config, opts: &BuildOptions, diags: &mut Vec<Diagnostic>) {
    if let Some(url) = &opts.base_url {
        match crate::config::normalize_base_url(url) {
            Some(u) => config.base_url = u,
            None => diags.push(Diagnostic::error("--base-url", format!("not an absolute http(s) URL: `{url}`"))),
        }
    }
}

/// Tells a long build what it read (see [`BuildOptions::progress`]).
fn report_size(roster: &Roster, opts: &BuildOptions, start: std::time::Instant) {
    let Some(say) = progress(roster, opts) else { return };
    let editions: usize = roster.districts.iter().map(|d| d.editions.len()).sum();
    let entries = entries(roster);
    say(&format!("read {editions} editions with {entries} entries in {} ms", start.elapsed().as_millis()));
}

fn entries(roster: &Roster) -> usize {
    roster.districts.iter().flat_map(|d| &d.editions).map(|e| e.member_count()).sum()
}

/// The progress callback, when this build is long enough to need one.
fn progress(roster: &Roster, opts: &BuildOptions) -> Option<fn(&str)> {
    let forced = std::env::var_os("ROSTER_PROGRESS").is_some_and(|v| v != "0");
    opts.progress.filter(|_| forced || entries(roster) > crate::PROGRESS_ENTRIES)
}

/// Reads, validates, computes the history and loads the theme; the diagnostics (errors and
/// warnings, sorted) when anything is wrong.
pub fn prepare(
    root: &Path,
    input: Input<'_>,
    opts: &BuildOptions,
    reuse: Reuse<'_>,
) -> Result<Prepared, Vec<Diagnostic>> {
    let Loaded { roster, mut diagnostics } = load(root, input, opts);
    let mut theme_diags = Vec::new();
    let theme = match reuse.theme {
        Some(theme) => Some(theme),
        None => render::theme::load(root, &roster.config, &mut theme_diags).map(Arc::new),
    };
    diag::extend_sorted(&mut diagnostics, theme_diags);
    let theme = match theme {
        Some(theme) if !diagnostics.iter().any(Diagnostic::is_error) => theme,
        _ => return Err(diagnostics),
    };
    let history = {
        let _t = timing::stage("history");
        History::compute_reusing(&roster, reuse.last)
    };
    Ok(Prepared { roster, history, theme, warnings: diagnostics })
}

/// Renders the prepared site into `sink`; returns the render errors.
pub fn render(root: &Path, site: &Prepared, opts: &BuildOptions, job: &Job<'_>, sink: &dyn Sink) -> Vec<Diagnostic> {
    if let Some(say) = progress(&site.roster, opts) {
        let r = &site.roster;
        let editions: usize = r.districts.iter().map(|d| d.editions.len()).sum();
        let pages = r.people.len() + editions + 2 * r.districts.len();
        say(&format!("rendering about {pages} pages…"));
    }
    render::site(root, &site.roster, &site.history, &site.theme, job, sink)
}

/// The whole pipeline: the built site (with its warnings) or every diagnostic, sorted.
pub fn run(
    root: &Path,
    input: Input<'_>,
    opts: &BuildOptions,
    job: &Job<'_>,
    sink: &dyn Sink,
) -> Result<Prepared, Vec<Diagnostic>> {
    let mut site = prepare(root, input, opts, Reuse::default())?;
    let errors = render(root, &site, opts, job, sink);
    let failed = errors.iter().any(Diagnostic::is_error);
    diag::extend_sorted(&mut site.warnings, errors);
    if failed { Err(std::mem::take(&mut site.warnings)) } else { Ok(site) }
}
