//! `[search]`: the editor's own synonyms, added to the built-in list of the words people
//! type for what 分工 spells out (城管 for 城市管理).

use crate::diag::Diagnostic;
use crate::source::reader::TableReader;

pub(crate) const KEYS: &[&str] = &["synonyms"];

/// The longest synonym: search terms are words, not sentences.
const MAX_CHARS: usize = 24;

/// `[search]` as read.
#[derive(Debug, Clone, Default)]
pub struct SearchConfig {
    /// Each word with what it stands for: `"城管" = ["城市管理", "综合执法"]`. A search for any
    /// of them finds the others.
    pub synonyms: Vec<(String, Vec<String>)>,
}

pub(crate) fn read(r: &mut TableReader<'_, '_>, search: &mut SearchConfig) {
    let file = r.file().clone();
    let Some(groups) = r.string_lists("synonyms") else { return };
    for (word, list) in groups {
        let mut ok = Vec::new();
        for t in std::iter::once(&word).chain(&list) {
            let bad = if t.value.is_empty() {
                Some("is empty")
            } else if t.value.chars().any(char::is_whitespace) {
                Some("has a space: search splits what is typed at spaces")
            } else if t.value.chars().count() > MAX_CHARS {
                Some("is longer than 24 characters")
            } else {
                None
            };
            match bad {
                Some(why) => r.diags.push(
                    Diagnostic::at(&file, t.span.clone(), format!("synonym `{}` {why}", t.value))
                        .with_help("write words as they are typed, e.g. \"城管\" = [\"城市管理\", \"综合执法\"]"),
                ),
                None => ok.push(t.value.clone()),
            }
        }
        if ok.len() == list.len() + 1 && !list.is_empty() {
            search.synonyms.push((word.value, list.into_iter().map(|t| t.value).collect()));
        } else if list.is_empty() {
            r.diags.push(
                Diagnostic::at(&file, word.span, format!("synonym `{}` stands for nothing", word.value))
                    .with_help("give the words it stands for, e.g. \"城管\" = [\"城市管理\"]"),
            );
        }
    }
}
