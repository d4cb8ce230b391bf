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

/// The demo site built into a temporary folder (kept while the first value lives), and the
/// `file://` URL of its output.
fn built_demo() -> (crate::support::Temp, String) {
    let dir = crate::support::site_copy("demo");
    let run = crate::roster!(dir, "build");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let root = format!("file://{}/", dir.join("public").display());
    (dir, root)
}

/// Sets the window (and so the viewport) to `width` × `height` CSS px.
fn set_size(tab: &Tab, width: f64, height: f64) {
    let bounds =
        headless_chrome::types::Bounds::Normal { left: None, top: None, width: Some(width), height: Some(height) };
    tab.set_bounds(bounds).unwrap();
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
    let out = crate::support::temp_dir("search-out").sub("public");
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

/// Collects console errors, uncaught exceptions and requests that leave the site.
fn watch(tab: &Tab) -> std::sync::Arc<std::sync::Mutex<Vec<String>>> {
    use headless_chrome::protocol::cdp::types::Event;
    let problems = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = problems.clone();
    tab.enable_runtime().unwrap();
    tab.enable_log().unwrap();
    tab.add_event_listener(std::sync::Arc::new(move |event: &Event| {
        let found = match event {
            Event::RuntimeExceptionThrown(e) => Some(format!("exception: {:?}", e.params.exception_details.text)),
            Event::RuntimeConsoleAPICalled(e) if format!("{:?}", e.params.Type).to_lowercase().contains("error") => {
                Some(format!("console.error: {:?}", e.params.args.iter().map(|a| a.value.clone()).collect::<Vec<_>>()))
            }
            Event::LogEntryAdded(e) if format!("{:?}", e.params.entry.level).to_lowercase().contains("error") => {
                Some(format!("log: {}", e.params.entry.text))
            }
            _ => None,
        };
        if let Some(p) = found {
            sink.lock().unwrap().push(p);
        }
    }))
    .unwrap();
    problems
}

/// Every resource the page loaded, as URLs.
fn resources(tab: &Tab) -> Vec<String> {
    let v = eval(tab, "JSON.stringify([location.href, ...performance.getEntriesByType('resource').map(e => e.name)])");
    serde_json::from_str(v.as_str().unwrap()).unwrap()
}

fn click_link(tab: &Tab, selector: &str) {
    let before = eval(tab, "location.href");
    eval(tab, &format!("document.querySelector({selector:?}).click(); true"));
    let start = Instant::now();
    while eval(tab, "location.href") == before || eval(tab, "document.readyState") != "complete" {
        assert!(start.elapsed() < Duration::from_secs(10), "navigation by {selector}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn navigation_end_to_end_on_a_phone() {
    let (_dir, root) = built_demo();
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    set_size(&tab, 390.0, 844.0);
    let problems = watch(&tab);
    tab.navigate_to(&format!("{root}index.html")).unwrap();
    tab.wait_until_navigated().unwrap();
    // The watcher sees console errors (checked with a probe, then forgotten).
    eval(&tab, "console.error('probe'); true");
    let start = Instant::now();
    while problems.lock().unwrap().is_empty() {
        assert!(start.elapsed() < Duration::from_secs(5), "the console watcher saw nothing");
        std::thread::sleep(Duration::from_millis(50));
    }
    problems.lock().unwrap().clear();
    // On a phone the search box and the district tree come before the notice.
    let order = "['.search-box', 'ul.tree', '.notice'].map(s => document.querySelector(s).getBoundingClientRect().top)";
    let tops: Vec<f64> = serde_json::from_value(
        eval(&tab, &format!("JSON.stringify({order})")).as_str().map(|s| serde_json::from_str(s).unwrap()).unwrap(),
    )
    .unwrap();
    assert!(tops[0] < tops[1] && tops[1] < tops[2] && tops[1] < 844.0, "search, tree, notice: {tops:?}");
    let mut visited = vec![eval(&tab, "location.href")];
    // home → district → person → (back to the district) archive → change log → search
    click_link(&tab, "ul.tree a[href$='dongpo/index.html']");
    assert!(eval(&tab, "document.querySelector('h1').textContent").as_str().unwrap().contains("东坡区"));
    visited.push(eval(&tab, "location.href"));
    // Tables become cards: no horizontal scrolling at 390 px.
    assert_eq!(
        eval(&tab, "document.documentElement.scrollWidth <= window.innerWidth + 1"),
        serde_json::Value::Bool(true),
        "no horizontal scroll at 390 px"
    );
    click_link(&tab, "table.roster th[scope=row] a");
    assert!(eval(&tab, "location.href").as_str().unwrap().contains("/people/"));
    assert_eq!(eval(&tab, "!!document.querySelector('.post-card')"), serde_json::Value::Bool(true));
    visited.push(eval(&tab, "location.href"));
    click_link(&tab, "table.history td a");
    assert_eq!(eval(&tab, "document.querySelector('.banner') !== null"), serde_json::Value::Bool(true));
    visited.push(eval(&tab, "location.href"));
    click_link(&tab, ".breadcrumbs li:nth-last-child(2) a");
    click_link(&tab, "p.in-force a[href$='changes/index.html']");
    assert!(eval(&tab, "document.querySelectorAll('.log-entry').length > 1") == serde_json::Value::Bool(true));
    visited.push(eval(&tab, "location.href"));
    click_link(&tab, ".site-nav a[href$='search/index.html']");
    assert_eq!(search(&tab, "zhaohai").first().map(String::as_str), Some("赵海"));
    for r in resources(&tab) {
        assert!(r.starts_with("file://"), "a request to another host: {r}");
    }
    let problems = problems.lock().unwrap().clone();
    assert!(problems.is_empty(), "console errors: {problems:?} (visited {visited:?})");
}

/// Issue 18: no page scrolls sideways at any width from 320 to 1600 px, in normal and in 大字
/// text, and where the roster is a table its 分工 column is at least 12 em wide (below that
/// width it is a list of cards).
#[test]
fn every_width_reads_without_sideways_scroll_or_a_squeezed_duties_column() {
    let (_dir, root) = built_demo();
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    let probe = "JSON.stringify((() => {
        const cells = [...document.querySelectorAll('td.c-duties')].filter(c => getComputedStyle(c).display === 'table-cell');
        const em = cells.length ? parseFloat(getComputedStyle(cells[0]).fontSize) : 16;
        const narrowest = cells.length ? Math.min(...cells.map(c => c.getBoundingClientRect().width)) : null;
        // What sticks out, innermost first, for the message.
        const wide = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth + 0.5)
            .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > innerWidth + 0.5)).slice(0, 4)
            .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ' ' + (e.textContent || '').trim().slice(0, 24));
        return { width: innerWidth, scroll: document.documentElement.scrollWidth, narrowest, em, tables: cells.length, wide };
    })())";
    let mut tables_seen = 0;
    tab.navigate_to(&format!("{root}index.html")).unwrap();
    tab.wait_until_navigated().unwrap();
    for mode in ["normal", "large"] {
        eval(
            &tab,
            &format!("localStorage.clear(); if ('{mode}' === 'large') localStorage.setItem('roster-large', '1'); true"),
        );
        for page in ["shili/dongpo/index.html", "shili/dongpo/2024-06-30/index.html", "people/zhao-hai/index.html"] {
            for width in (320..=1600).step_by(40) {
                set_size(&tab, width as f64, 900.0);
                tab.navigate_to(&format!("{root}{page}")).unwrap();
                tab.wait_until_navigated().unwrap();
                let value: serde_json::Value = serde_json::from_str(eval(&tab, probe).as_str().unwrap()).unwrap();
                let at = format!("{page} at {width} px in {mode} text: {value}");
                let class = eval(&tab, "document.documentElement.className");
                assert_eq!(class == "mode-large", mode == "large", "{at}: {class}");
                assert_eq!(value["width"].as_f64(), Some(width as f64), "{at}");
                assert!(value["scroll"].as_f64().unwrap() <= width as f64, "sideways scroll: {at}");
                if let Some(narrowest) = value["narrowest"].as_f64() {
                    tables_seen += 1;
                    assert!(narrowest >= 12.0 * value["em"].as_f64().unwrap() - 0.5, "分工 squeezed: {at}");
                }
            }
        }
    }
    assert!(tables_seen > 10, "the wide layouts were measured as tables ({tables_seen})");
}

