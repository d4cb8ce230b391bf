//! Diagnostics: every problem found in the input, with the file, the place in it and what
//! would be right.
//!
//! The stages never print. Each collects [`Diagnostic`]s; `emit` prints them all at
//! once, sorted by file and line, as text for people, GitHub Actions annotations or JSON
//! lines, with the text made here by [`render`]. A diagnostic keeps a handle on its file's
//! text so the offending line can be quoted; [`Diagnostic::detach`] trades it for the quoted
//! lines alone, so that a build's warnings do not keep every source text alive.

use std::fmt::Write as _;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use crate::field::Field;

use codespan_reporting::diagnostic::{Diagnostic as Report, Label, Severity as Level};
use codespan_reporting::files::{self as cs_files, Files};
use codespan_reporting::term;

/// A file of the site as it was read: its path relative to the site root, with `/`
/// separators, and its text (BOM removed).
#[derive(Debug)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
    /// Byte offsets of the line starts, computed on the first diagnostic that needs them: a
    /// file with thousands of diagnostics (every member stale) is indexed once, not once each.
    lines: OnceLock<Vec<usize>>,
    /// How many lines of the file come before `text`: 0 for a whole file, more for the
    /// excerpt a detached diagnostic keeps (see [`Diagnostic::detach`]).
    first_line: usize,
}

/// A shared handle on a [`SourceFile`]; parsed values keep one so errors can quote them.
pub type FileRef = Arc<SourceFile>;

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> FileRef {
        Arc::new(SourceFile { path: path.into(), text: text.into(), lines: OnceLock::new(), first_line: 0 })
    }

    /// The lines of this file from the one holding byte `span.start` to the one holding
    /// `span.end`, as a file of their own that still numbers them as here, and the span
    /// within it.
    fn excerpt(&self, span: &Range<usize>) -> (FileRef, Range<usize>) {
        let starts = self.line_starts();
        let start = clamp_to_char_boundary(&self.text, span.start);
        let end = clamp_to_char_boundary(&self.text, span.end.max(span.start));
        let first = starts.binary_search(&start).unwrap_or_else(|next| next - 1);
        let from = starts[first];
        let to = self.text[end..].find('\n').map_or(self.text.len(), |i| end + i + 1);
        let file = SourceFile {
            path: self.path.clone(),
            text: self.text[from..to].to_owned(),
            lines: OnceLock::new(),
            first_line: self.first_line + first,
        };
        (Arc::new(file), start - from..end - from)
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = clamp_to_char_boundary(&self.text, offset);
        match self.location((), offset) {
            Ok(loc) => (loc.line_number, loc.column_number),
            Err(_) => (1, 1),
        }
    }

    /// The byte offset of 1-based `line` and `col` (in characters), clamped to the text: the
    /// inverse of [`SourceFile::line_col`].
    pub fn offset_of(&self, line: usize, col: usize) -> usize {
        let index = line.saturating_sub(1 + self.first_line);
        let start = self.line_starts().get(index).copied().unwrap_or(self.text.len());
        let rest = &self.text[start..];
        start + rest.char_indices().nth(col.saturating_sub(1)).map_or(rest.len(), |(i, _)| i)
    }

    fn line_starts(&self) -> &[usize] {
        self.lines.get_or_init(|| cs_files::line_starts(&self.text).collect())
    }
}

/// The file as codespan quotes it, with the line index cached in the file.
impl<'a> Files<'a> for SourceFile {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, cs_files::Error> {
        Ok(&self.path)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, cs_files::Error> {
        Ok(&self.text)
    }

    fn line_number(&'a self, (): (), line_index: usize) -> Result<usize, cs_files::Error> {
        Ok(self.first_line + line_index + 1)
    }

    fn line_index(&'a self, (): (), byte_index: usize) -> Result<usize, cs_files::Error> {
        Ok(self.line_starts().binary_search(&byte_index).unwrap_or_else(|next| next - 1))
    }

