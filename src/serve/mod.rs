//! `roster serve`: builds the site in memory, serves it on the loopback interface, watches the
//! site folder and rebuilds on every change (see [`session`]), and reloads open pages
//! (server-sent events from a script injected only when serving). A bad edit never stops the
//! server: it keeps serving the last good site, prints the diagnostics and shows them as a
//! banner in the browser.
//!
//! The main thread watches and rebuilds; connections are served by [`server`] on a tokio
//! runtime of two worker threads, from the [`State`] the rebuilds publish.

pub(crate) mod http;
mod idle;
mod server;
pub mod session;
mod watch;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use bytes::Bytes;
use chrono::NaiveDate;
use tokio::sync::broadcast;

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
    /// Live-reload events, already in server-sent event form, to every open page.
    events: broadcast::Sender<Arc<str>>,
    /// Files made on first request after each rebuild (print layout, data, search, sitemap,
    /// the site change log).
    lazy: Mutex<Lazy>,
    /// The warnings already printed, which a rebuild does not print again.
    printed: Mutex<crate::emit::Printed>,
}

/// The files made on request since the last good rebuild, and which parts have been made: a
/// part is rendered at most once per build, so a request for a file it does not hold (a
/// mistyped `/print/x.pdf`) is a 404 at once, not another typesetting under the session lock.
#[derive(Default)]
struct Lazy {
    files: BTreeMap<String, Bytes>,
    print: bool,
    pdf: bool,
    data: bool,
    site_log: bool,
}

/// The part of the site that makes a file served on request.
#[derive(Clone, Copy, PartialEq, Debug)]
enum LazyPart {
    /// The print layout as HTML.
    Print,
    /// The print layout with its PDF.
    Pdf,
    /// Open data, search, the sitemap and robots.txt.
    Data,
    /// The site change log.
    SiteLog,
}

impl LazyPart {
    fn of(name: &str) -> LazyPart {
        match name.strip_prefix("print/") {
            Some(rest) if rest.ends_with(".pdf") => LazyPart::Pdf,
            Some(_) => LazyPart::Print,
            None if name.starts_with("changes/") => LazyPart::SiteLog,
            None => LazyPart::Data,
        }
    }
}

impl Lazy {
    fn made(&self, part: LazyPart) -> bool {
        match part {
            LazyPart::Print => self.print || self.pdf,
            LazyPart::Pdf => self.pdf,
            LazyPart::Data => self.data,
            LazyPart::SiteLog => self.site_log,
        }
    }

    fn add(&mut self, part: LazyPart, files: BTreeMap<String, Vec<u8>>) {
        match part {
            LazyPart::Print => self.print = true,
            LazyPart::Pdf => self.pdf = true,
            LazyPart::Data => self.data = true,
            LazyPart::SiteLog => self.site_log = true,
        }
        self.files.extend(files.into_iter().map(|(k, v)| (k, Bytes::from(v))));
    }
}

impl State {
    fn broadcast(&self, event: &str, data: &str) {
        // No open page is not an error.
        let _ = self.events.send(Arc::from(format!("event: {event}\ndata: {data}\n\n")));
    }

    fn snapshot(&self) -> Arc<Site> {
        self.site.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// A file of the last good build that is made on first request (the PDF takes a while,
    /// and the site-wide data need not be made again for every edit).
    fn lazy_file(&self, name: &str) -> Option<Bytes> {
        let mut cached = self.lazy.lock().unwrap_or_else(|e| e.into_inner());
        let part = LazyPart::of(name);
        if !cached.files.contains_key(name) && !cached.made(part) {
            let session = self.session.lock().unwrap_or_else(|e| e.into_inner());
            let (files, diags) = match part {
                LazyPart::Print => session.print(false),
                LazyPart::Pdf => session.print(true),
                LazyPart::Data => session.data(),
                LazyPart::SiteLog => session.site_log(),
            };
            let show_private = session.show_private();
            drop(session);
            crate::emit::report(&diags, diag::Format::Human, show_private);
            cached.add(part, files);
        }
        cached.files.get(name).cloned()
    }
}

/// The error banner's text: private values hidden unless `show_private`.
fn text_of(diags: &[Diagnostic], show_private: bool) -> String {
    diags.iter().filter(|d| d.is_error()).map(|d| diag::render(d, diag::Format::Human, false, show_private)).collect()
}

/// Runs the server until the process is stopped.
pub fn run(root: &Path, opts: &ServeOptions) -> Result<(), String> {
    let listener = std::net::TcpListener::bind((opts.interface.as_str(), opts.port))
        .map_err(|e| format!("cannot listen on {}:{}: {e} (choose another --port)", opts.interface, opts.port))?;
    let addr = listener.local_addr().map_err(|e| format!("the server has no address: {e}"))?;
    let url = format!(
        "http://{}/",
        if addr.is_ipv6() { format!("[{}]:{}", addr.ip(), addr.port()) } else { addr.to_string() }
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(4)
        .thread_name("roster-serve")
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    let listener = {
        let _entered = runtime.enter();
        listener
            .set_nonblocking(true)
            .and_then(|()| tokio::net::TcpListener::from_std(listener))
            .map_err(|e| format!("cannot listen on {url}: {e}"))?
    };
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
        events: broadcast::channel(16).0,
        lazy: Mutex::new(Lazy::default()),
        printed: Mutex::default(),
    });
    let start = Instant::now();
    let ok = rebuild(&state, None);
    eprintln!(
        "{} in {} ms; serving {} on {url} (Ctrl+C to stop)",
        if ok { "built" } else { "build failed" },
        start.elapsed().as_millis(),
        root.display()
    );
    runtime.spawn(server::accept(listener, state.clone()));
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
    let mut printed = state.printed.lock().unwrap_or_else(|e| e.into_inner());
    crate::emit::report_new(&diags, &mut printed, show_private);
    drop(printed);
    let files = session.files().unwrap_or_default();
    drop(session);
    match result {
        Ok(_) => {
            *state.lazy.lock().unwrap_or_else(|e| e.into_inner()) = Lazy::default();
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