/// Issue 18: axe-core (WCAG 2.1 A and AA, and best practices) finds nothing on the home,
/// district, person, change-log, search and call-check pages at 390, 768, 1024 and 1280 px;
/// in 高对比 (with 大字) no text is under 7:1.
#[test]
fn axe_finds_no_violation_at_four_widths() {
    let axe = crate::support::repo().join("node_modules/axe-core/axe.min.js");
    let axe = std::fs::read_to_string(&axe).expect("axe-core (./test fetches it: npm install --no-save axe-core)");
    let (_dir, root) = built_demo();
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    let run_axe = "axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })
        .then(r => JSON.stringify(r.violations.map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))))";
    let mut found = Vec::new();
    let pages = [
        "index.html",
        "shili/dongpo/index.html",
        "people/zhao-hai/index.html",
        "shili/dongpo/changes/index.html",
        "search/index.html?q=li",
        "checks/index.html",
    ];
    for width in [390.0, 768.0, 1024.0, 1280.0] {
        set_size(&tab, width, 900.0);
        for page in pages {
            tab.navigate_to(&format!("{root}{page}")).unwrap();
            tab.wait_until_navigated().unwrap();
            eval(&tab, &format!("{axe}\ntrue"));
            let violations = eval(&tab, run_axe);
            let violations: Vec<String> = serde_json::from_str(violations.as_str().unwrap()).unwrap();
            found.extend(violations.into_iter().map(|v| format!("{page} at {width} px: {v}")));
        }
    }
    // 高对比: every text at least 7:1 (axe's enhanced contrast rule), in 大字 as well.
    let enhanced = "axe.run(document, { runOnly: { type: 'rule', values: ['color-contrast-enhanced'] } })
        .then(r => JSON.stringify(r.violations.map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + n.any.map(c => c.message).join(' ')).join(', '))))";
    eval(&tab, "localStorage.setItem('roster-contrast', '1'); localStorage.setItem('roster-large', '1'); true");
    for width in [390.0, 1280.0] {
        set_size(&tab, width, 900.0);
        for page in pages {
            tab.navigate_to(&format!("{root}{page}")).unwrap();
            tab.wait_until_navigated().unwrap();
            assert_eq!(eval(&tab, "document.documentElement.className"), "mode-large mode-contrast");
            eval(&tab, &format!("{axe}\ntrue"));
            let violations: Vec<String> = serde_json::from_str(eval(&tab, enhanced).as_str().unwrap()).unwrap();
            found.extend(violations.into_iter().map(|v| format!("{page} at {width} px in 高对比: {v}")));
        }
    }
    eval(&tab, "localStorage.clear(); true");
    assert!(found.is_empty(), "{found:#?}");
}

