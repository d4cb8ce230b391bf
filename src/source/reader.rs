//! Typed reading of a parsed TOML table that keeps every span.
//!
//! serde stops at the first error in a file; a roster editor wants every mistake of a file in
//! one run. So files are parsed into toml's spanned tree ([`DeTable`]) and read field by field
//! with [`TableReader`], which records a diagnostic for each wrong type and each unknown key
//! (with a did-you-mean hint) and goes on.

use std::ops::Range;

use chrono::{Datelike, NaiveDate};
use toml::de::{DeTable, DeValue};

use super::chars;
use crate::diag::{Diagnostic, FileRef, did_you_mean};

/// A string from the input with the byte range it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub value: String,
    pub span: Range<usize>,
}

/// A spanned value of the parsed tree.
pub type Value<'i> = serde_spanned::Spanned<DeValue<'i>>;

/// Arrays and inline tables nested deeper than this are refused before parsing: no roster
/// needs them, and the parser recurses.
pub const MAX_NESTING: usize = 256;

/// The offset where `[`/`{` nesting (outside strings and comments) first exceeds
/// [`MAX_NESTING`], if it does.
pub fn too_deep(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            q @ (b'"' | b'\'') => {
                let triple = b.len() >= i + 3 && b[i + 1] == q && b[i + 2] == q;
                if triple {
                    i += 3;
                    while i < b.len() && !(b.len() >= i + 3 && b[i] == q && b[i + 1] == q && b[i + 2] == q) {
                        if q == b'"' && b[i] == b'\\' {
                            i += 1;
                        }
                        i += 1;
                    }
                    i += 2;
                } else {
                    i += 1;
                    while i < b.len() && b[i] != q && b[i] != b'\n' {
                        if q == b'"' && b[i] == b'\\' {
                            i += 1;
                        }
                        i += 1;
                    }
                }
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

pub fn nesting_error(file: &FileRef, at: usize) -> Diagnostic {
    Diagnostic::at(file, at..at + 1, format!("arrays or tables nested more than {MAX_NESTING} levels deep"))
        .with_help("a roster file needs at most a few levels: check for a runaway `[` or `{`")
}

/// Parses `file` as TOML, returning the root table and every syntax error.
pub fn parse<'i>(file: &'i FileRef, diags: &mut Vec<Diagnostic>) -> Option<DeTable<'i>> {
    if let Some(at) = too_deep(&file.text) {
        diags.push(nesting_error(file, at));
        return None;
    }
    let (table, errors) = DeTable::parse_recoverable(&file.text);
    if errors.is_empty() {
        return Some(table.into_inner());
    }
    for err in errors {
        let span = err.span().unwrap_or(0..0);
        diags.push(
            Diagnostic::at(file, span, format!("invalid TOML: {}", err.message().trim()))
                .with_help("see https://toml.io for the syntax; strings need double quotes"),
        );
    }
    None
}

/// Reads the keys of one table; call [`TableReader::finish`] to report unknown keys.
pub struct TableReader<'t, 'i> {
    file: &'t FileRef,
    table: &'t DeTable<'i>,
    /// What this table is, for messages: "member", "roster.toml", "[print]".
    what: &'static str,
    known: &'static [&'static str],
    pub diags: &'t mut Vec<Diagnostic>,
}

