//! `roster serve` (fetch, edit, break, recover, traversal, methods), `roster new`, `roster init`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::roster;
use crate::support::{site_copy, temp_dir, write_files};

/// A running `roster serve`, stopped when dropped.
pub struct Server {
    child: Child,
    pub port: u16,
    /// Every line serve has written to stderr so far.
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    pub fn start(root: &Path) -> Server {
        Server::start_under(root, &[])
    }

    /// Starts `roster serve` through `wrapper` (a command and its arguments, such as
    /// `prlimit --nofile=256`), or directly when it is empty.
    pub fn start_under(root: &Path, wrapper: &[&str]) -> Server {
        let roster = env!("CARGO_BIN_EXE_roster");
        let mut command = match wrapper.split_first() {
            Some((program, args)) => {
                let mut c = Command::new(program);
                c.args(args).arg(roster);
                c
            }
            None => Command::new(roster),
        };
        let mut child = command
            .args(["--root", root.to_str().unwrap(), "serve", "--port", "0"])
            .env("NO_COLOR", "1")
            .env("SOURCE_DATE_EPOCH", crate::support::TODAY_EPOCH)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start roster serve");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let lines = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                lines.lock().unwrap().push(line.clone());
                if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
                    let port: u16 = rest
                        .trim_end_matches(|c: char| !c.is_ascii_digit())
                        .split('/')
                        .next()
                        .unwrap()
                        .parse()
                        .unwrap();
                    let _ = tx.send(port);
                }
            }
        });
        let port = rx.recv_timeout(Duration::from_secs(60)).expect("serve printed its address");
        Server { child, port, log }
    }

    /// How many lines serve has written to stderr that contain `text`: once there are at
    /// least `least` (at most 60 s), and a second more for any that are still on their way.
    pub fn logged(&self, text: &str, least: usize) -> usize {
        let count = || self.log.lock().unwrap().iter().filter(|l| l.contains(text)).count();
        let start = Instant::now();
        while count() < least && start.elapsed() < Duration::from_secs(60) {
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_secs(1));
        count()
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends a raw request and returns (status, headers, body).
    pub fn request(&self, method: &str, path: &str) -> (u16, String, Vec<u8>) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        write!(stream, "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("header end");
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
        (status, head, raw[split + 4..].to_vec())
    }

    pub fn get(&self, path: &str) -> (u16, String) {
        let (status, _, body) = self.request("GET", path);
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    /// Polls `path` until its body satisfies `ok` (or panics after 15 s).
    pub fn wait_for(&self, path: &str, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let (_, body) = self.get(path);
            if ok(&body) {
                return body;
            }
            assert!(start.elapsed() < Duration::from_secs(15), "timed out waiting for {what} at {path}:\n{body}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[test]
fn serves_pages_with_types_and_live_reload_script() {
    let dir = site_copy("golden");
    let server = Server::start(&dir);
    let (status, head, body) = server.request("GET", "/");
    assert_eq!(status, 200);
    assert!(head.to_ascii_lowercase().contains("content-type: text/html; charset=utf-8"), "{head}");
    let body = String::from_utf8(body).unwrap();
    assert!(body.contains("<script src=\"/__roster/reload.js\" defer></script></body>"));
    assert_eq!(server.get("/city/").0, 200);
    let (status, head, _) = server.request("GET", "/city");
    assert_eq!(status, 301);
    assert!(head.contains("Location: /city/"), "{head}");
    let (status, head, _) = server.request("GET", "/assets/style.css");
    assert_eq!(status, 200);
    assert!(head.contains("text/css; charset=utf-8"));
    let (status, head, _) = server.request("GET", "/changes.xml");
    assert_eq!(status, 200);
    assert!(head.contains("application/xml; charset=utf-8"));
    // Links inside the served site point at the local server, not at base_url.
    assert!(server.get("/changes.xml").1.contains("http://127.0.0.1:"));
    // The site change log is made on request, and served as every page is.
    let (status, head, body) = server.request("GET", "/changes/");
    assert_eq!(status, 200);
    assert!(head.to_ascii_lowercase().contains("content-type: text/html; charset=utf-8"), "{head}");
    let body = String::from_utf8(body).unwrap();
    assert!(body.contains("/__roster/reload.js") && body.contains("city/changes/index.html#"), "{body}");
    let (status, head, _) = server.request("GET", "/changes");
    assert_eq!(status, 301);
    assert!(head.contains("Location: /changes/"), "{head}");
    let (status, head, body) = server.request("HEAD", "/city/");
    assert_eq!(status, 200);
    assert!(body.is_empty() && head.contains("Content-Length"), "{head}");
    let (status, _, pdf) = server.request("GET", "/print/roster.pdf");
    assert_eq!(status, 200);
    assert!(pdf.starts_with(b"%PDF-"));
}

/// The print layout, its PDF and the open data are made on the first request after a build,
/// once: a request for a file they do not hold is a 404 without typesetting again.
#[test]
fn a_missing_file_made_on_request_is_a_404_without_rendering_again() {
    let dir = site_copy("golden");
    let config = std::fs::read_to_string(dir.join("roster.toml")).unwrap();
    std::fs::write(dir.join("roster.toml"), format!("{config}\n[print]\npages = 1\n")).unwrap();
    let server = Server::start(&dir);
    // The note `[print] pages` writes each time the PDF is typeset.
    let typeset = |least| server.logged("set at", least);
    assert_eq!(server.request("GET", "/print/nope.pdf").0, 404);
    assert_eq!(typeset(1), 1, "the first request for a PDF typesets it once");
    for path in ["/print/nope.pdf", "/print/other.pdf", "/print/nope.html", "/print/"] {
        let (status, _, _) = server.request("GET", path);
        assert_eq!(status, if path == "/print/" { 200 } else { 404 }, "{path}");
    }
    let (status, _, pdf) = server.request("GET", "/print/roster.pdf");
    assert!(status == 200 && pdf.starts_with(b"%PDF-"));
    assert_eq!(typeset(1), 1, "no request after the first typeset the PDF again");
    for path in ["/data/nope.json", "/data/nope.json", "/search/nope.js", "/data/roster.json"] {
        let (status, _, _) = server.request("GET", path);
        assert_eq!(status, if path == "/data/roster.json" { 200 } else { 404 }, "{path}");
    }
    // A rebuild makes them again, once.
    let edition = dir.join("content/city/2022-01-01.toml");
    let text = std::fs::read_to_string(&edition).unwrap();
    std::fs::write(&edition, text.replacen("name = \"", "name = \"改名乙", 1)).unwrap();
    server.wait_for("/print/", "the edit", |body| body.contains("改名乙"));
    assert_eq!(server.request("GET", "/print/nope.pdf").0, 404);
    assert_eq!(server.request("GET", "/print/nope.pdf").0, 404);
    assert_eq!(typeset(2), 2, "after the rebuild, typeset once more");
}

#[test]
fn unknown_paths_methods_and_traversal() {
    let dir = site_copy("golden");
    let server = Server::start(&dir);
    let (status, body) = server.get("/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("页面不存在"), "the site's 404 page: {body}");
    for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
        let (status, head, _) = server.request(method, "/");
        assert_eq!(status, 405, "{method}");
        assert!(head.contains("Allow: GET, HEAD"));
    }
    for evil in [
        "/../roster.toml",
        "/../../../../etc/passwd",
        "/%2e%2e/roster.toml",
        "/%2E%2E%2Froster.toml",
        "/city/..%2f..%2froster.toml",
        "/..%5croster.toml",
        "/content/city/district.toml",
        "/%00",
        "//etc/passwd",
    ] {
        let (status, body) = server.get(evil);
        assert_eq!(status, 404, "{evil}");
        assert!(!body.contains("base_url") && !body.contains("root:"), "{evil} leaked a file");
    }
}

#[test]
fn edits_show_up_and_a_bad_edit_never_stops_the_server() {
    let dir = site_copy("golden");
    let server = Server::start(&dir);
    assert!(server.get("/city/east/").1.contains("区长"));
    let file = dir.join("content/city/east/2022-01-01.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("post = \"区长\"", "post = \"代区长\"")).unwrap();
    server.wait_for("/city/east/", "the edit", |b| b.contains("代区长"));
    // Break it: the last good site stays up and the error is reported.
    std::fs::write(&file, text.replace("post = \"区长\"", "post = 区长")).unwrap();
    let status = server.wait_for("/__roster/status", "the error", |b| b.contains("content/city/east/2022-01-01.toml"));
    assert!(status.contains("invalid TOML"), "{status}");
    let (code, page) = server.get("/city/east/");
    assert_eq!(code, 200);
    assert!(page.contains("代区长"), "still serving the last good site");
    // Fix it: recovered.
    std::fs::write(&file, text).unwrap();
    server.wait_for("/__roster/status", "recovery", |b| b.contains("\"errors\":null"));
    server.wait_for("/city/east/", "the fix", |b| b.contains("区长") && !b.contains("代区长"));
}

#[test]
fn a_rebuild_prints_only_the_warnings_that_are_new() {
    let dir = site_copy("golden");
    let server = Server::start(&dir);
    let old = "李四: mobile never verified";
    assert_eq!(server.logged(old, 1), 1, "the first build prints every warning");
    let file = dir.join("content/city/east/2022-01-01.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let added = "\n[[body.member]]\nname = \"赵六\"\npost = \"副区长\"\nmobile = \"139 0000 0006\"\n";
    std::fs::write(&file, format!("{text}{added}")).unwrap();
    server.wait_for("/city/east/", "the edit", |b| b.contains("赵六"));
    assert_eq!(server.logged("赵六: mobile never verified", 1), 1, "the new warning");
    assert_eq!(server.logged("rebuilt in", 1), 1);
    assert_eq!(server.logged(old, 1), 1, "a warning printed before is not printed again");
    assert_eq!(server.logged("0 errors, 6 warnings (5 as printed before, not repeated", 1), 1);
    // A broken edit prints its error; the fix prints the error's absence and nothing again.
    std::fs::write(&file, text.replace("post = \"区长\"", "post = 区长")).unwrap();
    server.wait_for("/__roster/status", "the error", |b| b.contains("invalid TOML"));
    std::fs::write(&file, &text).unwrap();
    server.wait_for("/__roster/status", "recovery", |b| b.contains("\"errors\":null"));
    assert_eq!(server.logged("rebuilt in", 2), 2);
    assert_eq!(server.logged(old, 1), 1, "still printed once");
}

#[test]
fn new_copies_the_latest_edition() {
    let dir = site_copy("golden");
    let run = roster!(dir, "new", "city", "2025-01-01");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("wrote content/city/2025-01-01.toml"));
    let text = std::fs::read_to_string(dir.join("content/city/2025-01-01.toml")).unwrap();
    assert!(text.starts_with("reason = \"\""), "{text}");
    assert!(
        !text.contains("reason = \"人事调整\"") && !text.contains("note = "),
        "old reason and note are gone: {text}"
    );
    assert!(text.contains("name = \"王五\""));
    // The copy is a valid edition with no changes.
    let run = roster!(dir, "diff", "city");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("0 changes"), "{}", run.stdout);
    // Never overwrites.
    let run = roster!(dir, "new", "city", "2025-01-01");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("already exists"));
    let run = roster!(dir, "new", "nowhere");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("no district `nowhere`"));
    // Today by default.
    let run = roster!(dir, "new", "city/east");
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn init_writes_a_site_that_builds() {
    let dir = temp_dir("init").sub("mysite");
    let run = roster!(".", "init", dir.to_str().unwrap());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = roster!(dir, "build");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(dir.join("public/example/index.html").exists());
    let again = roster!(".", "init", dir.to_str().unwrap());
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("not empty"));
    let full = temp_dir("init-full");
    write_files(&full, &[("notes.txt", "mine")]);
    assert_eq!(roster!(".", "init", full.to_str().unwrap()).code, 1);
    assert_eq!(std::fs::read_to_string(full.join("notes.txt")).unwrap(), "mine");
}