/// A generated district whose names share readings: 黎建平 (li) after 刘强 (liu), 林芳 (lin)
/// and 梁伟 (liang) in roster order, 王丽 with li as her second syllable; duties written out
/// in full (城市管理, 最低生活保障).
fn forgiving_site() -> crate::support::Temp {
    let people = [
        ("刘强", "区长", "主持区政府全面工作。"),
        ("林芳", "副区长", "负责教育、卫生健康工作。"),
        ("梁伟", "副区长", "负责交通运输工作。"),
        ("邓小军", "副区长", "负责城市管理、综合执法工作。"),
        ("王丽", "副区长", "负责最低生活保障和社会救助工作。"),
        ("黎建平", "副区长", "负责财政、审计工作。"),
    ];
    let mut edition = String::from("reason = \"换届\"\n\n[[body]]\nname = \"某区人民政府\"\n");
    for (i, (name, post, duties)) in people.iter().enumerate() {
        edition.push_str(&format!(
            "\n[[body.member]]\nname = \"{name}\"\npost = \"{post}\"\nduties = \"{duties}\"\noffice_phone = \"028-3813 10{i:02}\"\n"
        ));
    }
    let dir = crate::support::site(&[
        ("content/qu/district.toml", "name = \"某区\"\nkind = \"区\"\n"),
        ("content/qu/2026-01-01.toml", &edition),
        (
            "roster.toml",
            "title = \"测试市\"\nbase_url = \"https://example.org/\"\n\n[search.synonyms]\n\"财审\" = [\"审计\"]\n",
        ),
    ]);
    let run = crate::roster!(dir, "build");
    assert_eq!(run.code, 0, "{}", run.stderr);
    dir
}

