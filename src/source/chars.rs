//! Which characters a text field may hold.
//!
//! A control character in a name reaches every output: raw bytes in HTML, CSV and vCards, an
//! Atom feed that is no longer XML, escape sequences that retitle or clear an editor's terminal
//! when `roster diff` prints them. Bidi controls reorder the text around a name, and a name
//! made only of invisible characters publishes a person nobody can see. So these are refused
//! where they are read, with the code point and where it stands in the value:
//! - C0 and C1 controls (and DEL) in every field; tab and line breaks only in Markdown fields;
//! - Unicode noncharacters (U+FFFE, U+FFFF, U+FDD0–U+FDEF and the last two of every plane)
//!   in every field: they are not text, and XML cannot hold U+FFFE or U+FFFF;
//! - bidi controls in names, posts, ids and body and district names (labels);
//! - a label that is empty once invisible characters are removed, or longer than
//!   [`MAX_LABEL_CHARS`].

use std::ops::Range;

use crate::diag::{Diagnostic, FileRef};

/// Names, posts and ids are short; a longer one is a mistake (or an attack).
pub const MAX_LABEL_CHARS: usize = 64;

/// What a text field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One line of plain text.
    Plain,
    /// Markdown: tab and line breaks allowed.
    Markdown,
}

/// The name of a control character people may recognise.
fn control_name(c: char) -> &'static str {
    match c {
        '\0' => "NUL",
        '\u{7}' => "BEL",
        '\u{8}' => "backspace",
        '\t' => "tab",
        '\n' => "line feed",
        '\u{b}' => "vertical tab",
        '\u{c}' => "form feed",
        '\r' => "carriage return",
        '\u{1b}' => "ESC",
        '\u{7f}' => "DEL",
        c if is_noncharacter(c) => "the noncharacter",
        _ => "control character",
    }
}

/// A code point Unicode keeps out of text for good.
fn is_noncharacter(c: char) -> bool {
    matches!(c, '\u{FDD0}'..='\u{FDEF}') || (c as u32 & 0xFFFE) == 0xFFFE
}

pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Characters that show nothing: white space, zero-width characters and bidi controls.
pub fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || is_bidi_control(c)
        || matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{180E}' | '\u{3164}' | '\u{115F}' | '\u{1160}' | '\u{FFA0}')
        // Soft hyphen, combining grapheme joiner, braille blank, variation selectors, tags.
        || matches!(c, '\u{AD}' | '\u{34F}' | '\u{2800}' | '\u{FE00}'..='\u{FE0F}' | '\u{E0000}'..='\u{E007F}')
}

/// The first character that a field of `kind` may not hold, with its 1-based position.
pub fn forbidden(value: &str, kind: Kind) -> Option<(usize, char)> {
    value.chars().enumerate().map(|(i, c)| (i + 1, c)).find(|(_, c)| {
        (c.is_control() && !(kind == Kind::Markdown && matches!(c, '\t' | '\n' | '\r'))) || is_noncharacter(*c)
    })
}

