//! vCard 4.0 (RFC 6350) downloads: `/<district>/contacts.vcf` with every current member of the
//! district, and on each person page a card with every current post of the person, as a
//! `data:` URI in the link itself (no file per person). They are downloads from the web
//! pages, so they carry what the `web` policy allows.

use std::fmt::Write as _;

use super::{links, markdown};
use crate::model::{Member, Roster};

/// Escapes a text value (RFC 6350 §3.4): backslash, comma, semicolon and newline; other
/// control characters (refused by validation) are dropped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            // The last guard: no control character reaches the file.
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets (RFC 6350 §3.2), never inside a UTF-8 character, and
/// ends it with CRLF.
pub fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

/// One post of a person for a card: the district's name, the body, and the member entry.
pub struct Post<'a> {
    pub district: &'a str,
    pub body: &'a str,
    pub member: &'a Member,
}

/// A vCard for `name` with `posts` (all current); `url` is the person page's absolute URL.
pub fn card(name: &str, url: &str, posts: &[Post<'_>], hours_label: &str) -> String {
    let mut out = String::new();
    let mut line = |s: String| fold(&s, &mut out);
    line("BEGIN:VCARD".into());
    line("VERSION:4.0".into());
    line(format!("FN:{}", escape(name)));
    line(format!("N:{};;;;", escape(name)));
    let mut phones: Vec<(&str, &str)> = Vec::new();
    let mut notes = Vec::new();
    for p in posts {
        line(format!("TITLE:{}", escape(&p.member.post)));
        line(format!("ORG:{};{}", escape(p.district), escape(p.body)));
        if let Some(tel) = &p.member.office_phone
            && !phones.iter().any(|(n, _)| **n == *tel.e164)
        {
            phones.push((&tel.e164, "\"work,voice\""));
        }
        if let Some(tel) = &p.member.mobile
            && !phones.iter().any(|(n, _)| **n == *tel.e164)
        {
            phones.push((&tel.e164, "cell"));
        }
        if let Some(office) = &p.member.office {
            line(format!("ADR;TYPE=work:;;{};;;;", escape(office)));
        }
        let mut note = p.member.post.to_string();
        if let Some(d) = &p.member.duties {
            let _ = write!(note, ": {}", markdown::plain(d));
        }
        if let Some(h) = &p.member.hours {
            let _ = write!(note, " ({hours_label}: {h})");
        }
        notes.push(note);
    }
    for (number, kind) in phones {
        line(format!("TEL;VALUE=uri;TYPE={kind}:tel:{number}"));
    }
    if !notes.is_empty() {
        line(format!("NOTE:{}", escape(&notes.join("\n"))));
    }
    line(format!("URL:{url}"));
    line(format!("UID:{url}"));
    line("END:VCARD".into());
    out
}

/// `<district>/contacts.vcf`: a card per member of the district's current edition.
pub fn district(r: &Roster, d: usize, hours_label: &str) -> Option<String> {
    let district = &r.districts[d];
    let edition = district.current()?;
    let mut out = String::new();
    for (b, m) in edition.members() {
        let url = links::absolute(&r.config.base_url, &links::person(&m.id));
        out.push_str(&card(&m.name, &url, &[Post { district: &district.name, body: &b.name, member: m }], hours_label));
    }
    Some(out)
}

/// `people/<id>/contact.vcf`: one card with every current post, if the person has any.
pub fn person(r: &Roster, id: &str, hours_label: &str) -> Option<String> {
    let p = r.people.get(id)?;
    let posts: Vec<Post<'_>> = p
        .appearances
        .iter()
        .filter(|a| a.edition + 1 == r.districts[a.district].editions.len())
        .map(|a| Post { district: &r.districts[a.district].name, body: &r.body(*a).name, member: r.member(*a) })
        .collect();
    if posts.is_empty() {
        return None;
    }
    let url = links::absolute(&r.config.base_url, &links::person(id));
    Some(card(&p.name, &url, &posts, hours_label))
}

/// A vCard as a `data:` URI (RFC 2397) for a link with `download`: every byte but the
/// unreserved ones percent-encoded, so that the URI is plain ASCII and safe in an attribute.
pub fn data_uri(card: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    format!("data:text/vcard;charset=utf-8,{}", percent_encoding::utf8_percent_encode(card, KEEP))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_folding() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        // The last guard: no control character validation missed reaches a card.
        assert_eq!(escape("控\u{1b}]0;pwned\u{7}\u{1b}[2J红"), "控]0\\;pwned[2J红");
        assert_eq!(escape("a\u{0}b\u{b}c\u{7f}d\u{85}e\u{9f}f\rg\th"), "abcdefgh");
        let mut out = String::new();
        let long = format!("NOTE:{}", "负责教育工作".repeat(10));
        fold(&long, &mut out);
        for line in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        let unfolded: String = out.trim_end().replace("\r\n ", "");
        assert_eq!(unfolded, long);
    }
}
