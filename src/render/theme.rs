//! The theme: Tera templates, interface labels and static files.
//!
//! The built-in theme `themes/default/` is embedded in the binary. A site's
//! `themes/<theme>/templates/*.html` are loaded over it, so a template of the same name wins
//! (as in Zola); `themes/<theme>/labels.toml` replaces labels key by key and
//! `themes/<theme>/static/` files replace or add to the built-in ones.

use std::collections::BTreeMap;
use std::path::Path;

use tera::Tera;
use walkdir::WalkDir;

use crate::config::Config;
use crate::diag::{Diagnostic, FileRef, SourceFile};
use crate::source::walk::relative;

macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../themes/default/templates/", $name)))),*]
    };
}

/// The built-in templates.
pub const TEMPLATES: &[(&str, &str)] = embed!(
    "base.html",
    "macros.html",
    "home.html",
    "district.html",
    "edition.html",
    "person.html",
    "page.html",
    "404.html",
    "changes.html",
    "site_changes.html",
    "print.html",
    "roster_table.html",
    "edition_meta.html",
    "change_entry.html",
    "data.html",
    "search.html",
    "checks.html",
);

macro_rules! embed_static {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_bytes!(concat!("../../themes/default/static/", $name)))),*]
    };
}

/// The built-in static files, copied to the output root.
pub const STATIC: &[(&str, &[u8])] =
    embed_static!("assets/style.css", "assets/search.js", "assets/prefs.js", "assets/favicon.svg", "favicon.ico");

const LABELS: &str = include_str!("../../themes/default/labels.toml");

/// The built-in Typst template of the newspaper page.
pub const PRINT_TEMPLATE: &str = include_str!("../../themes/default/print/roster.typ");

pub struct Theme {
    pub tera: Tera,
    /// Labels for the site's language.
    pub labels: BTreeMap<String, String>,
    /// Output path → bytes.
    pub static_files: BTreeMap<String, Vec<u8>>,
    /// The Typst template of print/roster.pdf.
    pub print_template: String,
    /// Template name → the file it came from (`themes/<theme>/templates/…`, or the built-in
    /// one) with its text, so that an error can quote the template's line.
    pub files: BTreeMap<String, FileRef>,
}

impl Theme {
    /// A Tera error as a diagnostic: at the line of the template file it points into (an error
    /// in an included or parent template points into that one), else at the file of the first
    /// template the message names, else at the template being rendered.
    pub fn diagnostic(&self, template: &str, err: &tera::Error) -> Diagnostic {
        diagnostic_in(&self.files, "template", template, err)
    }
}

/// [`Theme::diagnostic`] over `files`; the message starts with `what` and the template's name.
fn diagnostic_in(files: &BTreeMap<String, FileRef>, what: &str, template: &str, err: &tera::Error) -> Diagnostic {
    let report = match err.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => Some(r),
        _ => None,
    };
    if let Some(r) = report
        && let Some(file) = files.get(r.filename())
    {
        let span = r.span().range.clone();
        let span = span.start.min(file.text.len())..span.end.min(file.text.len());
        return Diagnostic::at(file, span, format!("{what} {}: {}", r.filename(), r.message()));
    }
    let message = error_chain(err);
    if let Some((name, line, col, text)) = report_location(&message)
        && let Some(file) = files.get(name)
    {
        let start = file.offset_of(line, col);
        let end = file.text[start..].find(|c: char| c.is_whitespace()).map_or(file.text.len(), |n| start + n);
        return Diagnostic::at(file, start..end, format!("{what} {name}: {text}"));
    }
    let named = message.split(['\'', '"', '`', ' ']).find_map(|word| files.get(word)).or_else(|| files.get(template));
    let path = named.map_or_else(|| "themes/".to_owned(), |f| f.path.clone());
    Diagnostic::error(path, format!("{what} {template}: {message}"))
}

