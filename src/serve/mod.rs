//! `roster serve`: builds the site in memory, serves it on the loopback interface, watches the
//! site folder and rebuilds on every change (see [`session`]), and reloads open pages
//! (server-sent events from a script injected only when serving). A bad edit never stops the
//! server: it keeps serving the last good site, prints the diagnostics and shows them as a
//! banner in the browser.

pub(crate) mod http;
pub mod session;
mod watch;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use tiny_http::{Method, Server};

use crate::BuildOptions;
use crate::diag::{self, Diagnostic};
use session::{Files, Session};

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub interface: String,
    pub port: u16,
    pub open: bool,
    pub as_of: Option<NaiveDate>,
    /// As `build --today`.
    pub today: Option<NaiveDate>,
    /// As `check --show-private`, for the terminal and the error banner.
    pub show_private: bool,
}

/// What the server answers from.
#[derive(Default)]
struct Site {
    files: Files,
    /// The diagnostics of the last failed rebuild, as text.
    errors: Option<String>,
}

struct State {
    session: Mutex<Session>,
    site: RwLock<Arc<Site>>,
    /// Open event streams.
    clients: Mutex<Vec<Sender<String>>>,
    /// Files made on first request after each rebuild (print layout, data, search, sitemap).
    print: Mutex<Option<BTreeMap<String, Vec<u8>>>>,
}

impl State {
    fn broadcast(&self, event: &str, data: &str) {
        let message = format!("event: {event}\ndata: {data}\n\n");
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients.retain(|c| c.send(message.clone()).is_ok());
    }

    fn snapshot(&self) -> Arc<Site> {
        self.site.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// The error banner's text: private values hidden unless `show_private`.
fn text_of(diags: &[Diagnostic], show_private: bool) -> String {
    diags.iter().filter(|d| d.is_error()).map(|d| diag::render(d, diag::Format::Human, false, show_private)).collect()
}

/// Runs the server until the process is stopped.
pub fn run(root: &Path, opts: &ServeOptions) -> Result<(), String> {
    let server = Server::http((opts.interface.as_str(), opts.port))
        .map_err(|e| format!("cannot listen on {}:{}: {e} (choose another --port)", opts.interface, opts.port))?;
    let addr = server.server_addr().to_ip().ok_or("the server has no IP address")?;
    let url = format!(
        "http://{}/",
        if addr.is_ipv6() { format!("[{}]:{}", addr.ip(), addr.port()) } else { addr.to_string() }
    );
    // Watch before the first build, so that nothing edited from now on is missed.
    let changes = watch::watch(root).map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
    let build_opts = BuildOptions {
        base_url: Some(url.clone()),
        as_of: opts.as_of,
        today: opts.today,
        show_private: opts.show_private,
        ..BuildOptions::default()
    };
    let state = Arc::new(State {
        session: Mutex::new(Session::new(root, build_opts)),
        site: RwLock::new(Arc::new(Site::default())),
        clients: Mutex::new(Vec::new()),
        print: Mutex::new(None),
    });
    let start = Instant::now();
    let ok = rebuild(&state, None);
    eprintln!(
        "{} in {} ms; serving {} on {url} (Ctrl+C to stop)",
        if ok { "built" } else { "build failed" },
        start.elapsed().as_millis(),
        root.display()
    );
    let server = Arc::new(server);
    for _ in 0..4 {
        let (server, state) = (server.clone(), state.clone());
        std::thread::spawn(move || {
            for request in server.incoming_requests() {
                handle(&state, request);
            }
        });
    }
    if opts.open {
        open_browser(&url);
    }
    while let Some(paths) = changes.next_batch() {
        let start = Instant::now();
        // An editor's temporary files change nothing: no rebuild, no message.
        let shown = state.session.lock().unwrap_or_else(|e| e.into_inner()).relevant(&paths);
        if !shown.is_empty() && rebuild(&state, Some(&paths)) {
            eprintln!("rebuilt in {} ms after a change to {}", start.elapsed().as_millis(), shown.join(", "));
        }
    }
    Ok(())
}

/// Rebuilds and publishes the result to the server threads and open pages.
fn rebuild(state: &State, changed: Option<&[PathBuf]>) -> bool {
    let mut session = state.session.lock().unwrap_or_else(|e| e.into_inner());
    let (result, diags) = session.rebuild(changed);
    let show_private = session.show_private();
    crate::emit::report(&diags, diag::Format::Human, show_private);
    let files = session.files().unwrap_or_default();
    drop(session);
    match result {
        Ok(_) => {
            *state.print.lock().unwrap_or_else(|e| e.into_inner()) = None;
            *state.site.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(Site { files, errors: None });
            state.broadcast("reload", "{}");
            true
        }
        Err(()) => {
            let text = text_of(&diags, show_private);
            *state.site.write().unwrap_or_else(|e| e.into_inner()) =
                Arc::new(Site { files, errors: Some(text.clone()) });
            state.broadcast("errors", &serde_json::to_string(&text).unwrap_or_default());
            eprintln!("the build failed; still serving the last good site");
            false
        }
    }
}

fn handle(state: &Arc<State>, request: tiny_http::Request) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        return http::method_not_allowed(request);
    }
    let site = state.snapshot();
    // Made on request from the last good build, so they are served during a broken edit too.
    if let Some(name) = http::clean_path(request.url()).and_then(|p| lazy_name(&p)) {
        return match lazy_file(state, &name) {
            Some(bytes) => {
                let body = if name.ends_with(".html") { http::inject(&bytes) } else { bytes };
                http::respond_file(request, http::content_type(&name), body)
            }
            None => not_found(request, &site),
        };
    }
    // A file made on request exists too, so that its folder without the slash redirects.
    let exists = |p: &str| site.files.contains_key(p) || lazy_name(p).is_some();
    match http::resolve(request.url(), &exists) {
        http::Target::ReloadScript => http::reload_script(request),
        http::Target::Status => {
            let body = serde_json::json!({ "errors": site.errors }).to_string();
            http::respond(request, 200, "application/json; charset=utf-8", body.into_bytes(), &[]);
        }
        http::Target::Events => {
            let (tx, rx) = mpsc::channel();
            state.clients.lock().unwrap_or_else(|e| e.into_inner()).push(tx);
            std::thread::spawn(move || events(request, rx));
        }
        http::Target::Redirect(to) => {
            http::respond(request, 301, "text/plain; charset=utf-8", Vec::new(), &[("Location", &to)])
        }
        http::Target::File(path) => {
            let bytes = site.files.get(path.as_str()).map(|b| b.to_vec()).unwrap_or_default();
            let body = if path.ends_with(".html") { http::inject(&bytes) } else { bytes };
            http::respond_file(request, http::content_type(&path), body);
        }
        http::Target::NotFound => not_found(request, &site),
    }
}

