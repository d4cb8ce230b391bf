//! The newspaper page fills itself: each PDF page is rasterised (`pdftoppm -gray`), split into
//! its columns, and each column's lowest ink is measured, as a layout editor would look at it.
//! The demo and a 1,100-official roster end level on their last page; `pages = 6` fills six
//! pages to the foot of every column; `pages = 1` is refused with the pages it needs.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::roster;
use crate::support::{site_copy, temp_dir};

#[path = "../../examples/synth/mod.rs"]
mod synth;

/// Broadsheet as roster sets it: the type area, 6 columns, 3.5 mm apart, and the folio
/// line's 6 mm under the columns.
const COLUMNS: usize = 6;
const GUTTER_MM: f64 = 3.5;
const FOOTER_MM: f64 = 6.0;

/// How far down each column of each page is inked, as a fraction of the page height; `None`
/// for a column with no ink (on the first page, below the masthead's rule).
fn ink_depths(pdf: &Path) -> Vec<Vec<Option<f64>>> {
    let dir = pdf.with_file_name("raster");
    std::fs::create_dir_all(&dir).unwrap();
    let out = Command::new("pdftoppm")
        .args(["-gray", "-r", "40"])
        .arg(pdf)
        .arg(dir.join("p"))
        .output()
        .expect("pdftoppm is needed for this test (apt-get install poppler-utils)");
    assert!(out.status.success(), "pdftoppm failed: {}", String::from_utf8_lossy(&out.stderr));
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    pages.sort();
    pages
        .iter()
        .enumerate()
        .map(|(n, page)| {
            let (width, pixels) = crate::print::pgm(page);
            let height = pixels.len() / width;
            let dark = |x: usize, y: usize| pixels[y * width + x] < 128;
            let px_per_mm = width as f64 / 350.0;
            // The folio line is not a column's ink.
            let bottom = height - (FOOTER_MM * px_per_mm).ceil() as usize;
            // On the first page, the columns start under the masthead's rule, the first row
            // inked across most of the page.
            let top = if n == 0 {
                (0..bottom).find(|y| (0..width).filter(|x| dark(*x, *y)).count() > width * 8 / 10).unwrap() + 2
            } else {
                0
            };
            let col_w = (width as f64 - (COLUMNS - 1) as f64 * GUTTER_MM * px_per_mm) / COLUMNS as f64;
            (0..COLUMNS)
                .map(|c| {
                    let x0 = (c as f64 * (col_w + GUTTER_MM * px_per_mm)).round() as usize;
                    let x1 = ((x0 as f64 + col_w).round() as usize).min(width);
                    (top..bottom).rev().find(|y| (x0..x1).any(|x| dark(x, *y))).map(|y| (y + 1) as f64 / height as f64)
                })
                .collect()
        })
        .collect()
}

/// The last page's columns: all inked, ending within `tolerance` of the page height.
fn assert_level_last_page(depths: &[Vec<Option<f64>>], tolerance: f64, what: &str) {
    let last = depths.last().unwrap();
    assert!(last.iter().all(Option::is_some), "{what}: an empty column on the last page: {last:?}");
    let ends: Vec<f64> = last.iter().map(|d| d.unwrap()).collect();
    let spread = ends.iter().copied().fold(0.0, f64::max) - ends.iter().copied().fold(1.0, f64::min);
    assert!(spread <= tolerance, "{what}: the last page's columns end at {ends:?}, {spread:.3} apart");
    eprintln!("{what}: {} pages; last page columns end at {ends:.3?}", depths.len());
}

/// A generated roster of 22 districts × 50 officials, with `extra` added to roster.toml.
fn generated(extra: &str) -> crate::support::Temp {
    let dir = temp_dir("columns-1100");
    let opts = synth::Options { districts: 22, members: 50, total: None, editions: 2, seed: 7 };
    synth::write(&dir, &opts).unwrap();
    let config = dir.join("roster.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}\n{extra}")).unwrap();
    dir
}

fn build_pdf(dir: &Path) -> (PathBuf, String) {
    let out = dir.join("public");
    let run = roster!(dir, "build", "--output", out.to_str().unwrap());
    assert_eq!(run.code, 0, "{}", run.stderr);
    (out.join("print/roster.pdf"), run.stderr)
}

#[test]
fn the_demo_ends_with_level_columns() {
    let dir = site_copy("demo");
    let (pdf, _) = build_pdf(&dir);
    assert_level_last_page(&ink_depths(&pdf), 0.10, "demo");
}

#[test]
fn eleven_hundred_officials_end_with_level_columns() {
    let dir = generated("");
    let (pdf, _) = build_pdf(&dir);
    let depths = ink_depths(&pdf);
    assert_level_last_page(&depths, 0.10, "1,100 officials");
    // Every page but the last is full.
    for (n, page) in depths[..depths.len() - 1].iter().enumerate() {
        assert!(page.iter().all(|d| d.is_some_and(|d| d > 0.85)), "page {}: {page:?}", n + 1);
    }
}

