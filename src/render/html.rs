//! [`Html`]: text that is already HTML and goes into a page as it is (a template writes it
//! with `| safe`). It is made in two ways only: by the Markdown renderer, which lets no markup
//! of the data's own through, and by escaping plain text. A `String` that merely claims to be
//! HTML cannot take its place.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Html(String);

impl Html {
    /// HTML made by roster's own renderers (see [`super::markdown`]).
    pub(in crate::render) fn rendered(html: String) -> Html {
        Html(html)
    }

    /// Plain text, escaped.
    pub fn escape(text: &str) -> Html {
        Html(super::theme::escape_html(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether it shows nothing (only white space).
    pub fn is_blank(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl std::ops::Deref for Html {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Html {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<&str> for Html {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}
