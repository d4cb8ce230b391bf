//! Markdown from the data (duties, notes, intros, pages) rendered to HTML that cannot carry
//! markup of its own: raw HTML is shown as text, only safe link targets survive, and images
//! become links so that no page loads anything from another host.

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd, html};

use super::html::Html;

/// Markdown nested deeper than this (block quotes, lists) is flattened: pulldown-cmark copes,
/// but browsers and our readers gain nothing from thousands of levels.
const MAX_DEPTH: usize = 64;

/// Renders block Markdown (pages, intros, notes).
pub fn block(text: &str) -> Html {
    Html::rendered(render(text))
}

/// Renders inline Markdown (a duties cell): one paragraph loses its `<p>` wrapper.
pub fn inline(text: &str) -> Html {
    let html = render(text);
    let trimmed = html.trim_end();
    if let Some(inner) = trimmed.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>"))
        && !inner.contains("<p>")
    {
        return Html::rendered(inner.to_owned());
    }
    Html::rendered(html)
}

/// Plain text of Markdown: for CSV, vCard, search and feeds.
pub fn plain(text: &str) -> String {
    let mut out = String::new();
    for event in Parser::new_ext(text, Options::empty()) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::InlineHtml(t) | Event::Html(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

fn render(text: &str) -> String {
    let mut depth = 0usize;
    let mut skipped: Vec<bool> = Vec::new();
    let events = Parser::new_ext(text, options()).filter_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(tag) => {
            depth += 1;
            let keep = depth <= MAX_DEPTH || matches!(tag, Tag::Paragraph);
            skipped.push(!keep);
            keep.then(|| Event::Start(safe_tag(tag)))
        }
        Event::End(end) => {
            depth = depth.saturating_sub(1);
            let was_skipped = skipped.pop().unwrap_or(false);
            (!was_skipped).then(|| Event::End(safe_end(end)))
        }
        other => Some(other),
    });
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    html::push_html(&mut out, events);
    out
}

fn safe_tag(tag: Tag<'_>) -> Tag<'_> {
    match tag {
        Tag::Link { link_type, dest_url, title, id } => {
            Tag::Link { link_type, dest_url: safe_url(dest_url), title, id }
        }
        // An image would be fetched from wherever it points: make it a link instead.
        Tag::Image { dest_url, title, id, .. } => {
            Tag::Link { link_type: LinkType::Inline, dest_url: safe_url(dest_url), title, id }
        }
        Tag::HtmlBlock => Tag::Paragraph,
        other => other,
    }
}

fn safe_end(end: TagEnd) -> TagEnd {
    match end {
        TagEnd::Image => TagEnd::Link,
        TagEnd::HtmlBlock => TagEnd::Paragraph,
        other => other,
    }
}

/// Keeps http(s), mailto, tel and relative URLs; anything else (javascript:, data:, vbscript:,
/// file:, obfuscated schemes) becomes `#`.
fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    if is_safe_url(&url) { url } else { CowStr::Borrowed("#") }
}

pub fn is_safe_url(url: &str) -> bool {
    // Browsers ignore ASCII whitespace and control characters inside a scheme.
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .take(32)
        .collect::<String>()
        .to_ascii_lowercase();
    match cleaned.find(':') {
        None => true,
        Some(colon) => {
            let scheme = &cleaned[..colon];
            // A colon after a path, query or fragment delimiter is not a scheme.
            if scheme.contains(['/', '?', '#']) {
                return true;
            }
            matches!(scheme, "http" | "https" | "mailto" | "tel")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_strips_the_paragraph() {
        assert_eq!(inline("主持**全面**工作。"), "主持<strong>全面</strong>工作。");
    }

    #[test]
    fn raw_html_is_escaped() {
        let html = block("<script>alert(1)</script>\n\nhi <img src=x onerror=alert(1)>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn unsafe_links_are_neutralised() {
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,x",
            "vbscript:x",
            " javascript:x",
        ] {
            let html = inline(&format!("[x](<{bad}>)"));
            assert!(html.contains("href=\"#\""), "{bad}: {html}");
        }
        assert!(inline("[x](https://example.org/a)").contains("href=\"https://example.org/a\""));
        assert!(inline("[x](tel:+8613900000001)").contains("href=\"tel:+8613900000001\""));
        assert!(inline("[x](../about/)").contains("href=\"../about/\""));
    }

    #[test]
    fn images_become_links() {
        let html = inline("![logo](https://evil.example/x.png)");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("<a href=\"https://evil.example/x.png\">logo</a>"), "{html}");
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let deep = ">".repeat(5000) + " x";
        let html = block(&deep);
        assert!(html.matches("<blockquote>").count() <= MAX_DEPTH);
        assert!(html.contains('x'));
    }

    #[test]
    fn plain_text() {
        assert_eq!(plain("负责**教育**、[卫生](x)工作。\n\n第二段"), "负责教育、卫生工作。 第二段");
    }
}