/// During a broken edit every path that answered 200 still does, the site-wide files made on
/// request (open data, search, print, sitemap, robots) included; folders without their slash
/// redirect; an encoded slash is not a path separator.
#[test]
fn a_broken_edit_keeps_every_path_of_the_last_good_site() {
    let dir = site_copy("golden");
    // Every file `build` writes for the same site, each folder's page by its slash form too.
    let built = temp_dir("broken-edit-build");
    let run = roster!(dir, "build", "--output", built.to_str().unwrap());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut paths: Vec<String> = Vec::new();
    for (rel, _) in crate::support::read_tree(&built).into_iter().filter(|(rel, _)| !rel.starts_with('.')) {
        if let Some(folder) = rel.strip_suffix("index.html") {
            paths.push(format!("/{folder}"));
        }
        paths.push(format!("/{rel}"));
    }
    for needed in ["/", "/data/roster.json", "/search/index.js", "/print/roster.pdf", "/sitemap.xml", "/robots.txt"] {
        assert!(paths.iter().any(|p| p == needed), "{needed} is among the {} paths", paths.len());
    }
    let server = Server::start(&dir);
    let before: Vec<Vec<u8>> = paths
        .iter()
        .map(|p| {
            let (status, _, body) = server.request("GET", p);
            assert_eq!(status, 200, "{p} before the edit");
            body
        })
        .collect();
    let file = dir.join("content/city/east/2022-01-01.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("post = \"区长\"", "post = 区长")).unwrap();
    server.wait_for("/__roster/status", "the error", |b| b.contains("content/city/east/2022-01-01.toml"));
    for (p, old) in paths.iter().zip(&before) {
        let (status, _, body) = server.request("GET", p);
        assert_eq!(status, 200, "{p} during the broken edit");
        assert!(&body == old, "{p}: the last good file");
    }
    for (dir_path, to) in [("/data", "/data/"), ("/search", "/search/"), ("/print", "/print/"), ("/city", "/city/")] {
        let (status, head, _) = server.request("GET", dir_path);
        assert_eq!(status, 301, "{dir_path}");
        assert!(head.contains(&format!("Location: {to}")), "{dir_path}: {head}");
    }
    for encoded in ["/city%2Feast%2F", "/city%2feast/index.html"] {
        assert_eq!(server.get(encoded).0, 404, "{encoded}");
    }
}

