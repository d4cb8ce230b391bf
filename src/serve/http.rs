//! What `roster serve` answers, apart from any networking: which file of the built site a
//! request path names (no path traversal, plain or percent-encoded, no encoded slash), the
//! live-reload endpoints under `/__roster/`, content types with charset, entity tags, and the
//! reload script put into HTML pages. The connections themselves are [`super::server`]'s.

/// The live-reload script, served at `/__roster/reload.js`.
pub const RELOAD_JS: &str = include_str!("reload.js");

/// What a request asks for, once the URL has been checked.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// A file of the site, by its output path.
    File(String),
    /// `/x` where `x/index.html` exists: redirect to `/x/`.
    Redirect(String),
    ReloadScript,
    Events,
    Status,
    NotFound,
}

/// Decodes and checks a request path; `None` for anything that is not a plain path inside
/// the site (`..`, backslashes, NUL, invalid UTF-8 after decoding).
pub fn clean_path(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    // An encoded slash would be served as the page at the decoded path, where its relative
    // links break: no file of the site has one in its name.
    if path.to_ascii_lowercase().contains("%2f") {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8().ok()?;
    if !decoded.starts_with('/') || decoded.contains('\\') || decoded.contains('\0') {
        return None;
    }
    let mut parts = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s if s.chars().any(char::is_control) => return None,
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if decoded.ends_with('/') && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

/// Maps a URL to what to answer; `exists` tells whether the site has a file.
pub fn resolve(url: &str, exists: &dyn Fn(&str) -> bool) -> Target {
    let raw = url.split(['?', '#']).next().unwrap_or("");
    match raw {
        "/__roster/reload.js" => return Target::ReloadScript,
        "/__roster/events" => return Target::Events,
        "/__roster/status" => return Target::Status,
        _ => {}
    }
    let Some(path) = clean_path(url) else {
        return Target::NotFound;
    };
    if path.is_empty() {
        return Target::File("index.html".to_owned());
    }
    if let Some(dir) = path.strip_suffix('/') {
        let index = format!("{dir}/index.html");
        return if exists(&index) { Target::File(index) } else { Target::NotFound };
    }
    if exists(&path) {
        return Target::File(path);
    }
    if exists(&format!("{path}/index.html")) {
        return Target::Redirect(format!("/{path}/"));
    }
    Target::NotFound
}

/// The output file a request path names, if it is one that is made on request: the print
/// layout and its PDF, open data, the search index and page, the sitemap and robots.txt, and
/// the site change log (`changes/`; a district's log is under its own folder).
pub fn lazy_name(path: &str) -> Option<String> {
    let name = match path {
        "print/" => "print/index.html".to_owned(),
        "data/" => "data/index.html".to_owned(),
        "search/" => "search/index.html".to_owned(),
        "changes/" => "changes/index.html".to_owned(),
        p => p.to_owned(),
    };
    let lazy = name.starts_with("print/")
        || name.starts_with("data/")
        || name.starts_with("search/")
        || name.starts_with("changes/")
        || name == "sitemap.xml"
        || name == "robots.txt";
    lazy.then_some(name)
}

/// Content type of an output file, with charset for text.
pub fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "vcf" => "text/vcard; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" | "otf" => "font/otf",
        _ => "application/octet-stream",
    }
}

/// Adds the live-reload script to an HTML page.
pub fn inject(html: &[u8]) -> Vec<u8> {
    let tag = b"<script src=\"/__roster/reload.js\" defer></script>";
    let text = html;
    match text.windows(7).rposition(|w| w.eq_ignore_ascii_case(b"</body>")) {
        Some(at) => [&text[..at], tag, &text[at..]].concat(),
        None => [text, tag].concat(),
    }
}

/// The `ETag` of a file's bytes: a hash and the length, quoted.
pub fn etag(body: &[u8]) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut hasher);
    format!("\"{:016x}-{:x}\"", hasher.finish(), body.len())
}

/// Whether an `If-None-Match` header value names `etag` (or is `*`).
pub fn names_tag(if_none_match: &str, etag: &str) -> bool {
    if_none_match.split(',').any(|tag| {
        let tag = tag.trim();
        tag == etag || tag == "*" || tag.strip_prefix("W/") == Some(etag)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> impl Fn(&str) -> bool {
        |p: &str| ["index.html", "a/index.html", "a/b/index.html", "assets/style.css", "404.html"].contains(&p)
    }

    #[test]
    fn paths_resolve_to_site_files() {
        let s = site();
        assert_eq!(resolve("/", &s), Target::File("index.html".into()));
        assert_eq!(resolve("/a/", &s), Target::File("a/index.html".into()));
        assert_eq!(resolve("/a/b/index.html?x=1", &s), Target::File("a/b/index.html".into()));
        assert_eq!(resolve("/a", &s), Target::Redirect("/a/".into()));
        assert_eq!(resolve("/assets/style.css", &s), Target::File("assets/style.css".into()));
        assert_eq!(resolve("/%61/", &s), Target::File("a/index.html".into()));
        assert_eq!(resolve("/nope", &s), Target::NotFound);
    }

    #[test]
    fn traversal_is_refused() {
        let s = site();
        for bad in [
            "/../etc/passwd",
            "/a/../../x",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2F%2E%2E%2Fetc",
            "/a%5c..%5c..",
            "/a%00",
            "/..%2f..%2froster.toml",
            "//etc/passwd",
        ] {
            assert_eq!(resolve(bad, &s), Target::NotFound, "{bad}");
        }
        assert_eq!(clean_path("/a/../b"), None);
        assert_eq!(clean_path("/%ff"), None);
    }

    #[test]
    fn reload_script_goes_before_body_end() {
        assert_eq!(
            inject(b"<p>x</p></body></html>"),
            b"<p>x</p><script src=\"/__roster/reload.js\" defer></script></body></html>".to_vec()
        );
        assert!(inject(b"plain").ends_with(b"</script>"));
    }

    #[test]
    fn entity_tags_match_exactly_weakly_or_by_star() {
        let tag = etag(b"page");
        assert_ne!(tag, etag(b"page2"));
        assert!(names_tag(&tag, &tag));
        assert!(names_tag(&format!("\"x\", W/{tag}"), &tag));
        assert!(names_tag("*", &tag));
        assert!(!names_tag("\"x\"", &tag));
    }

    #[test]
    fn content_types_have_charset() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("data/roster.csv"), "text/csv; charset=utf-8");
        assert_eq!(content_type("print/roster.pdf"), "application/pdf");
    }
}