impl<'t, 'i> TableReader<'t, 'i> {
    pub fn new(
        file: &'t FileRef,
        table: &'t DeTable<'i>,
        what: &'static str,
        known: &'static [&'static str],
        diags: &'t mut Vec<Diagnostic>,
    ) -> Self {
        TableReader { file, table, what, known, diags }
    }

    pub fn file(&self) -> &'t FileRef {
        self.file
    }

    fn get(&self, key: &str) -> Option<&'t Value<'i>> {
        debug_assert!(self.known.contains(&key), "{key} is not a known key of {}", self.what);
        self.table.iter().find(|(k, _)| k.get_ref().as_ref() == key).map(|(_, v)| v)
    }

    /// Span of a key's value, when present.
    pub fn span_of(&self, key: &str) -> Option<Range<usize>> {
        self.get(key).map(|v| v.span())
    }

    fn type_error(&mut self, key: &str, value: &Value<'_>, expected: &str) {
        self.diags.push(
            Diagnostic::at(
                self.file,
                value.span(),
                format!("`{key}` must be {expected}, found {}", value.get_ref().type_str()),
            )
            .with_label(format!("expected {expected}")),
        );
    }

    /// An optional string of one line; an empty or blank string counts as absent.
    pub fn string(&mut self, key: &str) -> Option<Text> {
        self.text(key, chars::Kind::Plain)
    }

    /// An optional Markdown string (tab and line breaks allowed); blank counts as absent.
    pub fn markdown(&mut self, key: &str) -> Option<Text> {
        self.text(key, chars::Kind::Markdown)
    }

    fn text(&mut self, key: &str, kind: chars::Kind) -> Option<Text> {
        let value = self.get(key)?;
        match value.get_ref() {
            DeValue::String(s) => {
                let trimmed = s.trim();
                if let Some((at, c)) = chars::forbidden(trimmed, kind) {
                    self.diags.push(chars::forbidden_error(self.file, value.span(), key, at, c, kind));
                }
                (!trimmed.is_empty()).then(|| Text { value: trimmed.to_owned(), span: value.span() })
            }
            _ => {
                self.type_error(key, value, "a string in quotes");
                None
            }
        }
    }

    /// A string that must be present and not blank; `span` is where to point if it is not.
    pub fn required_string(&mut self, key: &str, span: &Range<usize>) -> Option<Text> {
        let present = self.get(key).is_some();
        let text = self.string(key);
        if text.is_none() && !self.diags_has_type_error_at(key) && !self.misspelt(key) {
            let msg = if present {
                format!("`{key}` of this {} is empty", self.what)
            } else {
                format!("this {} has no `{key}`", self.what)
            };
            let at = self.span_of(key).unwrap_or_else(|| span.clone());
            self.diags.push(
                Diagnostic::at(self.file, at, msg)
                    .with_label(format!("`{key}` missing"))
                    .with_help(format!("add `{key} = \"…\"`")),
            );
        }
        text
    }

    /// Whether an unknown key of the table looks like a misspelling of `key` (then the
    /// unknown-key diagnostic already says what is wrong).
    fn misspelt(&self, key: &str) -> bool {
        self.table.iter().any(|(k, _)| {
            let name = k.get_ref().as_ref();
            !self.known.contains(&name) && did_you_mean(name, self.known) == Some(key)
        })
    }

    fn diags_has_type_error_at(&self, key: &str) -> bool {
        let Some(span) = self.span_of(key) else {
            return false;
        };
        self.diags.iter().any(|d| d.span.as_ref() == Some(&span) && d.path == self.file.path)
    }

    pub fn integer(&mut self, key: &str) -> Option<(i64, Range<usize>)> {
        let value = self.get(key)?;
        let parsed = match value.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok(),
            _ => None,
        };
        if parsed.is_none() {
            self.type_error(key, value, "a whole number");
        }
        parsed.map(|n| (n, value.span()))
    }

    pub fn float(&mut self, key: &str) -> Option<(f64, Range<usize>)> {
        let value = self.get(key)?;
        let parsed = match value.get_ref() {
            DeValue::Float(f) => f.as_str().replace('_', "").parse().ok(),
            DeValue::Integer(i) => i.as_str().replace('_', "").parse().ok(),
            _ => None,
        };
        if parsed.is_none() {
            self.type_error(key, value, "a number");
        }
        parsed.map(|n| (n, value.span()))
    }

    pub fn boolean(&mut self, key: &str) -> Option<bool> {
        let value = self.get(key)?;
        match value.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                self.type_error(key, value, "true or false");
                None
            }
        }
    }

    /// A calendar date: a TOML date (`2022-02-07`) or a string holding one.
    pub fn date(&mut self, key: &str) -> Option<(NaiveDate, Range<usize>)> {
        let value = self.get(key)?;
        let text = match value.get_ref() {
            DeValue::Datetime(dt) if dt.date.is_some() && dt.time.is_none() => dt.to_string(),
            DeValue::String(s) => s.trim().to_owned(),
            _ => {
                self.type_error(key, value, "a date like 2022-02-07");
                return None;
            }
        };
        match parse_date(&text) {
            Some(date) if date.year() < EARLIEST_YEAR => {
                self.diags.push(
                    Diagnostic::at(self.file, value.span(), format!("`{key}` is before {EARLIEST_YEAR}: `{text}`"))
                        .with_label("not a date of a roster")
                        .with_help("write the date as YYYY-MM-DD, e.g. 2022-02-07"),
                );
                None
            }
            Some(date) => Some((date, value.span())),
            None => {
                self.diags.push(
                    Diagnostic::at(self.file, value.span(), format!("`{key}` is not a real date: `{text}`"))
                        .with_label("expected YYYY-MM-DD")
                        .with_help("write the date as YYYY-MM-DD, e.g. 2022-02-07"),
                );
                None
            }
        }
    }

    /// A list of strings, each with its span.
    pub fn string_list(&mut self, key: &str) -> Option<Vec<Text>> {
        let value = self.get(key)?;
        let DeValue::Array(items) = value.get_ref() else {
            self.type_error(key, value, "a list of strings like [\"a\", \"b\"]");
            return None;
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(s) => {
                    if let Some((at, c)) = chars::forbidden(s, chars::Kind::Plain) {
                        self.diags.push(chars::forbidden_error(self.file, item.span(), key, at, c, chars::Kind::Plain));
                    }
                    out.push(Text { value: s.trim().to_owned(), span: item.span() })
                }
                _ => self.type_error(key, item, "a string"),
            }
        }
        Some(out)
    }

    /// A sub-table whose keys are the editor's own (`[search.synonyms]`): each key with its
    /// list of strings (a single string counts as a list of one).
    pub fn string_lists(&mut self, key: &str) -> Option<Vec<(Text, Vec<Text>)>> {
        let (table, _) = self.table(key)?;
        let mut out = Vec::new();
        for (k, v) in table.iter() {
            let name = Text { value: k.get_ref().trim().to_owned(), span: k.span() };
            let items: Vec<&Value<'_>> = match v.get_ref() {
                DeValue::String(_) => vec![v],
                DeValue::Array(items) => items.iter().collect(),
                _ => {
                    let what = format!("{key}.{}", name.value);
                    self.type_error(&what, v, "a list of strings like [\"a\", \"b\"]");
                    continue;
                }
            };
            let mut list = Vec::new();
            for item in items {
                match item.get_ref() {
                    DeValue::String(s) => {
                        if let Some((at, c)) = chars::forbidden(s, chars::Kind::Plain) {
                            self.diags.push(chars::forbidden_error(
                                self.file,
                                item.span(),
                                key,
                                at,
                                c,
                                chars::Kind::Plain,
                            ));
                        }
                        list.push(Text { value: s.trim().to_owned(), span: item.span() });
                    }
                    _ => self.type_error(&format!("{key}.{}", name.value), item, "a string"),
                }
            }
            out.push((name, list));
        }
        Some(out)
    }

    /// An optional sub-table (`[print]`), with its span.
    pub fn table(&mut self, key: &str) -> Option<(&'t DeTable<'i>, Range<usize>)> {
        let value = self.get(key)?;
        match value.get_ref() {
            DeValue::Table(t) => Some((t, value.span())),
            _ => {
                self.type_error(key, value, "a table");
                None
            }
        }
    }

    /// An array of tables (`[[body]]`): each table with the span of its header.
    pub fn tables(&mut self, key: &str) -> Vec<(&'t DeTable<'i>, Range<usize>)> {
        let Some(value) = self.get(key) else {
            return Vec::new();
        };
        let DeValue::Array(items) = value.get_ref() else {
            self.type_error(key, value, &format!("a list of tables ([[{key}]])"));
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::Table(t) => out.push((t, item.span())),
                _ => self.type_error(key, item, &format!("a table ([[{key}]])")),
            }
        }
        out
    }

    /// Reports every key that is not one of the known keys.
    pub fn finish(self) {
        for (key, _) in self.table.iter() {
            let name = key.get_ref().as_ref();
            if self.known.contains(&name) {
                continue;
            }
            let mut d = Diagnostic::at(self.file, key.span(), format!("unknown field `{name}` in {}", self.what));
            d = match did_you_mean(name, self.known) {
                Some(hint) => d.with_label(format!("did you mean `{hint}`?")),
                None => d.with_label("unknown field"),
            };
            d = d.with_help(format!("known fields: {}", self.known.join(", ")));
            self.diags.push(d);
        }
    }
}

