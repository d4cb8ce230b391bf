//! The network side of `roster serve`: hyper's HTTP/1.1 (and HTTP/2 for a client that asks for
//! it with the connection preface) on tokio, one task per connection.
//! What is answered is decided by [`super::http`] from the current [`super::State`]; this
//! module only moves bytes, and bounds what a client can hold:
//! - a request head must arrive within [`HEAD_TIMEOUT`], and a connection on which nothing
//!   moves for [`IDLE_TIMEOUT`] is closed (a client that never reads, an idle keep-alive);
//! - `TCP_NODELAY` is set, so that a keep-alive request is not held back by Nagle's algorithm;
//! - when `accept` fails (out of file descriptors), the loop waits and retries instead of
//!   stopping, and says so once;
//! - a live-reload stream is one small task fed by a broadcast channel, not a thread;
//! - files made on request (the PDF takes seconds) are made on tokio's bounded blocking pool.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast::error::RecvError;

use super::http::{self, Target};
use super::idle::Idle;
use super::{Site, State};

/// How long a client may take to send a request's head.
pub(crate) const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a connection may go without a byte moving either way.
pub(crate) const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// How often an open live-reload stream gets a comment, well within [`IDLE_TIMEOUT`].
const KEEP_ALIVE: Duration = Duration::from_secs(10);
/// How long to wait before accepting again after `accept` failed.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

type Body = BoxBody<Bytes, Infallible>;

/// Accepts connections until the process stops.
pub(crate) async fn accept(listener: TcpListener, state: Arc<State>) {
    let mut failing = false;
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                if failing {
                    eprintln!("accepting connections again");
                    failing = false;
                }
                tokio::spawn(connection(stream, state.clone()));
            }
            // The client went away between its SYN and our accept: nothing to wait for.
            Err(e) if matches!(e.kind(), std::io::ErrorKind::ConnectionAborted | std::io::ErrorKind::Interrupted) => {}
            Err(e) => {
                if !failing {
                    eprintln!("cannot accept connections ({e}); retrying until some close");
                    failing = true;
                }
                tokio::time::sleep(ACCEPT_BACKOFF).await;
            }
        }
    }
}

async fn connection(stream: TcpStream, state: Arc<State>) {
    let _ = stream.set_nodelay(true);
    let io = TokioIo::new(Idle::new(stream, IDLE_TIMEOUT));
    let service = hyper::service::service_fn(move |request| {
        let state = state.clone();
        async move { Ok::<_, Infallible>(answer(&state, request).await) }
    });
    // HTTP/1.1, or HTTP/2 for a client that opens with its preface. Errors here are the
    // client's (reset, timed out, malformed): hyper has answered what can be answered, and the
    // connection is closed.
    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(HEAD_TIMEOUT)
        .title_case_headers(true)
        .max_buf_size(64 * 1024);
    builder.http2().timer(TokioTimer::new()).max_concurrent_streams(64);
    let _ = builder.serve_connection(io, service).await;
}

async fn answer(state: &Arc<State>, request: Request<Incoming>) -> Response<Body> {
    let head = *request.method() == Method::HEAD;
    let response = respond(state, request).await;
    if head { headers_only(response) } else { response }
}

/// A HEAD answer: the headers of the GET, with its `Content-Length`, and no body (HTTP/2
/// would otherwise send the body's frames, which is a protocol error).
fn headers_only(response: Response<Body>) -> Response<Body> {
    use http_body_util::BodyExt as _;
    use hyper::body::Body as _;
    let (mut parts, body) = response.into_parts();
    if let Some(length) = body.size_hint().exact() {
        parts.headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    }
    Response::from_parts(parts, http_body_util::Empty::new().boxed())
}