    fn line_range(&'a self, (): (), line_index: usize) -> Result<Range<usize>, cs_files::Error> {
        let starts = self.line_starts();
        let start = |i: usize| match i.cmp(&starts.len()) {
            std::cmp::Ordering::Less => Ok(starts[i]),
            std::cmp::Ordering::Equal => Ok(self.text.len()),
            std::cmp::Ordering::Greater => {
                Err(cs_files::Error::LineTooLarge { given: i, max: starts.len().saturating_sub(1) })
            }
        };
        Ok(start(line_index)?..start(line_index + 1)?)
    }
}

fn clamp_to_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    /// Not a problem, but something the editor should know (a scheduled edition).
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// One problem: where it is, what is wrong, and what would be right.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the site root (`/` separators); a folder path ends with `/`.
    pub path: String,
    /// The file's text, when the file could be read.
    pub file: Option<FileRef>,
    /// Byte range of the offending text inside `file`.
    pub span: Option<Range<usize>>,
    pub message: String,
    /// Short text under the caret.
    pub label: Option<String>,
    /// What would be right.
    pub help: Option<String>,
    /// The value the diagnostic is about, when it is private (a member's `private` field, or
    /// one no channel publishes). It is shown, with the quoted source line and the label,
    /// only with `--show-private`; otherwise the message names the field and the problem.
    pub private: Option<String>,
    /// The member field and its text as written, when the diagnostic is about one; set where
    /// the field is read, before the publish policy is known. [`make_unpublished_private`]
    /// then hides the value of a field that no channel publishes.
    pub(crate) about: Option<(Field, String)>,
}

/// Hides the value of every diagnostic about a field that `publish` publishes nowhere (see
/// [`Diagnostic::private`]).
pub(crate) fn make_unpublished_private(diags: &mut [Diagnostic], publish: &crate::config::Publish) {
    for d in diags {
        if let Some((field, value)) = &d.about
            && d.private.is_none()
            && !publish.publishes(*field)
        {
            d.private = Some(value.clone());
        }
    }
}

impl Diagnostic {
    pub fn error(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            file: None,
            span: None,
            message: message.into(),
            label: None,
            help: None,
            private: None,
            about: None,
        }
    }

    pub fn warning(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(path, message) }
    }

    pub fn note(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Note, ..Diagnostic::error(path, message) }
    }

    /// An error at `span` of `file`.
    pub fn at(file: &FileRef, span: Range<usize>, message: impl Into<String>) -> Self {
        Diagnostic { file: Some(file.clone()), span: Some(span), ..Diagnostic::error(file.path.clone(), message) }
    }

    /// Keeps only the quoted lines of the file instead of a handle on all of it, so that the
    /// diagnostics a build keeps until it ends (a warning for every stale number) do not keep
    /// every source text alive. The path, line, column and quoted text stay the same.
    pub fn detach(&mut self) {
        if let (Some(file), Some(span)) = (&self.file, &self.span) {
            let (file, span) = file.excerpt(span);
            self.file = Some(file);
            self.span = Some(span);
        }
    }

    /// Marks the diagnostic as about a private value (see [`Diagnostic::private`]).
    pub fn with_private(mut self, value: impl Into<String>) -> Self {
        self.private = Some(value.into());
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn as_warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// 1-based line and column, when the diagnostic points into a file.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        match (&self.file, &self.span) {
            (Some(file), Some(span)) => Some(file.line_col(span.start)),
            _ => None,
        }
    }
}

impl std::fmt::Display for Diagnostic {
    /// `path:line:col: severity: message` on one line, as compilers print it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line_col() {
            Some((line, col)) => write!(f, "{}:{line}:{col}: ", self.path)?,
            None => write!(f, "{}: ", self.path)?,
        }
        write!(f, "{}: {}", self.severity.as_str(), self.message)
    }
}

/// Sorts diagnostics by file, line and column, and drops exact duplicates.
pub fn sort(diags: &mut Vec<Diagnostic>) {
    // Each place is found once and no text is copied: a rebuild in `serve` sorts every
    // stale-number warning again, and they come already in order, which the sort sees.
    let mut keyed: Vec<_> = diags.drain(..).map(|d| (d.line_col().unwrap_or((0, 0)), d)).collect();
    fn key((place, d): &((usize, usize), Diagnostic)) -> (&str, (usize, usize), Severity, &str) {
        (d.path.as_str(), *place, d.severity, d.message.as_str())
    }
    keyed.sort_by(|a, b| key(a).cmp(&key(b)));
    keyed.dedup_by(|a, b| key(a) == key(b) && a.1.label == b.1.label);
    diags.extend(keyed.into_iter().map(|(_, d)| d));
}

/// Adds `more` to diagnostics already sorted by [`sort`], keeping them sorted; when there is
/// nothing to add (the usual case in a `serve` rebuild, whose every stale-number warning is
/// sorted already), nothing is sorted again.
pub fn extend_sorted(sorted: &mut Vec<Diagnostic>, more: impl IntoIterator<Item = Diagnostic>) {
    let before = sorted.len();
    sorted.extend(more);
    if sorted.len() > before {
        sort(sorted);
    }
}