/// Issue 18: a same-sounding character finds the name (李 finds 黎, 李建萍 finds 黎建平),
/// after every exact match; "li" ranks the syllable li before liu, lin and liang; 城管 and 低保
/// find duties written in full, and so do the editor's own synonyms; and the status is empty again once the box is cleared.
#[test]
fn search_forgives_homophones_ranks_by_syllable_and_knows_synonyms() {
    let dir = forgiving_site();
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    tab.navigate_to(&format!("file://{}", dir.join("public/search/index.html").display())).unwrap();
    tab.wait_until_navigated().unwrap();
    assert_eq!(search(&tab, "李"), ["黎建平", "王丽"], "the surname first, then the given name");
    assert_eq!(search(&tab, "李建萍"), ["黎建平"]);
    assert_eq!(search(&tab, "黎剑平"), ["黎建平"]);
    assert_eq!(search(&tab, "丽"), ["王丽", "黎建平"], "the exact character before the sound");
    assert_eq!(search(&tab, "林"), ["林芳"], "lin is not li");
    assert_eq!(search(&tab, "li"), ["黎建平", "刘强", "林芳", "梁伟", "王丽"]);
    assert_eq!(search(&tab, "lin"), ["林芳"]);
    assert_eq!(search(&tab, "城管"), ["邓小军"]);
    assert_eq!(search(&tab, "低保"), ["王丽"]);
    assert_eq!(search(&tab, "城市管理"), ["邓小军"]);
    assert_eq!(search(&tab, "财审"), ["黎建平"], "[search] synonyms adds the editor's own");
    let status = "document.getElementById('search-status').textContent";
    assert!(eval(&tab, status).as_str().unwrap().contains('1'), "{}", eval(&tab, status));
    // Cleared as a person clears it: select all, delete.
    eval(&tab, "document.getElementById('q').select(); true");
    tab.press_key("Backspace").unwrap();
    wait_until(&tab, &format!("{status} === '' && !document.querySelector('#results li')"), 5, "an empty status");
}

/// Issue 18: every `[site]` field shows in the footer with its link, the meta tags of a
/// government site are there (`ColumnName` on inner pages only), the favicon loads, and each
/// 号码有误？ link carries its member's id, field and district; a site without `[site]` shows
/// none of it.
#[test]
fn the_footer_carries_the_government_fields_and_report_links_name_the_number() {
    let (_dir, root) = built_demo();
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    tab.navigate_to(&format!("{root}shili/dongpo/index.html")).unwrap();
    tab.wait_until_navigated().unwrap();
    let footer = eval(&tab, "document.querySelector('.site-footer').innerText");
    let footer = footer.as_str().unwrap();
    for text in [
        "主办单位：示例市人民政府办公室",
        "网站标识码：9999000001",
        "示ICP备00000000号-1",
        "示公网安备 99999902000001号",
        "我为政府网站找错",
        "12345",
    ] {
        assert!(footer.contains(text), "{text} in {footer}");
    }
    let href = |text: &str| {
        let js = format!(
            "[...document.querySelectorAll('.site-footer a')].find(a => a.textContent.includes('{text}'))?.href"
        );
        eval(&tab, &js).as_str().unwrap_or_default().to_owned()
    };
    assert_eq!(href("ICP备"), "https://beian.miit.gov.cn/");
    assert_eq!(href("公网安备"), "https://beian.mps.gov.cn/#/query/webSearch?code=99999902000001");
    assert_eq!(href("找错"), "https://example.org/zhaocuo/");
    assert_eq!(href("12345"), "tel:12345");
    let loaded = "(() => { const i = document.querySelector('.gov-mark'); return i.complete && i.naturalWidth > 0 && i.alt === '党政机关网站标识' })()";
    wait_until(&tab, loaded, 5, "the 党政机关网站标识 image");
    let meta = |name: &str| eval(&tab, &format!("document.querySelector('meta[name={name}]')?.content ?? null"));
    assert_eq!(meta("SiteName"), "示例市领导干部联系方式");
    assert_eq!(meta("SiteDomain"), "example.org");
    assert_eq!(meta("SiteIDCode"), "9999000001");
    assert_eq!(meta("ColumnName"), "示例市");
    let favicon = "new Promise(ok => { const i = new Image(); i.onload = () => ok(i.naturalWidth); i.onerror = () => ok(0); i.src = document.querySelector('link[rel=icon]').href; })";
    assert_eq!(tab.evaluate(favicon, true).unwrap().value, Some(serde_json::json!(32)), "favicon.ico");
    // The 号码有误？ link beside 赵海's office phone names him, the field and the district.
    let report = eval(&tab, "document.querySelector('a.report').href");
    assert_eq!(report, "https://example.org/jiucuo/?district=shili%2Fdongpo&id=zhao-hai&field=office_phone");
    let name = eval(&tab, "document.querySelector('a.report').textContent");
    assert_eq!(name, "赵海 办公电话 号码有误？");
    tab.navigate_to(&format!("{root}index.html")).unwrap();
    tab.wait_until_navigated().unwrap();
    assert_eq!(meta("ColumnName"), serde_json::Value::Null, "the home page is no column");
    // Without [site] and [feedback], nothing of it.
    let out = crate::support::temp_dir("no-gov").sub("public");
    let run = crate::roster!(crate::support::fixture("golden"), "build", "--output", out.to_str().unwrap());
    assert_eq!(run.code, 0, "{}", run.stderr);
    tab.navigate_to(&format!("file://{}", out.join("city/index.html").display())).unwrap();
    tab.wait_until_navigated().unwrap();
    assert_eq!(eval(&tab, "document.querySelectorAll('.gov, .feedback, a.report, meta[name=SiteIDCode]').length"), 0);
    assert_eq!(meta("SiteDomain"), "example.org");
}

