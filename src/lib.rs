//! `roster`: a static site generator for a government's official roster.
//!
//! The pipeline flows one way: [`config`] → [`source`] (walk and parse, keeping spans) →
//! [`model`] (validated roster) → `history` (changes between editions) → `render` (web,
//! print, feed, data) → `output` (written at once). The library never prints; it returns
//! [`diag::Diagnostic`]s and the binary decides how to show them.

pub mod cli;
pub mod config;
pub mod diag;
pub mod model;
pub mod source;

use std::path::Path;

use diag::Diagnostic;
use model::Roster;

/// The roster read from a site folder, with every diagnostic found on the way.
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

/// Reads and validates the site at `root`.
pub fn load(root: &Path, opts: &model::Options) -> Loaded {
    let mut diags = Vec::new();
    let config = config::load(root, &mut diags);
    let site = source::load(root, &mut diags);
    let roster = model::validate(config, site, opts, &mut diags);
    diag::sort(&mut diags);
    Loaded { roster, diagnostics: diags }
}
