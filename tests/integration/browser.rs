//! Browser tests in headless Chromium (driven over the DevTools protocol by the
//! `headless_chrome` crate; `.ci/run` installs Debian's chromium).

use std::ffi::OsStr;
use std::time::{Duration, Instant};

use headless_chrome::{Browser, LaunchOptions, Tab};

/// Starts headless Chromium with the flags this machine needs (no sandbox as root, no
/// background networking).
pub fn browser() -> Browser {
    let path = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .into_iter()
        .map(std::path::PathBuf::from)
        .find(|p| p.exists())
        .expect("the browser tests need Chromium (apt-get install chromium)");
    let args: Vec<&OsStr> = [
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    .iter()
    .map(OsStr::new)
    .collect();
    let options = LaunchOptions::default_builder()
        .path(Some(path))
        .headless(true)
        .sandbox(false)
        .window_size(Some((1280, 900)))
        .idle_browser_timeout(Duration::from_secs(120))
        .args(args)
        .build()
        .expect("launch options");
    Browser::new(options).expect("start Chromium")
}

/// Evaluates `js` in the page and returns the result as a JSON value.
pub fn eval(tab: &Tab, js: &str) -> serde_json::Value {
    tab.evaluate(js, true).expect("evaluate").value.unwrap_or(serde_json::Value::Null)
}

/// Polls `js` until it returns `true` (panics after `secs`).
pub fn wait_until(tab: &Tab, js: &str, secs: u64, what: &str) {
    let start = Instant::now();
    while eval(tab, js) != serde_json::Value::Bool(true) {
        assert!(start.elapsed() < Duration::from_secs(secs), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn live_reload_shows_an_edit_without_a_manual_reload() {
    let dir = crate::support::site_copy("golden");
    let server = crate::serve::Server::start(&dir);
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    tab.navigate_to(&format!("http://127.0.0.1:{}/city/east/", server.port)).unwrap();
    tab.wait_until_navigated().unwrap();
    wait_until(&tab, "document.body.innerText.includes('区长')", 10, "the page");
    // Wait until the page's event stream is open, then mark the page: a reload clears the mark.
    wait_until(&tab, "!!window.__roster && window.__roster.events.readyState === 1", 10, "the event stream");
    eval(&tab, "window.__rosterMark = 1");
    let file = dir.join("content/city/east/2022-01-01.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("post = \"区长\"", "post = \"常务副区长\"")).unwrap();
    wait_until(&tab, "document.body.innerText.includes('常务副区长')", 15, "the edit to appear");
    assert_eq!(
        eval(&tab, "window.__rosterMark === undefined"),
        serde_json::Value::Bool(true),
        "the page reloaded itself"
    );
    // A broken edit shows a banner with the file and line, and the page stays.
    std::fs::write(&file, text.replace("post = \"区长\"", "post = \"区长\"\nhours = 12345")).unwrap();
    wait_until(&tab, "!!document.getElementById('roster-errors')", 15, "the error banner");
    let banner = eval(&tab, "document.getElementById('roster-errors').textContent");
    let banner = banner.as_str().unwrap();
    assert!(banner.contains("content/city/east/2022-01-01.toml:") && banner.contains("12345"), "{banner}");
    assert_eq!(eval(&tab, "document.body.innerText.includes('常务副区长')"), serde_json::Value::Bool(true));
    // Fixed: the banner goes, the page reloads.
    std::fs::write(&file, &text).unwrap();
    wait_until(
        &tab,
        "!document.getElementById('roster-errors') && !document.body.innerText.includes('常务副区长')",
        15,
        "recovery",
    );
}

/// Types `text` into the search box (clearing it first) and returns the names found.
fn search(tab: &Tab, text: &str) -> Vec<String> {
    eval(tab, "document.getElementById('q').value = ''; document.getElementById('results').replaceChildren(); true");
    eval(tab, "document.getElementById('q').focus(); true");
    tab.type_str(text).unwrap();
    let js = "(() => { const r = [...document.querySelectorAll('#results .who')].map(a => a.textContent); return r.length ? JSON.stringify(r) : null })()";
    let start = Instant::now();
    loop {
        if let serde_json::Value::String(s) = eval(tab, js) {
            return serde_json::from_str(&s).unwrap();
        }
        assert!(start.elapsed() < Duration::from_secs(10), "no results for {text}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn search_finds_by_chinese_pinyin_and_number_from_file() {
    let out = crate::support::temp_dir("search-out").join("public");
    let run = crate::roster!(crate::support::fixture("golden"), "build", "--output", out.to_str().unwrap());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    tab.navigate_to(&format!("file://{}", out.join("search/index.html").display())).unwrap();
    tab.wait_until_navigated().unwrap();
    assert_eq!(search(&tab, "王五").first().map(String::as_str), Some("王五"));
    assert_eq!(search(&tab, "zhangsan").first().map(String::as_str), Some("张三"));
    assert_eq!(search(&tab, "zs").first().map(String::as_str), Some("张三"));
    assert_eq!(search(&tab, "0000 0002").first().map(String::as_str), Some("李四"));
    assert_eq!(search(&tab, "3813 0001").first().map(String::as_str), Some("张三"));
    assert_eq!(search(&tab, "13900000001").first().map(String::as_str), Some("张三"));
    // The result links to the person page.
    let href = eval(&tab, "document.querySelector('#results .who').href");
    assert!(href.as_str().unwrap().ends_with("people/zhang-san/index.html"), "{href}");
}

#[test]
fn search_works_when_served() {
    let dir = crate::support::site_copy("golden");
    let server = crate::serve::Server::start(&dir);
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    tab.navigate_to(&format!("http://127.0.0.1:{}/search/", server.port)).unwrap();
    tab.wait_until_navigated().unwrap();
    assert_eq!(search(&tab, "李四").first().map(String::as_str), Some("李四"));
}