/// The font size of the first element `selector` matches, in px.
fn font_px(tab: &Tab, selector: &str) -> f64 {
    let js = format!("parseFloat(getComputedStyle(document.querySelector('{selector}')).fontSize)");
    eval(tab, &js).as_f64().unwrap_or_else(|| panic!("no {selector}"))
}

/// Issue 18: 大字 enlarges every text at least 1.3 times and 高对比 is black on white; both
/// are remembered on the next page (localStorage), and the buttons say whether they are on.
#[test]
fn large_text_and_high_contrast_persist_to_the_next_page() {
    let (_dir, root) = built_demo();
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    set_size(&tab, 390.0, 900.0);
    tab.navigate_to(&format!("{root}shili/dongpo/index.html")).unwrap();
    tab.wait_until_navigated().unwrap();
    eval(&tab, "localStorage.clear(); true");
    tab.reload(true, None).unwrap();
    wait_until(&tab, "document.readyState === 'complete' && !!document.querySelector('td.c-duties')", 10, "the page");
    let texts = ["body", "td.c-duties", ".verified", "a.report", ".site-footer", "h1", ".site-nav a"];
    let before: Vec<f64> = texts.iter().map(|s| font_px(&tab, s)).collect();
    assert!(before.iter().all(|px| *px >= 14.0), "no text under 14 px: {before:?}");
    wait_until(&tab, "!document.getElementById('display-options').hidden", 5, "the display options");
    let pressed = |mode: &str| {
        eval(&tab, &format!("document.querySelector('button[data-mode={mode}]').getAttribute('aria-pressed')"))
    };
    assert_eq!(pressed("large"), "false");
    tab.find_element("button[data-mode=large]").unwrap().click().unwrap();
    assert_eq!(pressed("large"), "true");
    let after: Vec<f64> = texts.iter().map(|s| font_px(&tab, s)).collect();
    for ((s, b), a) in texts.iter().zip(&before).zip(&after) {
        assert!(a / b >= 1.3, "{s}: {b} px → {a} px");
    }
    assert!(eval(&tab, "document.documentElement.scrollWidth <= innerWidth") == true, "sideways scroll in 大字");
    tab.find_element("button[data-mode=contrast]").unwrap().click().unwrap();
    click_link(&tab, "a[href$='people/zhao-hai/index.html']");
    wait_until(&tab, "location.href.endsWith('people/zhao-hai/index.html')", 10, "the person page");
    assert_eq!(eval(&tab, "document.documentElement.className"), "mode-large mode-contrast");
    assert_eq!(pressed("large"), "true");
    assert_eq!(pressed("contrast"), "true");
    assert_eq!(eval(&tab, "getComputedStyle(document.body).color"), "rgb(0, 0, 0)");
    assert!(font_px(&tab, "body") >= 1.3 * before[0]);
    // Off again, and off on the next page.
    tab.find_element("button[data-mode=large]").unwrap().click().unwrap();
    tab.find_element("button[data-mode=contrast]").unwrap().click().unwrap();
    tab.reload(true, None).unwrap();
    wait_until(&tab, "document.readyState === 'complete' && !!document.body", 10, "the page");
    assert_eq!(eval(&tab, "document.documentElement.className"), "");
    assert_eq!(font_px(&tab, "body"), before[0]);
    // Without JavaScript the page reads as it is and offers no button that cannot work.
    let plain = browser.new_tab().unwrap();
    plain.call_method(headless_chrome::protocol::cdp::Emulation::SetScriptExecutionDisabled { value: true }).unwrap();
    plain.navigate_to(&format!("{root}shili/dongpo/index.html")).unwrap();
    plain.wait_until_navigated().unwrap();
    assert_eq!(eval(&plain, "document.getElementById('display-options').getClientRects().length"), 0);
    assert!(eval(&plain, "document.querySelectorAll('a[href^=\"tel:\"]').length").as_u64().unwrap() > 50);
}

