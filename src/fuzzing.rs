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
        checks: Vec::new(),
        reports: Vec::new(),
    };
    let reuse = Reuse { last: None, theme: Some(theme(&config)) };
    let input = Input::Parsed(Box::new(pipeline::Parsed { config, site, diagnostics: diags }));
    let root = std::path::Path::new(".");
    let opts = crate::BuildOptions::default();
    let site = match pipeline::prepare(root, input, &opts, reuse) {
        Ok(site) => site,
        Err(diags) => return diags,
    };
    let parts = Parts { pdf: false, ..Parts::ALL };
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

/// The phone parser on any text, with its promises checked (a broken one panics, which the
/// fuzzer reports): no panic; a number it accepts has an E.164 form of `+` and digits (and an
/// extension of digits), a national form without letters but the extension marker, and the
/// text it came from has no letter but the marker; and the fast path, when it takes the text,
/// gives exactly the `phonenumber` crate's result.
pub fn phone(text: &str) {
    use crate::model::Phone;
    let region = phonenumber::country::Id::CN;
    let Ok(p) = Phone::parse(text, region) else { return };
    let (number, ext) = p.e164.split_once(";ext=").unwrap_or((&p.e164, ""));
    assert!(number.starts_with('+') && number[1..].bytes().all(|b| b.is_ascii_digit()), "{text:?} gave {p:?}");
    assert!(ext.bytes().all(|b| b.is_ascii_digit()), "{text:?} gave {p:?}");
    let without_marker = |s: &str| s.to_lowercase().replacen("ext", "", 1);
    assert!(!without_marker(&p.national).chars().any(|c| c.is_alphabetic() && c != '转'), "{text:?} gave {p:?}");
    assert!(
        !without_marker(text).chars().any(|c| c.is_alphabetic() && c != '转'),
        "{text:?} has letters and was accepted as {p:?}"
    );
    crate::model::phone::check_fast_path(text, region);
}

/// The text validator on any text, with its promises checked: a plain field it lets through
/// has no control character; a Markdown field none but tab and line breaks; a label it lets
/// through has no bidi control, something visible and at most 64 characters; and HTML
/// escaping leaves no markup character or control character.
pub fn text(value: &str) {
    use crate::source::chars::{self, Kind};
    if chars::forbidden(value, Kind::Plain).is_none() {
        assert!(!value.chars().any(char::is_control), "{value:?}");
    }
    if chars::forbidden(value, Kind::Markdown).is_none() {
        assert!(!value.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')), "{value:?}");
    }
    let file = std::sync::Arc::new(SourceFile::new("f.toml", value));
    let mut diags = Vec::new();
    chars::check_label(&file, 0..value.len(), "name", value, &mut diags);
    if diags.is_empty() {
        assert!(!value.chars().any(chars::is_bidi_control), "{value:?}");
        assert!(!value.chars().all(chars::is_invisible), "{value:?}");
        assert!(value.chars().count() <= chars::MAX_LABEL_CHARS, "{value:?}");
    }
    let html = crate::render::theme::escape_html(value);
    assert!(!html.contains(['<', '>', '"']), "{value:?} → {html:?}");
    assert!(!html.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')), "{value:?} → {html:?}");
}

/// Renders Markdown every way the site does.
pub fn markdown(text: &str) -> usize {
    use crate::render::markdown::{block, inline, plain};
    block(text).as_str().len() + inline(text).as_str().len() + plain(text).len()
}

#[cfg(test)]
mod properties {
    use super::{markdown, site_from_texts};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Any text as any input file: diagnostics, never a panic.
        #[test]
        fn no_panic_on_any_text(config in ".{0,200}", district in ".{0,120}", edition in ".{0,400}") {
            let _ = site_from_texts(&config, &district, &[&edition]);
        }

        /// TOML-shaped noise reaches deeper into validation.
        #[test]
        fn no_panic_on_toml_like_text(
            keys in proptest::collection::vec("(name|post|id|mobile|office_phone|private|verified|duties|\\[\\[body\\]\\]|\\[\\[body.member\\]\\]|nmae)", 1..30),
            values in proptest::collection::vec("(\"[^\"\\\\]{0,12}\"|[0-9]{1,4}|\\[\"mobile\"\\]|2022-02-3[0-9]|true)", 1..30),
        ) {
            let text: String = keys.iter().zip(values.iter().cycle()).map(|(k, v)| {
                if k.starts_with('[') { format!("{k}\n") } else { format!("{k} = {v}\n") }
            }).collect();
            let _ = site_from_texts("title = \"t\"\n", "name = \"d\"\n", &[&text, &text]);
        }

        /// The phone parser's promises (see [`phone`]) on number-like text.
        #[test]
        fn phone_promises_hold(text in "[0-9 +()\\-.转extEXTaOol]{0,24}") {
            super::phone(&text);
        }

        /// The same on valid numbers with extensions, which the noise above rarely makes.
        #[test]
        fn phone_promises_hold_for_extensions(
            text in "(139 [0-9]{4} [0-9]{4}|028-38[0-9]{2} [0-9]{4}|\\+86 10 [2-8][0-9]{7})( 转 [0-9]{1,6}| ext\\. [0-9]{1,6}| EXT [0-9]{1,3})?",
        ) {
            super::phone(&text);
        }

        /// The text validator's promises (see [`text`]) on text with controls, bidi and invisible characters.
        #[test]
        fn text_promises_hold(text in "[\\x00-\\x1f\\x7f\\u{85}\\u{202a}-\\u{202e}\\u{2066}-\\u{2069}\\u{200b}\\u{3000} a李<>\"&]{0,70}") {
            super::text(&text);
        }

        /// Markdown of any shape renders.
        #[test]
        fn markdown_never_panics(text in "[#>*_\\[\\]()!<>`~|\\-+ a-z0-9\n]{0,300}") {
            let _ = markdown(&text);
        }
    }
}
