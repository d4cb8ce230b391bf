//! Entry points for the fuzz targets in `fuzz/` (and for property tests): the whole pipeline
//! on texts held in memory, without touching the disk.

use chrono::NaiveDate;

use crate::diag::{Diagnostic, SourceFile};
use crate::output::NullSink;
use crate::pipeline::{self, Input, Reuse};
use crate::render::{Job, Parts};
use crate::source::{DistrictSource, SiteSource, parse};

/// Loads, validates and renders a site made of one roster.toml, one district.toml and
/// editions (dated one day apart from 2020-01-01); returns every diagnostic.
pub fn site_from_texts(config: &str, district: &str, editions: &[&str]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let config = crate::config::parse(&SourceFile::new("roster.toml", config), &mut diags);
    let meta = parse::district(&SourceFile::new("content/d/district.toml", district), &mut diags);
    let start = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap_or_default();
    let editions: Vec<_> = editions
        .iter()
        .enumerate()
        .filter_map(|(i, text)| {
            let date = start + chrono::Days::new(i as u64);
            parse::edition(&SourceFile::new(format!("content/d/{date}.toml"), *text), date, &mut diags)
                .map(std::sync::Arc::new)
        })
        .collect();
    let edition_files = editions.len();
    let site = SiteSource {
        index: None,
        pages: Vec::new(),
        districts: vec![DistrictSource { path: "d".into(), meta, editions, edition_files }],
    };
    let reuse = Reuse { last: None, theme: Some(theme(&config)) };
    let input = Input::Parsed { config, site, diagnostics: diags };
    let root = std::path::Path::new(".");
    let opts = crate::BuildOptions::default();
    let site = match pipeline::prepare(root, input, &opts, reuse) {
        Ok(site) => site,
        Err(diags) => return diags,
    };
    let parts = Parts { web: true, print: true, pdf: false, data: true };
    let mut diags = pipeline::render(root, &site, &opts, &Job::all(parts), &NullSink);
    diags.extend(site.warnings);
    diags
}

/// The built-in theme for a language, compiled once per process (fuzzing runs thousands of
/// sites a second).
fn theme(config: &crate::config::Config) -> std::sync::Arc<crate::render::theme::Theme> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    static THEMES: OnceLock<Mutex<HashMap<String, Arc<crate::render::theme::Theme>>>> = OnceLock::new();
    let mut map = THEMES.get_or_init(Mutex::default).lock().unwrap_or_else(|e| e.into_inner());
    map.entry(config.language.clone())
        .or_insert_with(|| {
            let mut ignored = Vec::new();
            let theme =
                crate::render::theme::load(std::path::Path::new("/nonexistent-roster-site"), config, &mut ignored);
            Arc::new(theme.expect("the built-in theme compiles"))
        })
        .clone()
}

/// Renders Markdown every way the site does.
pub fn markdown(text: &str) -> usize {
    use crate::render::markdown::{block, inline, plain};
    block(text).len() + inline(text).len() + plain(text).len()
}