#[test]
fn pages_six_fills_exactly_six_pages_to_the_foot() {
    let dir = generated("[print]\npages = 6\n");
    let (pdf, stderr) = build_pdf(&dir);
    let depths = ink_depths(&pdf);
    assert_eq!(depths.len(), 6, "{stderr}");
    for (n, page) in depths.iter().enumerate() {
        assert!(page.iter().all(|d| d.is_some_and(|d| d >= 0.85)), "page {}: {page:?}", n + 1);
    }
    eprintln!("pages = 6: columns inked to {depths:.3?}");
    // The size chosen is in the build's summary and the PDF's keywords.
    let size = stderr.split("set at ").nth(1).and_then(|s| s.split(" pt").next()).expect(&stderr).to_owned();
    let size_pt: f64 = size.parse().unwrap();
    assert!((6.0..=10.0).contains(&size_pt), "{size}");
    let info = Command::new("pdfinfo").arg(&pdf).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains(&format!("font size {size} pt")), "{info}");
}

#[test]
fn pages_one_is_refused_with_the_pages_it_needs() {
    let dir = generated("[print]\npages = 1\n");
    let run = roster!(dir, "build");
    assert_eq!(run.code, 1, "{}", run.stderr);
    let needs: usize = run
        .stderr
        .split("the roster needs ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("names the pages it needs: {}", run.stderr));
    assert!(needs > 1, "{}", run.stderr);
    assert!(run.stderr.contains("min_font_size = 6 pt"), "{}", run.stderr);
    assert!(!dir.join("public").exists(), "nothing half-written");
}

/// `split = "district"`: one PDF per top-level district, each under its own masthead and with
/// its own page count and level last page, linked from print/index.html; no site-wide PDF.
#[test]
fn split_prints_one_pdf_per_top_level_district() {
    let dir = generated("[print]\nsplit = \"district\"\n");
    let out = dir.join("public");
    let run = roster!(dir, "build", "--output", out.to_str().unwrap());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!out.join("print/roster.pdf").exists(), "no site-wide PDF with split");
    let index = std::fs::read_to_string(out.join("print/index.html")).unwrap();
    // The generator makes every 20th district a top-level city: d00000 and d00020.
    for slug in ["d00000", "d00020"] {
        let pdf = out.join("print").join(slug).join("roster.pdf");
        assert!(pdf.exists(), "{slug}: {}", run.stderr);
        assert!(index.contains(&format!("href=\"{slug}/roster.pdf\"")), "{slug} is linked");
        let text = Command::new("pdftotext").args(["-l", "1"]).arg(&pdf).arg("-").output().unwrap();
        let text = String::from_utf8_lossy(&text.stdout);
        let name = std::fs::read_to_string(dir.join("content").join(slug).join("district.toml")).unwrap();
        let name = name.lines().find_map(|l| l.strip_prefix("name = \"")).unwrap().trim_end_matches('"').to_owned();
        assert!(text.contains(&name), "{slug}: its own masthead names {name}: {text:.300}");
        let depths = ink_depths(&pdf);
        assert_level_last_page(&depths, 0.10, slug);
    }
}

/// A row taller than a whole column cannot be printed: the build says whose row it is and what
/// to do, and writes nothing.
#[test]
fn a_row_taller_than_a_column_is_refused() {
    let duties = "负责".repeat(2500);
    let dir = crate::support::site(&[
        ("content/x/district.toml", "name = \"东区\"\n"),
        (
            "content/x/2022-01-01.toml",
            &format!(
                "[[body]]\nname = \"区委\"\n[[body.member]]\nname = \"李明\"\npost = \"书记\"\nduties = \"{duties}\"\n"
            ),
        ),
    ]);
    let run = roster!(dir, "build");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("the row of 李明 (东区, 区委) is taller than a whole column"), "{}", run.stderr);
    assert!(run.stderr.contains("shorten its duties"), "{}", run.stderr);
    assert!(!dir.join("public").exists(), "nothing written");
}

/// With the smallest and largest size the same there is nothing to choose: a roster that
/// does not fit is refused, one that does is set at that size.
#[test]
fn a_single_allowed_size_fits_or_is_refused() {
    let dir = site_copy("demo");
    let config = std::fs::read_to_string(dir.join("roster.toml")).unwrap();
    // The demo's roster.toml has a [print] table already.
    let fixed = |pages: usize| {
        config.replacen("[print]\n", &format!("[print]\npages = {pages}\nmin_font_size = 8\nmax_font_size = 8\n"), 1)
    };
    std::fs::write(dir.join("roster.toml"), fixed(1)).unwrap();
    let run = roster!(dir, "build");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("needs 2 pages even at min_font_size = 8 pt"), "{}", run.stderr);
    std::fs::write(dir.join("roster.toml"), fixed(2)).unwrap();
    let run = roster!(dir, "build");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("2 pages, set at 8.00 pt"), "{}", run.stderr);
}
