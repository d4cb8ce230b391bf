//! Parsing `district.toml` and edition files into spanned records.

use chrono::NaiveDate;

use super::chars;
use super::reader::{self, TableReader, Text};
use super::{BodySource, DistrictMeta, EditionSource, MemberSource};
use crate::diag::{Diagnostic, FileRef};

const DISTRICT_KEYS: &[&str] = &["name", "kind", "order", "intro"];
const EDITION_KEYS: &[&str] = &["reason", "source", "note", "body"];
const BODY_KEYS: &[&str] = &["name", "member"];
pub const MEMBER_KEYS: &[&str] =
    &["id", "name", "post", "duties", "mobile", "office_phone", "office", "hours", "verified", "private"];

/// Parses `district.toml`.
pub fn district(file: &FileRef, diags: &mut Vec<Diagnostic>) -> Option<DistrictMeta> {
    let table = reader::parse(file, diags)?;
    let mut r = TableReader::new(file, &table, "district.toml", DISTRICT_KEYS, diags);
    let name = r.required_string("name", &(0..0));
    label(file, "name", name.as_ref(), r.diags);
    let meta = DistrictMeta {
        file: file.clone(),
        name,
        kind: r.string("kind"),
        order: r.integer("order"),
        intro: r.markdown("intro"),
    };
    r.finish();
    Some(meta)
}

/// Parses an edition file whose name gave `date`.
pub fn edition(file: &FileRef, date: NaiveDate, diags: &mut Vec<Diagnostic>) -> Option<EditionSource> {
    let table = reader::parse(file, diags)?;
    let mut r = TableReader::new(file, &table, "edition", EDITION_KEYS, diags);
    let reason = r.string("reason");
    let source = r.string("source");
    let note = r.markdown("note");
    let body_tables = r.tables("body");
    if body_tables.is_empty() && r.span_of("body").is_none() {
        r.diags.push(
            Diagnostic::at(file, 0..0, "edition has no [[body]]")
                .with_help("list the roster as [[body]] name = \"…\" followed by [[body.member]] entries"),
        );
    }
    let mut bodies = Vec::with_capacity(body_tables.len());
    for (t, span) in body_tables {
        let mut b = TableReader::new(file, t, "body", BODY_KEYS, r.diags);
        let name = b.required_string("name", &span);
        label(file, "name", name.as_ref(), b.diags);
        let member_tables = b.tables("member");
        let mut members = Vec::with_capacity(member_tables.len());
        for (mt, mspan) in member_tables {
            let mut m = TableReader::new(file, mt, "member", MEMBER_KEYS, b.diags);
            members.push(member(&mut m, mspan));
            m.finish();
        }
        b.finish();
        bodies.push(BodySource { span, name, members });
    }
    r.finish();
    Some(EditionSource { file: file.clone(), date, reason, source, note, bodies })
}

/// Checks a name, post or id where it was read (see [`chars::check_label`]).
fn label(file: &FileRef, key: &str, text: Option<&Text>, diags: &mut Vec<Diagnostic>) {
    if let Some(t) = text {
        chars::check_label(file, t.span.clone(), key, &t.value, diags);
    }
}

fn member(m: &mut TableReader<'_, '_>, span: std::ops::Range<usize>) -> MemberSource {
    let first_diag = m.diags.len();
    let (id, name, post) = (m.string("id"), m.required_string("name", &span), m.required_string("post", &span));
    let file = m.file();
    for (key, text) in [("id", &id), ("name", &name), ("post", &post)] {
        label(file, key, text.as_ref(), m.diags);
    }
    let source = MemberSource {
        id,
        name,
        post,
        duties: m.markdown("duties"),
        mobile: m.string("mobile"),
        office_phone: m.string("office_phone"),
        office: m.string("office"),
        hours: m.string("hours"),
        verified: m.date("verified"),
        private: m.string_list("private").unwrap_or_default(),
        span,
    };
    mark_field_values(m, &source.private, first_diag);
    source
}

/// Tells each diagnostic about one of this member's contact fields which field and value it is
/// about ([`Diagnostic::about`]), and marks it private when the member's `private` list names
/// the field (see [`Diagnostic::private`]): a control character in a private office, or a
/// number where text belongs, is reported without quoting the value.
fn mark_field_values(m: &mut TableReader<'_, '_>, private: &[Text], first_diag: usize) {
    let text = &m.file().text;
    for field in crate::field::Field::ALL.into_iter().filter(|f| !f.is_identity()) {
        let Some(at) = m.span_of(field.as_str()) else { continue };
        let value = text.get(at.clone()).unwrap_or_default().to_owned();
        let listed = private.iter().any(|t| t.value == field.as_str());
        for d in m.diags[first_diag..].iter_mut() {
            if d.span.as_ref().is_some_and(|s| s.start >= at.start && s.end <= at.end) {
                d.about.get_or_insert_with(|| (field, value.clone()));
                if listed && d.private.is_none() {
                    d.private = Some(value.clone());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::SourceFile;

    fn date() -> NaiveDate {
        NaiveDate::from_ymd_opt(2022, 2, 8).unwrap()
    }

    #[test]
    fn parses_an_edition_with_crlf() {
        let src = "reason = \"换届\"\r\n[[body]]\r\nname = \"区委\"\r\n[[body.member]]\r\nname = \"李明\"\r\npost = \"书记\"\r\nverified = 2022-02-07\r\nprivate = [\"mobile\"]\r\n";
        let file = SourceFile::new("content/a/2022-02-08.toml", src);
        let mut diags = Vec::new();
        let e = edition(&file, date(), &mut diags).unwrap();
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(e.reason.unwrap().value, "换届");
        let m = &e.bodies[0].members[0];
        assert_eq!(m.name.as_ref().unwrap().value, "李明");
        assert_eq!(m.verified.as_ref().unwrap().0, NaiveDate::from_ymd_opt(2022, 2, 7).unwrap());
        assert_eq!(m.private[0].value, "mobile");
    }

    #[test]
    fn member_without_post_points_at_its_header() {
        let src = "[[body]]\nname = \"区委\"\n\n[[body.member]]\nname = \"李明\"\n";
        let file = SourceFile::new("e.toml", src);
        let mut diags = Vec::new();
        edition(&file, date(), &mut diags);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].line_col(), Some((4, 1)));
        assert!(diags[0].message.contains("no `post`"));
    }

    #[test]
    fn unknown_member_key_has_a_hint() {
        let src = "[[body]]\nname = \"区委\"\n[[body.member]]\nname = \"李明\"\npost = \"x\"\nmobil = \"1\"\n";
        let file = SourceFile::new("e.toml", src);
        let mut diags = Vec::new();
        edition(&file, date(), &mut diags);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].label.as_deref(), Some("did you mean `mobile`?"));
        assert_eq!(diags[0].line_col(), Some((6, 1)));
    }
}
