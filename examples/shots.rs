//! Screenshots of a built site as a person checks it: each page at 390, 768, 1024 and
//! 1280 px, in normal and in 大字 text, as PNG files named `<page>-<width>-<mode>.png`.
//!
//!     cargo run --example shots -- PUBLIC_DIR OUT_DIR [PAGE …]
//!
//! PAGE is a path under PUBLIC_DIR with an optional query (`search/index.html?q=li`); the
//! default is the home, 东坡区, 赵海 and a search of the demo. The window is as tall as the
//! page (up to 4,000 px), so the picture shows the whole page as the reader scrolls it.
use std::ffi::OsStr;
use std::time::Duration;

use headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption;
use headless_chrome::types::Bounds;
use headless_chrome::{Browser, LaunchOptions};

fn main() {
    let mut args = std::env::args().skip(1);
    let public = std::fs::canonicalize(args.next().expect("PUBLIC_DIR")).expect("PUBLIC_DIR exists");
    let out = std::path::PathBuf::from(args.next().expect("OUT_DIR"));
    std::fs::create_dir_all(&out).expect("OUT_DIR");
    let mut pages: Vec<String> = args.collect();
    if pages.is_empty() {
        pages = ["index.html", "shili/dongpo/index.html", "people/zhao-hai/index.html", "search/index.html?q=li"]
            .map(String::from)
            .to_vec();
    }
    let flags: Vec<&OsStr> = [
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ]
    .iter()
    .map(OsStr::new)
    .collect();
    let options = LaunchOptions::default_builder()
        .path(Some("/usr/bin/chromium".into()))
        .sandbox(false)
        .args(flags)
        .idle_browser_timeout(Duration::from_secs(120))
        .build()
        .expect("launch options");
    let browser = Browser::new(options).expect("start Chromium");
    let tab = browser.new_tab().expect("a tab");
    for mode in ["normal", "large"] {
        for page in &pages {
            for width in [390.0, 768.0, 1024.0, 1280.0] {
                let bounds =
                    |height| Bounds::Normal { left: None, top: None, width: Some(width), height: Some(height) };
                tab.set_bounds(bounds(900.0)).expect("window size");
                tab.navigate_to(&format!("file://{}/{page}", public.display())).expect("navigate");
                tab.wait_until_navigated().expect("load");
                let set =
                    if mode == "large" { "localStorage.setItem('roster-large', '1')" } else { "localStorage.clear()" };
                tab.evaluate(&format!("{set}; true"), false).expect("storage");
                tab.reload(true, None).expect("reload");
                tab.wait_until_navigated().expect("load");
                std::thread::sleep(Duration::from_millis(400));
                // Grow the window to the page until it holds all of it (the layout may change
                // with the height, and the viewport is not quite the window).
                let mut height = 900.0;
                for _ in 0..4 {
                    let page_height =
                        number(&tab, "Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)")
                            .unwrap_or(height);
                    let viewport = number(&tab, "innerHeight").unwrap_or(height);
                    if page_height <= viewport || height >= 4000.0 {
                        break;
                    }
                    height = (height + page_height - viewport).min(4000.0);
                    tab.set_bounds(bounds(height)).expect("window size");
                    std::thread::sleep(Duration::from_millis(300));
                }
                let png =
                    tab.capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true).expect("screenshot");
                let name = page.replace(['/', '?', '='], "_").replace(".html", "");
                let file = out.join(format!("{name}-{width}-{mode}.png"));
                std::fs::write(&file, png).expect("write");
                println!("{}", file.display());
            }
        }
    }
}

/// The number `js` evaluates to in the page, if it is one.
fn number(tab: &headless_chrome::Tab, js: &str) -> Option<f64> {
    tab.evaluate(js, false).ok()?.value?.as_f64()
}