/// How the binary prints diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// For people: the offending line quoted with a caret.
    #[default]
    Human,
    /// GitHub Actions workflow commands (`::error file=…,line=…,col=…::…`).
    Github,
    /// One JSON object per line.
    Json,
}

/// Renders one diagnostic in the given format; `color` adds ANSI colours (human format).
///
/// Data quoted in a diagnostic never reaches a terminal raw: control characters in the
/// message, label and help are written as `\u{1b}`, and a source line that holds one is not
/// quoted (the place is given as path:line:col).
/// Renders one diagnostic; a private value is shown only with `show_private`.
pub fn render(diag: &Diagnostic, format: Format, color: bool, show_private: bool) -> String {
    let shown = printable(diag, show_private);
    match format {
        Format::Human => render_human(&shown, color),
        Format::Github => render_github(&shown),
        Format::Json => render_json(&shown),
    }
}

/// `text` with every control character but line feeds written as a Rust escape (`\u{1b}`).
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\n') {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| if c.is_control() && c != '\n' { c.escape_unicode().to_string() } else { c.to_string() })
        .collect::<String>()
        .into()
}

/// The diagnostic as it may be printed: control characters escaped, and a private value
/// either added to the message (`show_private`) or kept out of it, of the quoted line and of
/// the label (marked by `private: Some("")`, which the renderers take as "quote nothing").
fn printable(diag: &Diagnostic, show_private: bool) -> Diagnostic {
    let text = |t: &str| bounded(&escape_controls(t)).into_owned();
    let mut shown = Diagnostic {
        severity: diag.severity,
        path: text(&diag.path),
        file: diag.file.clone(),
        span: diag.span.clone(),
        message: text(&diag.message),
        label: diag.label.as_deref().map(text),
        help: diag.help.as_deref().map(text),
        private: None,
        about: None,
    };
    if let Some(value) = &diag.private {
        if show_private {
            shown.message = format!("{}: `{}`", shown.message, bounded(&escape_controls(value)));
        } else {
            shown.label = None;
            let note = "the value is private and not shown; --show-private shows it";
            shown.help = Some(match shown.help {
                Some(h) => format!("{h} ({note})"),
                None => note.to_owned(),
            });
            shown.private = Some(String::new());
        }
    }
    shown
}

/// A message, label or help longer than this many characters has its long runs of data cut.
const MAX_TEXT: usize = 500;
/// A run of characters without a space, backtick or ASCII punctuation (but `-_./`, which ids
/// and paths hold) longer than this is data, not prose…
const MAX_RUN: usize = 64;
/// …and is cut to its first this many characters and its length.
const KEPT_OF_RUN: usize = 24;

/// `text`, with every run of more than [`MAX_RUN`] characters of data cut
/// to its start and its length when the whole is longer than [`MAX_TEXT`]: a value quoted in a
/// diagnostic (a 100,000-character name) never floods the terminal, whichever check quotes it.
fn bounded(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().nth(MAX_TEXT).is_none() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        let count = run.chars().count();
        if count > MAX_RUN {
            out.extend(run.chars().take(KEPT_OF_RUN));
            out.push_str(&format!("… ({count} characters)"));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_whitespace() || (c.is_ascii_punctuation() && !matches!(c, '-' | '_' | '.' | '/')) {
            flush(&mut run, &mut out);
            out.push(c);
        } else {
            run.push(c);
        }
    }
    flush(&mut run, &mut out);
    out.into()
}

/// A source line longer than this is not quoted (a 100,000-character name would flood the
/// terminal), nor one with a control character; the place is given as path:line:col instead.
const MAX_QUOTED_LINE: usize = 400;

/// The byte range of the line of `text` around byte `at`.
fn line_range(text: &str, at: usize) -> Range<usize> {
    let at = clamp_to_char_boundary(text, at);
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    start..end
}

