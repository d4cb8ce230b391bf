//! Characters that no print font can set (生僻字).
//!
//! A name with a rare character that no font has would print as an empty box, and a
//! newspaper would print a wrong name. So every character of the print data is checked against
//! the fonts of the build, and each one missing is a warning at the place in the site folder
//! where it was written (file, line and column), with its code point.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use super::PrintData;
use crate::diag::{Diagnostic, FileRef, SourceFile};
use crate::model::Roster;

/// Every character of `data` that must be set in a font (whitespace and controls need none).
pub fn needed(data: &PrintData) -> BTreeSet<char> {
    let mut texts: Vec<&str> = vec![&data.masthead, &data.subtitle, &data.changes_since];
    texts.extend(data.labels.values().map(String::as_str));
    for c in &data.changes {
        texts.push(&c.district);
        texts.extend(c.parts.iter().flat_map(|p| [p.kind.as_str(), p.items.as_str()]));
    }
    for d in &data.districts {
        texts.push(&d.title);
        texts.extend(d.date.as_deref());
        for b in &d.bodies {
            texts.push(&b.name);
            for m in &b.members {
                texts.extend([m.name.as_str(), m.post.as_str()]);
                let optional = [&m.duties, &m.office_phone, &m.mobile, &m.office, &m.hours];
                texts.extend(optional.into_iter().filter_map(|t| t.as_deref()));
            }
        }
    }
    texts.iter().flat_map(|t| t.chars()).filter(|c| !c.is_whitespace() && !c.is_control()).collect()
}

/// One warning for each place in the site folder where a character of `missing` is written in
/// a field that `roster` (the print-redacted roster) prints, and one without a place for each
/// missing character found in no such field (the masthead, a label).
pub fn warnings(root: &Path, roster: &Roster, missing: &BTreeSet<char>) -> Vec<Diagnostic> {
    if missing.is_empty() {
        return Vec::new();
    }
    let mut finder = Finder { root, files: HashMap::new(), out: Vec::new(), located: BTreeSet::new() };
    let masthead = roster.config.print.title.as_deref().unwrap_or(&roster.config.title);
    finder.field("roster.toml", "title", masthead, missing);
    for d in &roster.districts {
        finder.field(&format!("content/{}/district.toml", d.path), "name", &d.name, missing);
        let Some(e) = d.current() else { continue };
        for b in &e.bodies {
            finder.field(&e.file, "body name", &b.name, missing);
            for m in &b.members {
                let fields = [
                    ("name", Some(&m.name)),
                    ("post", Some(&m.post)),
                    ("duties", m.duties.as_ref()),
                    ("office", m.office.as_ref()),
                    ("hours", m.hours.as_ref()),
                ];
                for (field, value) in fields {
                    if let Some(value) = value {
                        finder.field(&e.file, field, value, missing);
                    }
                }
            }
        }
    }
    let mut out = finder.out;
    for c in missing.iter().filter(|c| !finder.located.contains(c)) {
        out.push(
            Diagnostic::warning(
                "roster.toml",
                format!("no print font has the character {c} ({}): print/roster.pdf would show an empty box", code(*c)),
            )
            .with_help(HELP),
        );
    }
    out
}

const HELP: &str = "add a font that has it to [print] fonts in roster.toml: a font file in the site folder \
     (fonts = [\"fonts/MyFont.ttf\"]; Jigmo and Plangothic are free fonts with the rare CJK extensions) or the name \
     of an installed font";

/// `value`, or the part of a long one around byte `offset`.
fn excerpt(value: &str, offset: usize) -> String {
    const AROUND: usize = 12;
    if value.chars().count() <= 2 * AROUND {
        return value.to_owned();
    }
    let before: Vec<char> = value[..offset].chars().rev().take(AROUND).collect();
    let after: String = value[offset..].chars().take(AROUND).collect();
    let head = if before.len() == AROUND && offset > before.iter().map(|c| c.len_utf8()).sum() { "…" } else { "" };
    let tail = if value[offset..].chars().count() > AROUND { "…" } else { "" };
    format!("{head}{}{after}{tail}", before.iter().rev().collect::<String>())
}

fn code(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

struct Finder<'a> {
    root: &'a Path,
    /// Files read so far (None: unreadable).
    files: HashMap<String, Option<FileRef>>,
    out: Vec<Diagnostic>,
    /// Characters reported at a place.
    located: BTreeSet<char>,
}

impl Finder<'_> {
    /// Warns for each missing character of `value`, the text of `field` written in `file`.
    fn field(&mut self, file: &str, field: &str, value: &str, missing: &BTreeSet<char>) {
        let chars: Vec<(usize, char)> = value.char_indices().filter(|(_, c)| missing.contains(c)).collect();
        if chars.is_empty() {
            return;
        }
        let root = self.root;
        let source = self
            .files
            .entry(file.to_owned())
            .or_insert_with(|| {
                let text = std::fs::read_to_string(root.join(file)).ok()?;
                Some(SourceFile::new(file, text.strip_prefix('\u{feff}').unwrap_or(&text)))
            })
            .clone();
        for (offset, c) in chars {
            self.located.insert(c);
            let message = format!(
                "no print font has the character {c} ({}) in {field} \"{}\": print/roster.pdf would show an empty box",
                code(c),
                excerpt(value, offset)
            );
            // The value as written, else the character itself, else its TOML escape.
            let place = source.as_ref().and_then(|s| {
                if let Some(at) = s.text.find(value) {
                    return Some((s, at + offset, c.len_utf8()));
                }
                if let Some(at) = s.text.find(c) {
                    return Some((s, at, c.len_utf8()));
                }
                let n = c as u32;
                [format!("\\U{n:08X}"), format!("\\U{n:08x}"), format!("\\u{n:04X}"), format!("\\u{n:04x}")]
                    .into_iter()
                    .find_map(|escape| s.text.find(&escape).map(|at| (s, at, escape.len())))
            });
            let d = match place {
                Some((s, at, len)) => Diagnostic::at(s, at..at + len, message).with_label(code(c)),
                None => Diagnostic::error(file, message),
            };
            self.out.push(d.as_warning().with_help(HELP));
        }
    }
}