/// No roster date (an edition, a verification) is earlier: an earlier one is a typing mistake
/// such as `0000-01-01`.
pub const EARLIEST_YEAR: i32 = 1900;

/// Parses a strict `YYYY-MM-DD` calendar date.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::SourceFile;

    const KNOWN: &[&str] = &["name", "order", "when", "tags", "flag"];

    fn read(src: &str) -> (Vec<Diagnostic>, Option<Text>, Option<i64>) {
        let file = SourceFile::new("t.toml", src);
        let mut diags = Vec::new();
        let table = parse(&file, &mut diags).unwrap();
        let mut r = TableReader::new(&file, &table, "test", KNOWN, &mut diags);
        let name = r.string("name");
        let order = r.integer("order").map(|(n, _)| n);
        r.date("when");
        r.string_list("tags");
        r.boolean("flag");
        r.finish();
        (diags, name, order)
    }

    #[test]
    fn reads_fields_and_reports_all_mistakes_at_once() {
        let (diags, name, order) = read("name = \"x\"\norder = \"1\"\nwhen = \"2022-02-30\"\nnmae = 1\n");
        assert_eq!(name.unwrap().value, "x");
        assert_eq!(order, None);
        let msgs: Vec<_> = diags.iter().map(|d| (d.line_col().unwrap().0, d.message.clone())).collect();
        assert_eq!(msgs.len(), 3, "{msgs:?}");
        assert!(msgs.iter().any(|(l, m)| *l == 2 && m.contains("whole number")));
        assert!(msgs.iter().any(|(l, m)| *l == 3 && m.contains("not a real date")), "{msgs:?}");
        assert!(msgs.iter().any(|(l, m)| *l == 4 && m.contains("unknown field `nmae`")));
        let unknown = diags.iter().find(|d| d.message.contains("nmae")).unwrap();
        assert_eq!(unknown.label.as_deref(), Some("did you mean `name`?"));
    }

    #[test]
    fn syntax_errors_are_all_reported() {
        let file = SourceFile::new("t.toml", "a = \nb = 'x\n");
        let mut diags = Vec::new();
        assert!(parse(&file, &mut diags).is_none());
        assert!(diags.len() >= 2, "{diags:?}");
    }

    #[test]
    fn strict_dates() {
        assert!(parse_date("2022-02-08").is_some());
        assert!(parse_date("2022-2-8").is_none());
        assert!(parse_date("2022-02-30").is_none());
        assert!(parse_date("22-02-08xx").is_none());
    }
}