async fn respond(state: &Arc<State>, request: Request<Incoming>) -> Response<Body> {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        let mut response = text(StatusCode::METHOD_NOT_ALLOWED, "405 Method Not Allowed\n");
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let url = request.uri().path();
    let tag = request.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok());
    let site = state.snapshot();
    // Made on request from the last good build, so they are served during a broken edit too.
    if let Some(name) = http::clean_path(url).and_then(|p| http::lazy_name(&p)) {
        let (state, wanted) = (state.clone(), name.clone());
        let made = tokio::task::spawn_blocking(move || state.lazy_file(&wanted)).await.ok().flatten();
        return match made {
            Some(bytes) => file(&name, bytes, tag),
            None => not_found(&site),
        };
    }
    // A file made on request exists too, so that its folder without the slash redirects.
    let exists = |p: &str| site.files.contains_key(p) || http::lazy_name(p).is_some();
    match http::resolve(url, &exists) {
        Target::ReloadScript => body(StatusCode::OK, "text/javascript; charset=utf-8", http::RELOAD_JS),
        Target::Status => {
            let status = serde_json::json!({ "errors": site.errors }).to_string();
            body(StatusCode::OK, "application/json; charset=utf-8", status)
        }
        Target::Events => events(state),
        Target::Redirect(to) => {
            let mut response = text(StatusCode::MOVED_PERMANENTLY, "");
            let location = percent_encoding::utf8_percent_encode(&to, LOCATION).to_string();
            if let Ok(value) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            response
        }
        Target::File(path) => match site.files.get(path.as_str()) {
            Some(bytes) => file(&path, Bytes::from_owner(bytes.clone()), tag),
            None => not_found(&site),
        },
        Target::NotFound => not_found(&site),
    }
}

/// What a `Location` path must not carry raw: it was decoded from the request.
const LOCATION: &percent_encoding::AsciiSet =
    &percent_encoding::CONTROLS.add(b' ').add(b'"').add(b'#').add(b'%').add(b'<').add(b'>').add(b'?').add(b'`');

/// A response whose body is `content`, not cached.
fn body(status: StatusCode, content_type: &'static str, content: impl Into<Bytes>) -> Response<Body> {
    let mut response = Response::new(Full::new(content.into()).boxed());
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn text(status: StatusCode, content: &'static str) -> Response<Body> {
    body(status, "text/plain; charset=utf-8", content)
}

/// A file of the site, HTML with the reload script: with an `ETag` and `Cache-Control:
/// no-cache`, so a browser keeps it but asks again every time, and a `304 Not Modified`
/// without a body when `If-None-Match` names the same bytes. HEAD gets the headers alone
/// (see [`headers_only`]).
fn file(path: &str, bytes: Bytes, if_none_match: Option<&str>) -> Response<Body> {
    let bytes = if path.ends_with(".html") { Bytes::from(http::inject(&bytes)) } else { bytes };
    let etag = http::etag(&bytes);
    let fresh = if_none_match.is_some_and(|t| http::names_tag(t, &etag));
    let mut response = if fresh {
        body(StatusCode::NOT_MODIFIED, http::content_type(path), Bytes::new())
    } else {
        body(StatusCode::OK, http::content_type(path), bytes)
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    response
}

fn not_found(site: &Site) -> Response<Body> {
    let page = match site.files.get("404.html") {
        Some(page) => Bytes::from(http::inject(page)),
        None => Bytes::from_static(b"404 Not Found\n"),
    };
    body(StatusCode::NOT_FOUND, "text/html; charset=utf-8", page)
}

/// A server-sent event stream: one task forwards the broadcast to this connection, and ends
/// when the connection is gone (its next send fails, at the latest at the next comment).
fn events(state: &State) -> Response<Body> {
    let mut rx = state.events.subscribe();
    let (mut tx, stream) = http_body_util::channel::Channel::<Bytes, Infallible>::new(4);
    tokio::spawn(async move {
        let mut next = Bytes::from_static(b"retry: 1000\n\n");
        loop {
            if tx.send_data(next).await.is_err() {
                return;
            }
            next = tokio::select! {
                message = rx.recv() => match message {
                    Ok(message) => Bytes::from(message.as_bytes().to_vec()),
                    // Missed events: whatever they were, the page is out of date.
                    Err(RecvError::Lagged(_)) => Bytes::from_static(b"event: reload\ndata: {}\n\n"),
                    Err(RecvError::Closed) => return,
                },
                () = tokio::time::sleep(KEEP_ALIVE) => Bytes::from_static(b": keep-alive\n\n"),
            };
        }
    });
    let mut response = Response::new(stream.boxed());
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/event-stream; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