fn code(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

/// The error for a forbidden character of `key`'s value, at the value's `span`.
pub fn forbidden_error(file: &FileRef, span: Range<usize>, key: &str, at: usize, c: char, kind: Kind) -> Diagnostic {
    let help = match kind {
        Kind::Plain if matches!(c, '\t' | '\n' | '\r') => {
            "write this field on one line; tab and line breaks are allowed only in Markdown fields (duties, note, intro)"
        }
        _ if is_noncharacter(c) => {
            "remove it: a noncharacter is not text (an XML feed cannot even hold U+FFFE or U+FFFF)"
        }
        _ => "remove it: control characters are never published (they are invisible, or change a terminal)",
    };
    Diagnostic::at(file, span, format!("`{key}` contains {} ({}) at character {at}", control_name(c), code(c)))
        .with_label(format!("{} at character {at}", code(c)))
        .with_help(help)
}

/// Checks a label (a name, post, id, body or district name): no bidi control, something
/// visible, at most [`MAX_LABEL_CHARS`] characters.
pub fn check_label(file: &FileRef, span: Range<usize>, key: &str, value: &str, diags: &mut Vec<Diagnostic>) {
    if let Some((at, c)) = value.chars().enumerate().find(|(_, c)| is_bidi_control(*c)) {
        diags.push(
            Diagnostic::at(
                file,
                span,
                format!("`{key}` contains the bidi control {} at character {}", code(c), at + 1),
            )
            .with_label(format!("{} at character {}", code(c), at + 1))
            .with_help("remove it: it reorders the text around it where the name is shown"),
        );
    } else if value.chars().all(is_invisible) {
        let codes: Vec<String> = value.chars().take(8).map(code).collect();
        diags.push(
            Diagnostic::at(file, span, format!("`{key}` has only invisible characters ({})", codes.join(" ")))
                .with_label("nothing visible")
                .with_help(format!("write the {key}")),
        );
    } else {
        let n = value.chars().count();
        if n > MAX_LABEL_CHARS {
            diags.push(
                Diagnostic::at(
                    file,
                    span,
                    format!("`{key}` is {n} characters long; at most {MAX_LABEL_CHARS} are allowed"),
                )
                .with_label("too long")
                .with_help("a name or post is short; put longer text in `duties`"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::SourceFile;

    #[test]
    fn control_characters_by_kind() {
        type Case = (&'static str, Kind, Option<(usize, char)>);
        let table: [Case; 14] = [
            ("李明", Kind::Plain, None),
            ("控\u{1b}]0;pwned\u{7}红", Kind::Plain, Some((2, '\u{1b}'))),
            ("测试\u{b}职务", Kind::Plain, Some((3, '\u{b}'))),
            ("a\u{0}", Kind::Plain, Some((2, '\0'))),
            ("a\u{85}b", Kind::Plain, Some((2, '\u{85}'))),
            ("a\u{7f}", Kind::Markdown, Some((2, '\u{7f}'))),
            ("a\u{FFFE}", Kind::Plain, Some((2, '\u{FFFE}'))),
            ("\u{FFFF}", Kind::Markdown, Some((1, '\u{FFFF}'))),
            ("a\u{FDD0}", Kind::Plain, Some((2, '\u{FDD0}'))),
            ("a\u{10FFFF}", Kind::Plain, Some((2, '\u{10FFFF}'))),
            ("一\n二", Kind::Plain, Some((2, '\n'))),
            ("一\t二", Kind::Plain, Some((2, '\t'))),
            ("一\n二\t三\r\n", Kind::Markdown, None),
            ("一\u{1b}", Kind::Markdown, Some((2, '\u{1b}'))),
        ];
        for (value, kind, want) in table {
            assert_eq!(forbidden(value, kind), want, "{value:?} as {kind:?}");
        }
    }

    fn label(value: &str) -> Vec<String> {
        let file = SourceFile::new("a.toml", "name = \"x\"");
        let mut diags = Vec::new();
        check_label(&file, 7..10, "name", value, &mut diags);
        diags.into_iter().map(|d| d.message).collect()
    }

    #[test]
    fn labels() {
        assert!(label("李明").is_empty());
        assert!(label("欧阳娜娜").is_empty());
        assert_eq!(label("\u{200B}"), ["`name` has only invisible characters (U+200B)"]);
        for only in ["\u{AD}", "\u{34F}", "\u{2800}", "\u{FE0F}", "\u{E0041}\u{E0042}"] {
            assert_eq!(label(only).len(), 1, "{only:?}");
            assert!(label(only)[0].contains("only invisible characters"), "{only:?}: {:?}", label(only));
        }
        assert!(label("李\u{FE0F}明").is_empty(), "a visible name may hold a variation selector");
        assert_eq!(
            label("\u{200B}\u{3000} \u{FEFF}"),
            ["`name` has only invisible characters (U+200B U+3000 U+0020 U+FEFF)"]
        );
        assert_eq!(label("\u{202E}"), ["`name` contains the bidi control U+202E at character 1"]);
        assert_eq!(label("李\u{202E}明伟"), ["`name` contains the bidi control U+202E at character 2"]);
        assert_eq!(label("a\u{2066}b"), ["`name` contains the bidi control U+2066 at character 2"]);
        assert!(label(&"张".repeat(64)).is_empty());
        assert_eq!(label(&"张".repeat(65)), ["`name` is 65 characters long; at most 64 are allowed"]);
        assert_eq!(label(&"张".repeat(100_000)), ["`name` is 100000 characters long; at most 64 are allowed"]);
    }
}