/// Loads the built-in theme and the site's theme over it.
pub fn load(root: &Path, config: &Config, diags: &mut Vec<Diagnostic>) -> Option<Theme> {
    let dir = root.join("themes").join(&config.theme);
    if config.theme != "default" && !dir.is_dir() {
        diags.push(
            Diagnostic::error(
                "roster.toml",
                format!("theme `{}` not found: no folder themes/{}/", config.theme, config.theme),
            )
            .with_help("create the folder with templates/ that override the built-in ones, or set theme = \"default\""),
        );
        return None;
    }
    let mut templates: BTreeMap<String, (String, String)> = TEMPLATES
        .iter()
        .map(|(name, text)| {
            ((*name).to_owned(), (format!("themes/default/templates/{name} (built in)"), (*text).to_owned()))
        })
        .collect();
    let mut static_files: BTreeMap<String, Vec<u8>> =
        STATIC.iter().map(|(p, b)| ((*p).to_owned(), b.to_vec())).collect();
    let mut labels = default_labels(&config.language);
    let mut print_template = PRINT_TEMPLATE.to_owned();
    if dir.is_dir() {
        for (rel, name, bytes) in read_dir_files(root, &dir.join("templates"), diags) {
            if !name.ends_with(".html") {
                continue;
            }
            match String::from_utf8(bytes) {
                Ok(text) => {
                    templates.insert(name, (rel, text));
                }
                Err(err) => diags.push(
                    crate::source::text::decode(err.into_bytes(), &rel)
                        .err()
                        .unwrap_or_else(|| Diagnostic::error(rel, "invalid UTF-8")),
                ),
            }
        }
        for (_, name, bytes) in read_dir_files(root, &dir.join("static"), diags) {
            static_files.insert(name, bytes);
        }
        let typ = dir.join("print/roster.typ");
        if typ.is_file() {
            match crate::source::text::read(&typ, &relative(root, &typ)) {
                Ok(file) => print_template = file.text.clone(),
                Err(d) => diags.push(d),
            }
        }
        let labels_file = dir.join("labels.toml");
        if labels_file.is_file() {
            override_labels(root, &labels_file, &config.language, &mut labels, diags);
        }
    }
    let site_static = root.join("static");
    if site_static.is_dir() {
        for (_, name, bytes) in read_dir_files(root, &site_static, diags) {
            static_files.insert(name, bytes);
        }
    }
    let files: BTreeMap<String, FileRef> =
        templates.into_iter().map(|(name, (rel, text))| (name, SourceFile::new(rel, text))).collect();
    let tera = compile(&files, diags)?;
    Some(Theme { tera, labels, static_files, print_template, files })
}

fn compile(files: &BTreeMap<String, FileRef>, diags: &mut Vec<Diagnostic>) -> Option<Tera> {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape_html_to);
    tera.register_filter("num", num);
    let list = files.iter().map(|(n, f)| (n.as_str(), f.text.as_str()));
    if let Err(err) = tera.add_raw_templates(list) {
        let first = files.keys().next().map_or("", String::as_str);
        diags.push(diagnostic_in(files, "template error in", first, &err).with_help(
            "themes are Tera 2 templates: a macro is a component (`{% component name(arg) %}`, called as \
             `{{<name arg={value} />}}`, with no import), and tests take named arguments \
             (`is ending_with(pat=\"区\")`); see the README, Themes",
        ));
        return None;
    }
    Some(tera)
}

/// The template, line, column and message of a report Tera gives only as text (`error:
/// Unknown filter `x`  --> person.html:3:21 | …`, the checks done when templates are added).
fn report_location(message: &str) -> Option<(&str, usize, usize, &str)> {
    let (before, after) = message.split_once(" --> ")?;
    let place = after.split_whitespace().next()?;
    let mut parts = place.rsplitn(3, ':');
    let col = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    let name = parts.next()?;
    let text = before.trim().trim_start_matches("error:").trim();
    Some((name, line, col, text))
}

/// The `num` filter: a number as CSS writes it, `8` and not `8.0` (Tera prints a whole float
/// with its `.0`).
fn num(value: f64, _: tera::Kwargs, _: &tera::State) -> String {
    value.to_string()
}

/// [`escape_html`] as Tera's escape function, writing into the page.
fn escape_html_to(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut result = Ok(());
    escape_pieces(input, |piece| {
        if result.is_ok() {
            result = out.write_all(piece.as_bytes());
        }
    });
    result
}

/// Escapes text for HTML element content and quoted attribute values. (Tera's default also
/// escapes `/`, which only makes URLs unreadable.) It is also the last guard before a file:
/// control characters other than tab and line breaks, and the noncharacters U+FFFE and U+FFFF,
/// which validation refuses, are dropped here all the same, so none can reach an HTML or XML
/// file.
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    escape_pieces(input, |piece| out.push_str(piece));
    out
}

/// Hands the escaped text of `input` to `push`, piece by piece.
fn escape_pieces<'a>(input: &'a str, mut push: impl FnMut(&'a str)) {
    let mut last = 0;
    let bytes = input.as_bytes();
    // The five characters and the C0 controls are ASCII, a C1 control is 0xC2 0x80–0x9F and
    // U+FFFE/U+FFFF are 0xEF 0xBF 0xBE/0xBF, so a byte scan finds them all and never splits a
    // character.
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (entity, len) = match b {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&#39;", 1),
            b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            0..=0x1f | 0x7f => ("", 1),
            0xc2 if matches!(bytes.get(i + 1), Some(0x80..=0x9f)) => ("", 2),
            // U+FFFE and U+FFFF, the two characters XML 1.0 has no place for.
            0xef if bytes.get(i + 1) == Some(&0xbf) && matches!(bytes.get(i + 2), Some(0xbe | 0xbf)) => ("", 3),
            _ => {
                i += 1;
                continue;
            }
        };
        push(&input[last..i]);
        push(entity);
        i += len;
        last = i;
    }
    push(&input[last..]);
}