fn render_human(diag: &Diagnostic, color: bool) -> String {
    let (Some(file), Some(span)) = (&diag.file, &diag.span) else {
        return render_unplaced(diag);
    };
    // The lines codespan would quote: from the line of the span's start to that of its end.
    let first = line_range(&file.text, span.start);
    let quoted = &file.text[first.start..line_range(&file.text, span.end.max(span.start)).end];
    let controls = quoted.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n'));
    if first.len() > MAX_QUOTED_LINE || controls || diag.private.is_some() {
        let (line, col) = file.line_col(span.start);
        let placed = Diagnostic { path: format!("{}:{line}:{col}", diag.path), file: None, span: None, ..diag.clone() };
        return render_unplaced(&placed);
    }
    let span =
        clamp_to_char_boundary(&file.text, span.start)..clamp_to_char_boundary(&file.text, span.end.max(span.start));
    let level = match diag.severity {
        Severity::Error => Level::Error,
        Severity::Warning => Level::Warning,
        Severity::Note => Level::Note,
    };
    let mut report = Report::new(level)
        .with_message(&diag.message)
        .with_labels(vec![Label::primary((), span).with_message(diag.label.clone().unwrap_or_default())]);
    if let Some(help) = &diag.help {
        report = report.with_notes(vec![format!("help: {help}")]);
    }
    let files: &SourceFile = file;
    let config = term::Config::default();
    if color {
        let styles = term::Styles::default();
        let mut buffer = term::termcolor::Buffer::ansi();
        let mut writer = term::StylesWriter::new(&mut buffer, &styles);
        if term::emit_to_write_style(&mut writer, &config, files, &report).is_ok() {
            return String::from_utf8_lossy(buffer.as_slice()).into_owned();
        }
    }
    term::emit_into_string(&config, files, &report).unwrap_or_else(|_| render_unplaced(diag))
}

/// A diagnostic about a folder or an unreadable file: no line to quote.
fn render_unplaced(diag: &Diagnostic) -> String {
    let mut out = format!("{}: {}\n  ┌─ {}\n", diag.severity.as_str(), diag.message, diag.path);
    if let Some(help) = &diag.help {
        let _ = writeln!(out, "  = help: {help}");
    }
    out.push('\n');
    out
}