fn not_found(request: tiny_http::Request, site: &Site) {
    let page = site.files.get("404.html").map(|b| http::inject(b)).unwrap_or_else(|| b"404 Not Found\n".to_vec());
    http::respond(request, 404, "text/html; charset=utf-8", page, &[]);
}

/// The output file a request path names, if it is one that is made on request: the print
/// layout and its PDF, open data, the search index and page, the sitemap.
fn lazy_name(path: &str) -> Option<String> {
    let name = match path {
        "print/" => "print/index.html".to_owned(),
        "data/" => "data/index.html".to_owned(),
        "search/" => "search/index.html".to_owned(),
        p => p.to_owned(),
    };
    let lazy = name.starts_with("print/")
        || name.starts_with("data/")
        || name.starts_with("search/")
        || name == "sitemap.xml"
        || name == "robots.txt";
    lazy.then_some(name)
}

/// A file of the last good build that is made on first request (the PDF takes a while, and
/// the site-wide data need not be made again for every edit).
fn lazy_file(state: &State, name: &str) -> Option<Vec<u8>> {
    let mut cached = state.print.lock().unwrap_or_else(|e| e.into_inner());
    if cached.as_ref().is_none_or(|c| !c.contains_key(name)) {
        let session = state.session.lock().unwrap_or_else(|e| e.into_inner());
        let (files, diags) =
            if name.starts_with("print/") { session.print(name.ends_with(".pdf")) } else { session.data() };
        let show_private = session.show_private();
        drop(session);
        crate::emit::report(&diags, diag::Format::Human, show_private);
        cached.get_or_insert_with(BTreeMap::new).extend(files);
    }
    cached.as_ref().and_then(|c| c.get(name).cloned())
}

/// Streams server-sent events to one page until it goes away. The response is written by
/// hand on the raw connection so that each event is flushed at once.
fn events(request: tiny_http::Request, rx: Receiver<String>) {
    use std::io::Write;
    let mut out = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\nConnection: close\r\n\r\nretry: 1000\n\n";
    if out.write_all(head.as_bytes()).and_then(|()| out.flush()).is_err() {
        return;
    }
    loop {
        let message = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_owned(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if out.write_all(message.as_bytes()).and_then(|()| out.flush()).is_err() {
            return;
        }
    }
}

fn open_browser(url: &str) {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(program).arg(url).spawn().is_err() {
        eprintln!("could not start a browser; open {url} yourself");
    }
}
