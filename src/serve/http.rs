//! The HTTP side of `roster serve`: only GET and HEAD, only files of the built site (no path
//! traversal, plain or percent-encoded), content types with charset, the site's 404 page for
//! unknown paths, and the live-reload endpoints under `/__roster/`.

use std::io::Cursor;

use tiny_http::{Header, Method, Request, Response, StatusCode};

const RELOAD_JS: &str = include_str!("reload.js");

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

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("ASCII header")
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

/// A response with a body, honouring HEAD.
pub fn respond(request: Request, status: u16, content_type: &str, body: Vec<u8>, extra: &[(&str, &str)]) {
    let head = *request.method() == Method::Head;
    let len = body.len();
    let mut response = Response::new(
        StatusCode(status),
        vec![header("Content-Type", content_type), header("Cache-Control", "no-store")],
        Cursor::new(if head { Vec::new() } else { body }),
        Some(len),
        None,
    );
    for (k, v) in extra {
        response.add_header(header(k, v));
    }
    let _ = request.respond(response);
}

/// A file of the site: with an `ETag` (a hash of the bytes sent) and `Cache-Control:
/// no-cache`, so a browser keeps it but asks again every time, and a `304 Not Modified`
/// without a body when its `If-None-Match` names the same bytes.
pub fn respond_file(request: Request, content_type: &str, body: Vec<u8>) {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut hasher);
    let etag = format!("\"{:016x}-{:x}\"", hasher.finish(), body.len());
    let matches = request
        .headers()
        .iter()
        .filter(|h| h.field.equiv("If-None-Match"))
        .any(|h| h.value.as_str().split(',').any(|tag| tag.trim() == etag || tag.trim() == "*"));
    let status = if matches { 304 } else { 200 };
    let headers =
        vec![header("Content-Type", content_type), header("Cache-Control", "no-cache"), header("ETag", &etag)];
    let len = if matches { 0 } else { body.len() };
    let head = *request.method() == Method::Head;
    let body = if matches || head { Vec::new() } else { body };
    let response = Response::new(StatusCode(status), headers, Cursor::new(body), Some(len), None);
    let _ = request.respond(response);
}

/// Answers a request that is not GET or HEAD.
pub fn method_not_allowed(request: Request) {
    respond(request, 405, "text/plain; charset=utf-8", b"405 Method Not Allowed\n".to_vec(), &[("Allow", "GET, HEAD")]);
}

pub fn reload_script(request: Request) {
    respond(request, 200, "text/javascript; charset=utf-8", RELOAD_JS.as_bytes().to_vec(), &[]);
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
    fn content_types_have_charset() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("data/roster.csv"), "text/csv; charset=utf-8");
        assert_eq!(content_type("print/roster.pdf"), "application/pdf");
    }
}