/// A `static/` folder made while serving is watched: a file put in it later is served.
#[test]
fn a_static_folder_created_while_serving_is_watched() {
    let dir = site_copy("golden");
    assert!(!dir.join("static").exists());
    let server = Server::start(&dir);
    std::fs::create_dir(dir.join("static")).unwrap();
    std::fs::write(dir.join("static/first.txt"), "first").unwrap();
    server.wait_for("/first.txt", "the first file", |b| b == "first");
    // Written after the folder's own event: only a watch on the new folder sees it.
    std::fs::write(dir.join("static/later.txt"), "later").unwrap();
    server.wait_for("/later.txt", "a file added to the new folder", |b| b == "later");
    std::fs::write(dir.join("static/first.txt"), "edited").unwrap();
    server.wait_for("/first.txt", "an edit in the new folder", |b| b == "edited");
}

/// Every file carries an ETag; asked again with it, the answer is 304 without a body, and
/// after an edit the page has a new tag and comes whole.
#[test]
fn files_have_etags_and_unchanged_ones_answer_304() {
    use std::io::{Read, Write};
    let dir = site_copy("golden");
    let server = Server::start(&dir);
    let get = |path: &str, tag: Option<&str>| {
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", server.port)).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let extra = tag.map(|t| format!("If-None-Match: {t}\r\n")).unwrap_or_default();
        write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\n{extra}Connection: close\r\n\r\n").unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let status: u16 = head.split_whitespace().nth(1).unwrap().parse().unwrap();
        // Header names are case-insensitive.
        let etag = head.lines().find(|l| l.to_ascii_lowercase().starts_with("etag: ")).map(|l| l[6..].to_owned());
        (status, etag, raw.len() - split - 4)
    };
    for path in ["/city/east/", "/data/roster.json", "/assets/style.css"] {
        let (status, etag, len) = get(path, None);
        assert_eq!(status, 200, "{path}");
        assert!(len > 0, "{path}");
        let etag = etag.unwrap_or_else(|| panic!("{path} has no ETag"));
        let (status, again, len) = get(path, Some(&etag));
        assert_eq!((status, len), (304, 0), "{path}: unchanged, no body");
        assert_eq!(again.as_deref(), Some(etag.as_str()));
        assert_eq!(get(path, Some("\"other\"")).0, 200, "{path}: another tag gets the file");
    }
    let (_, before, _) = get("/city/east/", None);
    let file = dir.join("content/city/east/2022-01-01.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("post = \"区长\"", "post = \"代区长\"")).unwrap();
    server.wait_for("/city/east/", "the edit", |b| b.contains("代区长"));
    let (status, after, _) = get("/city/east/", before.as_deref());
    assert_eq!(status, 200, "the edited page comes whole");
    assert_ne!(after, before);
}
