//! Markdown pages with `+++` TOML front matter (`content/_index.md`, `content/pages/*.md`).
//!
//! The front matter is parsed in place (everything around it blanked out byte for byte), so
//! diagnostics inside it carry the line and column of the real file.

use super::PageSource;
use super::reader::TableReader;
use crate::diag::{Diagnostic, FileRef};

const PAGE_KEYS: &[&str] = &["title", "order", "description"];

/// Splits `text` into (front matter byte range, body start); `None` without front matter.
pub fn split(text: &str) -> Result<Option<(std::ops::Range<usize>, usize)>, usize> {
    let first_end = match text.find('\n') {
        Some(i) => i + 1,
        None => text.len(),
    };
    if text[..first_end].trim_end() != "+++" {
        return Ok(None);
    }
    let mut pos = first_end;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        if text[pos..end].trim_end() == "+++" {
            return Ok(Some((first_end..pos, end)));
        }
        pos = end;
    }
    Err(0)
}

/// Parses a page; `slug` is empty for `_index.md`.
pub fn page(file: &FileRef, slug: String, diags: &mut Vec<Diagnostic>) -> Option<PageSource> {
    let (fm, body_start) = match split(&file.text) {
        Ok(Some((fm, body))) => (Some(fm), body),
        Ok(None) => (None, 0),
        Err(at) => {
            diags.push(
                Diagnostic::at(file, at..at + 3, "front matter is not closed")
                    .with_label("opened here")
                    .with_help("end the front matter with a line `+++`"),
            );
            return None;
        }
    };
    let body = file.text[body_start..].to_owned();
    if let Some((at, c)) = body.char_indices().find(|(_, c)| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
        let start = body_start + at;
        diags.push(
            Diagnostic::at(
                file,
                start..start + c.len_utf8(),
                format!("the page contains the control character U+{:04X}", c as u32),
            )
            .with_label("here")
            .with_help("remove it: control characters are never published"),
        );
    }
    let mut page = PageSource { file: file.clone(), slug, title: None, order: None, description: None, body };
    let Some(fm) = fm else {
        if !page.slug.is_empty() {
            diags.push(
                Diagnostic::at(file, 0..0, "page has no front matter with a title")
                    .with_help("start the page with\n+++\ntitle = \"…\"\n+++"),
            );
        }
        return Some(page);
    };
    let masked = mask_outside(&file.text, fm);
    if let Some(at) = super::reader::too_deep(&masked) {
        diags.push(super::reader::nesting_error(file, at));
        return None;
    }
    let (table, errors) = toml::de::DeTable::parse_recoverable(&masked);
    if !errors.is_empty() {
        for err in errors {
            diags.push(Diagnostic::at(
                file,
                err.span().unwrap_or(0..0),
                format!("invalid TOML in front matter: {}", err.message().trim()),
            ));
        }
        return None;
    }
    let table = table.into_inner();
    let mut r = TableReader::new(file, &table, "front matter", PAGE_KEYS, diags);
    page.title = if page.slug.is_empty() { r.string("title") } else { r.required_string("title", &(0..3)) };
    page.order = r.integer("order").map(|(n, _)| n);
    page.description = r.string("description");
    r.finish();
    Some(page)
}

/// `text` with every byte outside `keep` replaced by a space (newlines kept), so that
/// offsets into the result are offsets into `text`.
fn mask_outside(text: &str, keep: std::ops::Range<usize>) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if keep.contains(&i) {
            out.push(c);
        } else if c == '\n' {
            out.push('\n');
        } else {
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::SourceFile;

    #[test]
    fn front_matter_with_crlf() {
        let f = SourceFile::new("content/pages/about.md", "+++\r\ntitle = \"关于\"\r\n+++\r\n# Hi\r\n");
        let mut diags = Vec::new();
        let p = page(&f, "about".into(), &mut diags).unwrap();
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(p.title.unwrap().value, "关于");
        assert_eq!(p.body, "# Hi\r\n");
    }

    #[test]
    fn errors_in_front_matter_have_file_lines() {
        let f = SourceFile::new("content/pages/a.md", "+++\ntitle = \"x\"\ntitel = 1\n+++\nbody\n");
        let mut diags = Vec::new();
        page(&f, "a".into(), &mut diags);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].line_col(), Some((3, 1)));
    }

    #[test]
    fn unclosed_front_matter() {
        let f = SourceFile::new("content/_index.md", "+++\ntitle = \"x\"\n");
        let mut diags = Vec::new();
        assert!(page(&f, String::new(), &mut diags).is_none());
        assert!(diags[0].message.contains("not closed"));
    }
}