/// Issue 18: every `tel:` link is read out with the person and the kind of number (赵海 办公电话
/// 028 3813 0001) while it shows the digits alone, every table has a name, and no text on the
/// way to a number is under 14 px, on a phone as on a desktop.
#[test]
fn numbers_and_tables_have_names_and_no_text_is_under_14_px() {
    let (_dir, root) = built_demo();
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    let probe = "JSON.stringify((() => {
        const name = e => e.textContent.replace(/\\s+/g, ' ').trim();
        const tels = [...document.querySelectorAll('a[href^=\"tel:\"]')].filter(a => !a.closest('.site-footer'));
        const unnamed = tels.filter(a => a.hasAttribute('aria-label') || !/^\\S+ (办公电话|手机) [0-9 +]+$/.test(name(a)))
            .map(a => name(a));
        // What shows: the link without its visually hidden part, which takes no room.
        const visible = a => [...a.childNodes].filter(n => !(n.nodeType === 1 && n.classList.contains('vh'))).map(n => n.textContent).join('').replace(/\\s+/g, ' ').trim();
        const hidden = a => [...a.querySelectorAll('.vh')].every(v => v.getBoundingClientRect().width <= 1 && v.getBoundingClientRect().height <= 1);
        const shown = tels.filter(a => !hidden(a) || !/^[0-9 +]+$/.test(visible(a)) || !name(a).endsWith(visible(a))).map(a => name(a));
        const tables = [...document.querySelectorAll('table')].filter(t => {
            const cap = t.querySelector('caption');
            const by = t.getAttribute('aria-labelledby');
            const label = by ? by.split(' ').map(id => document.getElementById(id)).filter(Boolean).map(name).join(' ') : '';
            return !(cap && name(cap)) && !label;
        }).length;
        const texts = [...document.querySelectorAll('body *')].filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
            .filter(e => e.getClientRects().length && !e.closest('.vh'));
        const small = texts.filter(e => parseFloat(getComputedStyle(e).fontSize) < 14).map(e => e.tagName + '.' + e.className + ' ' + name(e).slice(0, 20));
        return { tels: tels.length, unnamed, shown, tables, count: document.querySelectorAll('table').length, small };
    })())";
    let mut seen = (0, 0);
    for width in [390.0, 1280.0] {
        set_size(&tab, width, 900.0);
        for page in [
            "shili/dongpo/index.html",
            "people/zhao-hai/index.html",
            "search/index.html?q=li",
            "shili/dongpo/changes/index.html",
            "index.html",
        ] {
            tab.navigate_to(&format!("{root}{page}")).unwrap();
            tab.wait_until_navigated().unwrap();
            if page.starts_with("search") {
                wait_until(&tab, "!!document.querySelector('#results .tel')", 10, "search results");
            }
            let v: serde_json::Value = serde_json::from_str(eval(&tab, probe).as_str().unwrap()).unwrap();
            let at = format!("{page} at {width} px: {v}");
            assert_eq!(v["unnamed"], serde_json::json!([]), "{at}");
            assert_eq!(v["shown"], serde_json::json!([]), "the digits alone are shown: {at}");
            assert_eq!(v["tables"], 0, "unnamed tables: {at}");
            assert_eq!(v["small"], serde_json::json!([]), "text under 14 px: {at}");
            seen.0 += v["tels"].as_u64().unwrap();
            seen.1 += v["count"].as_u64().unwrap();
        }
    }
    assert!(seen.0 > 100 && seen.1 > 10, "tel: links and tables were checked: {seen:?}");
}