fn render_github(diag: &Diagnostic) -> String {
    let mut props = format!("file={}", escape_property(&diag.path));
    if let Some((line, col)) = diag.line_col() {
        let _ = write!(props, ",line={line},col={col}");
    }
    let mut message = diag.message.clone();
    if let Some(label) = diag.label.as_ref().filter(|l| !l.is_empty()) {
        message.push_str(": ");
        message.push_str(label);
    }
    if let Some(help) = &diag.help {
        message.push('\n');
        message.push_str(help);
    }
    // GitHub's workflow commands call a note `notice`.
    let command = if diag.severity == Severity::Note { "notice" } else { diag.severity.as_str() };
    format!("::{command} {props}::{}\n", escape_data(&message))
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn render_json(diag: &Diagnostic) -> String {
    let (line, column) = match diag.line_col() {
        Some((l, c)) => (Some(l), Some(c)),
        None => (None, None),
    };
    let source_line = match (&diag.file, line) {
        (Some(file), Some(line)) if diag.private.is_none() => {
            let index = line.saturating_sub(1 + file.first_line);
            let text = file.line_range((), index).map_or("", |range| &file.text[range]);
            let text = text.strip_suffix('\n').unwrap_or(text);
            let text = text.strip_suffix('\r').unwrap_or(text);
            (text.len() <= MAX_QUOTED_LINE).then(|| text.to_owned())
        }
        _ => None,
    };
    let value = serde_json::json!({
        "severity": diag.severity.as_str(),
        "file": diag.path,
        "line": line,
        "column": column,
        "message": diag.message,
        "label": diag.label,
        "help": diag.help,
        "source_line": source_line,
    });
    format!("{value}\n")
}

/// Suggests the closest of `candidates` to a misspelt `word`, if one is close enough.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(word, c), *c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let file = SourceFile::new("a.toml", "name = \"李明\"\npost = 1\n");
        let offset = file.text.find("post").unwrap();
        assert_eq!(file.line_col(offset), (2, 1));
        let offset = file.text.find('明').unwrap();
        assert_eq!(file.line_col(offset), (1, 10));
    }

    #[test]
    fn offset_of_is_the_inverse_of_line_col() {
        let file = SourceFile::new("a.html", "一\n<p>{{ 名字 | x }}</p>\r\nend");
        for (offset, _) in file.text.char_indices() {
            let (line, col) = file.line_col(offset);
            assert_eq!(file.offset_of(line, col), offset, "at {line}:{col}");
        }
        assert_eq!(file.offset_of(9, 1), file.text.len(), "a line past the end is the end");
        assert_eq!(file.offset_of(2, 99), file.text.len(), "so is a column past the text");
    }

    #[test]
    fn human_rendering_quotes_the_line_with_a_caret() {
        let file = SourceFile::new("content/a/2022-01-01.toml", "nmae = \"李明\"\n");
        let d = Diagnostic::at(&file, 0..4, "unknown field `nmae`").with_label("did you mean `name`?");
        let text = render(&d, Format::Human, false, false);
        assert!(text.contains("content/a/2022-01-01.toml:1:1"), "{text}");
        assert!(text.contains("1 │ nmae = \"李明\""), "{text}");
        assert!(text.contains("^^^^ did you mean `name`?"), "{text}");
    }

    #[test]
    fn github_format_escapes_properties_and_data() {
        let file = SourceFile::new("content/a,b.toml", "x = 1\n");
        let d = Diagnostic::at(&file, 0..1, "bad: 100%").with_help("line one\nline two");
        assert_eq!(
            render(&d, Format::Github, false, false),
            "::error file=content/a%2Cb.toml,line=1,col=1::bad: 100%25%0Aline one%0Aline two\n"
        );
    }

    #[test]
    fn json_format_is_one_object_per_line() {
        let file = SourceFile::new("roster.toml", "a = 1\nb = 2\n");
        let d = Diagnostic::at(&file, 6..7, "unknown field `b`").as_warning();
        let line = render(&d, Format::Json, false, false);
        let v: serde_json::Value = serde_json::from_str(line.trim_end()).unwrap();
        assert_eq!(v["severity"], "warning");
        assert_eq!(v["line"], 2);
        assert_eq!(v["column"], 1);
        assert_eq!(v["source_line"], "b = 2");
    }

    #[test]
    fn a_detached_diagnostic_prints_exactly_as_before_and_keeps_only_its_lines() {
        let text = "[[body]]\nname = \"区政府\"\n\n[[body.member]]\nname = \"李明\"\npost = \"区长\"\nmobile = \"139\"\n# end\n";
        let file = SourceFile::new("content/a/2024-01-01.toml", text);
        // The span's text, its length, and the lines the detached diagnostic keeps.
        let cases = [
            ("mobile = \"139\"", 5, "mobile = \"139\"\n"),
            ("[[body.member]]", 26, "[[body.member]]\nname = \"李明\"\n"),
            ("# end", 5, "# end\n"),
            ("", 0, ""),
        ];
        for (needle, len, kept) in cases {
            let at = if needle.is_empty() { text.len() } else { text.find(needle).unwrap() };
            let before = Diagnostic::at(&file, at..at + len, "bad").with_label("here").with_help("fix it");
            let mut after = before.clone();
            after.detach();
            assert_eq!(after.line_col(), before.line_col(), "{needle:?}");
            for format in [Format::Human, Format::Github, Format::Json] {
                assert_eq!(render(&after, format, false, false), render(&before, format, false, false), "{needle:?}");
            }
            assert_eq!(after.file.as_ref().unwrap().text, kept, "{needle:?}");
        }
    }

    #[test]
    fn diagnostics_sort_by_file_then_line() {
        let a = SourceFile::new("b.toml", "x\ny\n");
        let mut diags = vec![
            Diagnostic::at(&a, 2..3, "second"),
            Diagnostic::error("a/", "folder"),
            Diagnostic::at(&a, 0..1, "first"),
        ];
        sort(&mut diags);
        let order: Vec<_> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(order, ["folder", "first", "second"]);
    }

    #[test]
    fn did_you_mean_finds_close_names_only() {
        let fields = ["name", "post", "duties", "mobile"];
        assert_eq!(did_you_mean("nmae", &fields), Some("name"));
        assert_eq!(did_you_mean("dutys", &fields), Some("duties"));
        assert_eq!(did_you_mean("zzzz", &fields), None);
    }

    #[test]
    fn a_long_value_is_cut_in_every_part_and_format_and_prose_is_kept() {
        let name = "张".repeat(100_000);
        let d = Diagnostic::warning("content/a.toml", format!("id `zhang` is named `{name}` here and `李四` there"))
            .with_help(format!("the sheet lists {name}"));
        for format in [Format::Human, Format::Github, Format::Json] {
            let out = render(&d, format, false, false);
            assert!(out.len() < 2_000, "{format:?}: {} bytes", out.len());
            assert!(out.contains(&format!("{}… (100000 characters)", "张".repeat(KEPT_OF_RUN))), "{out}");
            assert!(out.contains("id `zhang` is named") && out.contains("and `李四` there"), "{out}");
        }
        let private = Diagnostic { private: Some(name.clone()), ..Diagnostic::warning("a", "bad") };
        assert!(render(&private, Format::Human, false, true).len() < 2_000);
        // Prose of any ordinary length, and a short message with a long word, are untouched.
        let prose = format!("{} {}", "w".repeat(100), "word ".repeat(70));
        assert_eq!(bounded(&prose), prose.as_str());
        let long = format!("{} {}", "w".repeat(100), "word ".repeat(100));
        assert_eq!(bounded(&long), format!("{}… (100 characters) {}", "w".repeat(KEPT_OF_RUN), "word ".repeat(100)));
    }
}