/// Tera's error and all its causes, on one line.
pub fn error_chain(err: &tera::Error) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(": ").replace('\n', " ")
}

/// The built-in labels for `language` (zh-CN when unknown).
pub fn default_labels(language: &str) -> BTreeMap<String, String> {
    let all: BTreeMap<String, BTreeMap<String, String>> =
        toml::from_str(LABELS).expect("built-in labels.toml is valid");
    all.get(language).or_else(|| all.get("zh-CN")).cloned().unwrap_or_default()
}

fn override_labels(
    root: &Path,
    path: &Path,
    language: &str,
    labels: &mut BTreeMap<String, String>,
    diags: &mut Vec<Diagnostic>,
) {
    let rel = relative(root, path);
    let file = match crate::source::text::read(path, &rel) {
        Ok(f) => f,
        Err(d) => return diags.push(d),
    };
    match toml::from_str::<BTreeMap<String, BTreeMap<String, String>>>(&file.text) {
        Ok(all) => {
            if let Some(own) = all.get(language) {
                labels.extend(own.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
        }
        Err(err) => diags.push(
            Diagnostic::at(
                &SourceFile::new(rel, file.text.clone()),
                err.span().unwrap_or(0..0),
                format!("invalid labels file: {}", err.message()),
            )
            .with_help("labels.toml holds one table per language, e.g. [zh-CN] home = \"首页\""),
        ),
    }
}

/// Every file below `dir` as (path relative to the root, path relative to `dir`, bytes).
fn read_dir_files(root: &Path, dir: &Path, diags: &mut Vec<Diagnostic>) -> Vec<(String, String, Vec<u8>)> {
    let mut files = Vec::new();
    if !dir.is_dir() {
        return files;
    }
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    for entry in WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.'))
    {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let rel = err.path().map_or_else(|| relative(root, dir), |p| relative(root, p));
                diags.push(Diagnostic::error(rel, format!("cannot read: {err}")));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = relative(root, entry.path());
        if !entry.path().canonicalize().is_ok_and(|p| p.starts_with(&real_root)) {
            diags.push(Diagnostic::error(rel, "symlink leads outside the site folder"));
            continue;
        }
        let name = relative(dir, entry.path());
        if !crate::output::is_safe_path(&name) {
            diags.push(Diagnostic::error(rel, "file name cannot be published"));
            continue;
        }
        match std::fs::read(entry.path()) {
            Ok(bytes) => files.push((rel, name, bytes)),
            Err(e) => diags.push(Diagnostic::error(rel, format!("cannot read file: {e}"))),
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::escape_html;
    use proptest::prelude::*;

    fn unescape(s: &str) -> String {
        s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
    }

    proptest! {
        /// Any text, Chinese and markup included, comes out with no character that could open
        /// or close markup and no control character, and unescapes to exactly what went in,
        /// less its control characters.
        #[test]
        fn escaping_is_complete_and_lossless(s in "(?s).{0,64}|[<>&\"'a中]{0,16}") {
            let e = escape_html(&s);
            prop_assert!(!e.contains(['<', '>', '"', '\'']));
            for (i, _) in e.match_indices('&') {
                let rest = &e[i..];
                prop_assert!(["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].iter().any(|x| rest.starts_with(x)));
            }
            // Lossless but for control characters, the last guard drops.
            let kept: String = s.chars().filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r')).collect();
            prop_assert_eq!(unescape(&e), kept);
            prop_assert!(!e.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')));
        }
    }

    #[test]
    fn control_characters_never_reach_html() {
        assert_eq!(escape_html("控\u{1b}]0;pwned\u{7}\u{1b}[2J红"), "控]0;pwned[2J红");
        assert_eq!(escape_html("a\u{0}b\u{b}c\u{7f}d\u{85}e\u{9f}f"), "abcdef");
        assert_eq!(escape_html("一\t二\n三\r\n"), "一\t二\n三\r\n");
        assert_eq!(escape_html("é\u{a0}Â"), "é\u{a0}Â");
        // Not XML at all: U+FFFE and U+FFFF; the characters around them are kept.
        assert_eq!(escape_html("\u{fffe}分\u{ffff}工\u{fffd}\u{fefe}\u{efbf}"), "分工\u{fffd}\u{fefe}\u{efbf}");
    }

    #[test]
    fn escapes_between_multibyte_characters() {
        assert_eq!(escape_html("王<五>&'\"李"), "王&lt;五&gt;&amp;&#39;&quot;李");
        assert_eq!(escape_html(""), "");
    }
}
