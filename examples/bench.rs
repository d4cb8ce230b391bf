//! The benchmark: builds synthetic rosters and reports medians, ratios and peak memory.
//!
//!     cargo run --release --example bench -- print            # 1,108 officials on broadsheet
//!
//! Every figure is the median of `--runs` runs (default 5) measured in this one process run.

#[path = "synth/mod.rs"]
mod synth;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("roster-bench-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Pages of a PDF (counted from its page objects).
fn pdf_pages(pdf: &[u8]) -> usize {
    [&b"/Type /Page"[..], &b"/Type/Page"[..]]
        .iter()
        .map(|needle| {
            pdf.windows(needle.len() + 1).filter(|w| &w[..needle.len()] == *needle && w[needle.len()] != b's').count()
        })
        .sum()
}

fn bench_print(runs: usize) {
    let site = temp("print-site");
    let stats =
        synth::write(&site, &synth::Options { districts: 28, members: 0, total: Some(1108), editions: 2, seed: 7 })
            .expect("write the synthetic site");
    let out = site.join("public");
    let opts = roster::BuildOptions { output: Some(out.clone()), print_only: true, ..Default::default() };
    let mut times = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let outcome = roster::build(&site, &opts);
        times.push(start.elapsed());
        assert!(outcome.ok(), "{:?}", outcome.diagnostics.iter().map(|d| d.to_string()).collect::<Vec<_>>());
    }
    let pdf = std::fs::read(out.join("print/roster.pdf")).expect("the PDF");
    println!("print: {} officials in {} districts on broadsheet, 6 columns", stats.officials, stats.districts);
    println!("  roster build --print-only (load, validate, HTML + PDF): median {} of {runs} runs", ms(median(times)));
    println!("  {} pages, {} KiB", pdf_pages(&pdf), pdf.len() / 1024);
    let _ = std::fs::remove_dir_all(&site);
}

fn main() {
    let mut args = std::env::args().skip(1);
    let what = args.next().unwrap_or_else(|| "all".to_owned());
    let mut runs = 5;
    while let Some(a) = args.next() {
        if a == "--runs" {
            runs = args.next().and_then(|v| v.parse().ok()).unwrap_or(runs);
        }
    }
    match what.as_str() {
        "print" => bench_print(runs),
        other => {
            eprintln!("unknown benchmark `{other}`; try: print");
            std::process::exit(2);
        }
    }
    let _ = Path::new(".");
}
