//! The newspaper layout: print/index.html and print/roster.pdf, checked with poppler's tools
//! (pdfinfo, pdffonts, pdftotext, pdftoppm; `./test` installs poppler-utils). roster runs with
//! `ROSTER_NO_SYSTEM_FONTS=1` (see `support::run`): the PDF is set with the bundled font and
//! `[print] fonts` alone, as on a machine without any font.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::roster;
use crate::support::{fixture, site_copy, temp_dir};

fn build(name: &str) -> crate::support::Temp {
    let out = temp_dir(&format!("{name}-print")).sub("public");
    let run = roster!(fixture(name), "build", "--output", out.to_str().unwrap());
    assert_eq!(run.code, 0, "{}", run.stderr);
    out
}

/// Runs a poppler tool on a PDF and returns its stdout.
fn poppler(tool: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(tool)
        .args(args)
        .arg(pdf)
        .args(if tool == "pdftotext" { vec!["-"] } else { vec![] })
        .output()
        .unwrap_or_else(|e| panic!("{tool} is needed for this test (apt-get install poppler-utils): {e}"));
    assert!(out.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn pdf_page_size_is_the_configured_paper() {
    let out = build("golden");
    let info = poppler("pdfinfo", &[], &out.join("print/roster.pdf"));
    let size = info.lines().find(|l| l.starts_with("Page size:")).expect("page size");
    // broadsheet type area: 350 × 500 mm = 992.126 × 1417.32 pt
    let nums: Vec<f64> = size.split_whitespace().filter_map(|w| w.parse().ok()).collect();
    assert!((nums[0] - 992.126).abs() < 0.1 && (nums[1] - 1417.32).abs() < 0.1, "{size}");
    let tagged = info.lines().find(|l| l.starts_with("Tagged:")).unwrap_or("");
    assert!(tagged.ends_with(" no"), "untagged for press: {info}");
}

#[test]
fn custom_paper_and_tabloid() {
    let dir = site_copy("golden");
    let config =
        std::fs::read_to_string(dir.join("roster.toml")).unwrap() + "\n[print]\npaper = \"300mm 420mm\"\ncolumns = 4\n";
    std::fs::write(dir.join("roster.toml"), config).unwrap();
    assert_eq!(roster!(dir, "build").code, 0);
    let info = poppler("pdfinfo", &[], &dir.join("public/print/roster.pdf"));
    assert!(info.contains("850.394 x 1190.55 pts"), "{info}");
    let html = std::fs::read_to_string(dir.join("public/print/index.html")).unwrap();
    assert!(html.contains("size: 300mm 420mm;"), "{html}");
    assert!(html.contains("column-count: 4;"));
}

#[test]
fn pdf_fonts_are_embedded_and_none_is_type_3() {
    let out = build("golden");
    let fonts = poppler("pdffonts", &[], &out.join("print/roster.pdf"));
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in rows {
        assert!(!row.contains("Type 3"), "{fonts}");
        // columns: name type encoding emb sub uni object ID
        let cols: Vec<&str> = row.split_whitespace().collect();
        let emb = cols[cols.len() - 5];
        assert_eq!(emb, "yes", "not embedded: {row}");
    }
}

#[test]
fn pdf_text_has_every_published_member_and_nothing_withheld() {
    let out = build("golden");
    let text = poppler("pdftotext", &["-layout"], &out.join("print/roster.pdf"));
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for name in ["张三", "王五", "李四", "测试市", "东区", "中共测试市委", "市委书记", "13900000001", "02838120001"]
    {
        assert!(compact.contains(name), "{name} missing from the PDF:\n{text}");
    }
    // Private mobile of 王五; office is not in the print policy; hours neither.
    for withheld in ["13900000003", "市委大楼", "8:00—23:00"] {
        assert!(!compact.contains(withheld), "{withheld} must not be printed");
    }
    assert!(compact.contains("第1版/共1版"), "footer: {text}");
}

#[test]
fn html_print_layout_has_the_same_rules() {
    let out = build("golden");
    let html = std::fs::read_to_string(out.join("print/index.html")).unwrap();
    assert!(html.contains("size: 350mm 500mm;"));
    assert!(html.contains("@bottom-center { content: \"第 \" counter(page) \" 版 / 共 \" counter(pages) \" 版\";"));
    assert!(html.contains("column-count: 6;"));
    assert!(html.contains("tr { break-inside: avoid; }"));
    assert!(html.contains("break-after: avoid"));
    assert!(html.contains("thead { display: table-header-group; }"));
    assert!(!html.contains("13900000003") && !html.contains("139 0000 0003"));
    assert!(!html.contains("市委大楼"));
    assert!(html.contains("<th scope=\"row\">张三</th>"));
    assert!(!html.contains("text-align: justify"));
}

#[test]
fn pdf_is_byte_identical_across_builds() {
    let a = std::fs::read(build("golden").join("print/roster.pdf")).unwrap();
    let b = std::fs::read(build("golden").join("print/roster.pdf")).unwrap();
    assert!(a.starts_with(b"%PDF-"));
    assert_eq!(a, b);
}

#[test]
fn changes_box_lists_changes_since_the_previous_printing() {
    let out = build("golden");
    let text = poppler("pdftotext", &[], &out.join("print/roster.pdf"));
    assert!(text.contains("本期调整"), "{text}");
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(compact.contains("测试市新任：王五（市长）"), "{text}");
    let dir = site_copy("golden");
    let config =
        std::fs::read_to_string(dir.join("roster.toml")).unwrap() + "\n[print]\nchanges = false\npdf = false\n";
    std::fs::write(dir.join("roster.toml"), config).unwrap();
    assert_eq!(roster!(dir, "build").code, 0);
    assert!(!dir.join("public/print/roster.pdf").exists(), "pdf = false writes no PDF");
    let html = std::fs::read_to_string(dir.join("public/print/index.html")).unwrap();
    assert!(!html.contains("changes-box\">"));
}

#[test]
fn print_only_writes_just_the_print_files() {
    let out = temp_dir("print-only").sub("public");
    let run = roster!(fixture("golden"), "build", "--print-only", "--output", out.to_str().unwrap());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.join("print/index.html").exists() && out.join("print/roster.pdf").exists());
    assert!(!out.join("index.html").exists());
}

#[test]
fn a_font_file_that_is_not_a_font_is_an_error() {
    let dir = site_copy("golden");
    std::fs::write(dir.join("notafont.otf"), "hello").unwrap();
    let config = std::fs::read_to_string(dir.join("roster.toml")).unwrap() + "\n[print]\nfonts = [\"notafont.otf\"]\n";
    std::fs::write(dir.join("roster.toml"), config).unwrap();
    let run = roster!(dir, "build");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("`notafont.otf` is not a font file"), "{}", run.stderr);
}

/// The colour operators of the PDF's content streams (inflated).
fn colour_operators(pdf: &[u8]) -> std::collections::BTreeSet<String> {
    use std::io::Read;
    let mut ops = std::collections::BTreeSet::new();
    let mut rest = pdf;
    while let Some(start) = find(rest, b"stream\n") {
        let body = &rest[start + 7..];
        let Some(end) = find(body, b"endstream") else {
            break;
        };
        let mut text = Vec::new();
        if flate2::read::ZlibDecoder::new(&body[..end]).read_to_end(&mut text).is_ok() {
            let text = String::from_utf8_lossy(&text);
            let words: Vec<&str> = text.split_whitespace().collect();
            for (i, w) in words.iter().enumerate() {
                let arity = match *w {
                    "k" | "K" => 4,
                    "rg" | "RG" => 3,
                    "g" | "G" => 1,
                    "sc" | "SC" | "scn" | "SCN" | "cs" | "CS" => 1,
                    _ => continue,
                };
                if i >= arity {
                    ops.insert(words[i - arity..=i].join(" "));
                }
            }
        }
        rest = &body[end + b"endstream".len()..];
    }
    ops
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn pdf_ink_is_cmyk_black_only() {
    let pdf = std::fs::read(build("golden").join("print/roster.pdf")).unwrap();
    let ops = colour_operators(&pdf);
    assert!(!ops.is_empty(), "no colour operators found");
    for op in &ops {
        assert!(op == "0 0 0 1 k" || op == "0 0 0 1 K", "not 100 % CMYK black: {op} (all: {ops:?})");
    }
}

/// The first rows of pixels of page 1, rendered at 100 dpi in grey (0 black, 255 white).
fn top_rows(pdf: &Path, rows: usize) -> Vec<Vec<u8>> {
    let prefix = pdf.with_file_name("top");
    let h = rows.to_string();
    let out = Command::new("pdftoppm")
        .args(["-gray", "-r", "100", "-f", "1", "-l", "1", "-y", "0", "-H", &h, "-W", "100000", "-singlefile"])
        .arg(pdf)
        .arg(&prefix)
        .output()
        .expect("pdftoppm is needed for this test (apt-get install poppler-utils)");
    assert!(out.status.success(), "pdftoppm failed: {}", String::from_utf8_lossy(&out.stderr));
    let (width, pixels) = pgm(&prefix.with_extension("pgm"));
    pixels.chunks(width).map(<[u8]>::to_vec).collect()
}

#[test]
fn the_page_edge_cuts_no_glyph_of_the_masthead() {
    // The broadsheet page is the type area itself (no margin): the masthead's characters,
    // which reach above the cap height, must still lie wholly on the page.
    let out = build("golden");
    let rows = top_rows(&out.join("print/roster.pdf"), 2);
    for (i, row) in rows.iter().enumerate() {
        let dark = row.iter().filter(|p| **p < 160).count();
        assert_eq!(dark, 0, "row {i} of page 1 has {dark} dark pixels: something is cut by the top edge");
    }
}

/// pdffonts' rows: (type, embedded) of each font.
fn font_rows(pdf: &Path) -> Vec<(String, String)> {
    let fonts = poppler("pdffonts", &[], pdf);
    // columns: name type [encoding…] emb sub uni object ID; the type may be two words.
    fonts
        .lines()
        .skip(2)
        .map(|row| {
            let cols: Vec<&str> = row.split_whitespace().collect();
            assert!(cols.len() >= 7, "{fonts}");
            (cols[1..cols.len() - 6].join(" "), cols[cols.len() - 5].to_owned())
        })
        .collect()
}

#[test]
fn demo_prints_with_the_bundled_font_alone() {
    let dir = site_copy("demo");
    let run = roster!(dir, "build");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("no print font has"), "the bundled font sets the whole demo: {}", run.stderr);
    let pdf = dir.join("public/print/roster.pdf");
    let rows = font_rows(&pdf);
    assert!(!rows.is_empty());
    for (kind, emb) in &rows {
        assert!(kind.starts_with("CID"), "a CID font, not {kind}: {rows:?}");
        assert_eq!(emb, "yes", "embedded: {rows:?}");
    }
    // In the order of the content stream: a cell's lines stay together.
    let text = poppler("pdftotext", &["-raw"], &pdf);
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    // Every name the print policy publishes: the current members, as open data lists them.
    let csv = std::fs::read_to_string(dir.join("public/data/roster.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let column = reader.headers().unwrap().iter().position(|h| h == "name").expect("a name column");
    let post = reader.headers().unwrap().iter().position(|h| h == "post").expect("a post column");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let names: Vec<String> = rows.iter().map(|r| r[column].to_owned()).collect();
    assert!(names.len() >= 150, "the demo is a city's roster: {} names", names.len());
    for name in &names {
        assert!(compact.contains(name.as_str()), "{name} missing from the PDF");
    }
    // Posts too (长, 面 and full-width punctuation have glyph ids above 32767 in Noto CJK).
    for row in &rows {
        let post: String = row[post].chars().filter(|c| !c.is_whitespace()).collect();
        assert!(compact.contains(&post), "post {post} missing from the PDF");
    }
    assert!(names.iter().any(|n| n.contains('燚')), "the demo has a rare-character name");
}

#[test]
fn a_character_no_font_has_is_a_warning_at_its_place() {
    let dir = site_copy("golden");
    let file = dir.join("content/city/2022-01-01.toml");
    let text = std::fs::read_to_string(&file).unwrap().replacen(
        "name = \"王五\"",
        "id = \"gao-yuan\"\nname = \"高\u{2A6A5}远\"",
        1,
    );
    std::fs::write(&file, &text).unwrap();
    let (line, col) = text
        .lines()
        .enumerate()
        .find_map(|(i, l)| l.find('\u{2A6A5}').map(|b| (i + 1, l[..b].chars().count() + 1)))
        .expect("the name was written");
    for command in ["check", "build"] {
        let run = roster!(dir, command);
        assert_eq!(run.code, 0, "a warning, not an error: {}", run.stderr);
        let place = format!("content/city/2022-01-01.toml:{line}:{col}");
        assert!(run.stderr.contains(&place), "{command} names {place}: {}", run.stderr);
        assert!(run.stderr.contains("U+2A6A5"), "{}", run.stderr);
        assert!(run.stderr.contains("[print] fonts"), "the hint: {}", run.stderr);
        let json = roster!(dir, command, "--format", "json");
        let warning = json.stdout.lines().find(|l| l.contains("U+2A6A5")).expect("a JSON diagnostic");
        let v: serde_json::Value = serde_json::from_str(warning).unwrap();
        assert_eq!(v["severity"], "warning");
        assert_eq!((v["line"].as_u64(), v["column"].as_u64()), (Some(line as u64), Some(col as u64)));
    }
    // Written as a TOML escape, the escape is the place.
    let escaped = text.replace('\u{2A6A5}', "\\U0002A6A5");
    std::fs::write(&file, &escaped).unwrap();
    let run = roster!(dir, "check");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains(&format!("content/city/2022-01-01.toml:{line}:{col}")), "{}", run.stderr);
    assert!(run.stderr.contains("U+2A6A5"), "{}", run.stderr);
}

/// Every character of the bundled font prints with ink: a theme's print template sets each
/// character of U+4E00–U+9FFF (and the punctuation rosters use) in a cell of its own, and each
/// cell of the rasterised pages must have dark pixels, unless roster warned that no font has
/// the character. (A font file that loses glyphs in the PDF prints blank boxes with the right
/// text behind them, which pdftotext cannot see.)
#[test]
fn every_character_of_the_bundled_font_has_ink_on_the_page() {
    const PER_ROW: usize = 35;
    const ROWS: usize = 50;
    let mut probe: String = ('\u{4E00}'..='\u{9FFF}').collect();
    probe.push_str("，。、；：？！“”‘’（）《》【】—…·〇０１２３４５６７８９ＡＢａｂ①②ⅠⅡ→■□●○");
    let template = format!(
        r#"#let data = json("roster.json")
#set page(width: {w}mm, height: {h}mm, margin: 0mm)
#set text(font: data.fonts, size: 7mm, fill: black)
#for (i, c) in data.masthead.clusters().enumerate() {{
  let weight = if calc.rem(i, 2) == 0 {{ "regular" }} else {{ "bold" }}
  place(top + left, dx: calc.rem(i, {PER_ROW}) * 10mm, dy: calc.rem(calc.quo(i, {PER_ROW}), {ROWS}) * 10mm,
    box(width: 10mm, height: 10mm, align(center + horizon, text(weight: weight, c))))
  if calc.rem(i, {PER_ROW} * {ROWS}) == {PER_ROW} * {ROWS} - 1 {{ pagebreak() }}
}}
"#,
        w = PER_ROW * 10,
        h = ROWS * 10
    );
    let config = format!(
        "title = \"x\"\nbase_url = \"https://example.org/\"\ntheme = \"probe\"\n[print]\ntitle = \"{probe}\"\nchanges = false\n"
    );
    let dir = crate::support::site(&[
        ("roster.toml", &config),
        ("themes/probe/print/roster.typ", &template),
        ("content/x/district.toml", "name = \"某区\"\n"),
        (
            "content/x/2024-01-01.toml",
            "[[body]]\nname = \"某机关\"\n[[body.member]]\nname = \"李明\"\npost = \"区长\"\n",
        ),
    ]);
    let run = roster!(dir, "build", "--print-only");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let missing: std::collections::BTreeSet<u32> = run
        .stderr
        .match_indices("U+")
        .filter_map(|(i, _)| {
            let hex: String = run.stderr[i + 2..].chars().take_while(char::is_ascii_hexdigit).collect();
            u32::from_str_radix(&hex, 16).ok()
        })
        .collect();
    let pdf = dir.join("public/print/roster.pdf");
    // 2 pixels per millimetre: a cell is 20 × 20 pixels.
    let prefix = dir.join("page");
    let out = Command::new("pdftoppm").args(["-gray", "-r", "50.8"]).arg(&pdf).arg(&prefix).output().unwrap();
    assert!(out.status.success(), "pdftoppm: {}", String::from_utf8_lossy(&out.stderr));
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "pgm"))
        .collect();
    pages.sort();
    let chars: Vec<char> = probe.chars().collect();
    assert_eq!(pages.len(), chars.len().div_ceil(PER_ROW * ROWS));
    let mut blank = Vec::new();
    for (i, c) in chars.iter().enumerate() {
        let (page, cell) = (i / (PER_ROW * ROWS), i % (PER_ROW * ROWS));
        if missing.contains(&(*c as u32)) {
            continue;
        }
        let image = pgm(&pages[page]);
        let (x0, y0) = ((cell % PER_ROW) * 20, (cell / PER_ROW) * 20);
        let ink = (y0 + 1..y0 + 19)
            .flat_map(|y| (x0 + 1..x0 + 19).map(move |x| (x, y)))
            .filter(|&(x, y)| image.1[y * image.0 + x] < 128)
            .count();
        if ink == 0 {
            blank.push(format!("{c} U+{:04X}", *c as u32));
        }
    }
    assert!(
        blank.is_empty(),
        "{} characters print blank: {}",
        blank.len(),
        blank.iter().take(40).cloned().collect::<Vec<_>>().join(", ")
    );
    // The bundled font covers GBK's hanzi: only characters added to Unicode after it are missing.
    assert!(missing.iter().all(|c| *c > 0x9FA5), "missing: {missing:?}");
}

/// A binary PGM file: (width, pixels).
pub fn pgm(path: &Path) -> (usize, Vec<u8>) {
    let data = std::fs::read(path).unwrap();
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        let end = at + data[at..].iter().position(|b| b.is_ascii_whitespace()).unwrap();
        fields.push(String::from_utf8_lossy(&data[at..end]).into_owned());
        at = end + 1;
    }
    (fields[1].parse().unwrap(), data[at..].to_vec())
}

/// A roster whose PDF would need more memory than `[print] max_memory_mb` is refused before
/// typesetting, by `build` and `check` alike, with the budget and what to do instead; within
/// the budget it prints.
#[test]
fn a_pdf_over_the_memory_budget_is_refused_before_typesetting() {
    let dir = crate::support::site_copy("golden");
    let config = std::fs::read_to_string(dir.join("roster.toml")).unwrap();
    std::fs::write(dir.join("roster.toml"), format!("{config}\n[print]\nmax_memory_mb = 64\n")).unwrap();
    for command in ["build", "check"] {
        let run = crate::roster!(dir, command);
        assert_eq!(run.code, 1, "{command}: {}", run.stderr);
        assert!(run.stderr.contains("over [print] max_memory_mb = 64"), "{command}: {}", run.stderr);
        assert!(run.stderr.contains("pdf = false"), "{command}: says what to do: {}", run.stderr);
        assert!(
            run.stderr.contains("split = \"district\""),
            "{command}: suggests one PDF per district: {}",
            run.stderr
        );
    }
    assert!(!dir.join("public").exists(), "nothing written");
    // Refused before any page is rendered, not after the web pages.
    let run = crate::support::run_with(&dir, &["build"], &[("ROSTER_TIMINGS", "1")]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("render: prepare"), "the timings are printed: {}", run.stderr);
    assert!(!run.stderr.contains("render: web pages"), "no page rendered: {}", run.stderr);
    std::fs::write(dir.join("roster.toml"), format!("{config}\n[print]\nmax_memory_mb = 200\n")).unwrap();
    let run = crate::roster!(dir, "build");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(dir.join("public/print/roster.pdf").is_file());
    std::fs::write(dir.join("roster.toml"), format!("{config}\n[print]\nmax_memory_mb = 10\n")).unwrap();
    let run = crate::roster!(dir, "check");
    assert!(run.stderr.contains("`max_memory_mb` must be between 64 and 1048576"), "{}", run.stderr);
}

/// A new site whose only edition takes effect tomorrow publishes nothing yet; its print is
/// the masthead on one page, whether the page count is free or fixed, and the build says so.
#[test]
fn a_site_with_nothing_in_force_yet_prints_one_page() {
    let dir = temp_dir("nothing-yet").sub("site");
    assert_eq!(roster!(".", "init", dir.to_str().unwrap()).code, 0);
    let edition = std::fs::read_dir(dir.join("content/example"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "toml") && !p.ends_with("district.toml"))
        .expect("the example edition");
    std::fs::rename(&edition, edition.with_file_name("2026-12-02.toml")).unwrap();
    for extra in ["", "\npages = 2"] {
        let config = std::fs::read_to_string(dir.join("roster.toml")).unwrap();
        std::fs::write(dir.join("roster.toml"), config.replace("columns = 6", &format!("columns = 6{extra}"))).unwrap();
        let run = roster!(dir, "build");
        assert_eq!(run.code, 0, "{extra}: {}", run.stderr);
        assert!(run.stderr.contains("takes effect on 2026-12-02"), "{}", run.stderr);
        let info = poppler("pdfinfo", &[], &dir.join("public/print/roster.pdf"));
        assert!(info.lines().any(|l| l.split_whitespace().eq(["Pages:", "1"])), "{extra}: {info}");
        if !extra.is_empty() {
            assert!(run.stderr.contains("[print] pages = 2: the roster fills only 1"), "{}", run.stderr);
        }
    }
}

/// The words of each page with their boxes, from `pdftotext -bbox`: `(page, text, x0, y0, x1, y1)`.
fn word_boxes(pdf: &Path) -> Vec<(usize, String, [f64; 4])> {
    let xml = poppler("pdftotext", &["-bbox"], pdf);
    let mut words = Vec::new();
    for (page, body) in xml.split("<page ").skip(1).enumerate() {
        for word in body.split("<word ").skip(1) {
            let attr = |name: &str| -> f64 {
                let start = word.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                word[start..].split('"').next().unwrap().parse().unwrap()
            };
            let text = word.split('>').nth(1).unwrap().split('<').next().unwrap().to_owned();
            words.push((page + 1, text, [attr("xMin"), attr("yMin"), attr("xMax"), attr("yMax")]));
        }
    }
    words
}

/// Two words that share more than a tenth of the smaller one's box: ink printed over ink.
fn overprinted(pdf: &Path) -> Vec<String> {
    let words = word_boxes(pdf);
    let mut found = Vec::new();
    for (i, (page, a, p)) in words.iter().enumerate() {
        for (other, b, q) in &words[i + 1..] {
            let (w, h) = (p[2].min(q[2]) - p[0].max(q[0]), p[3].min(q[3]) - p[1].max(q[1]));
            let smaller = ((p[2] - p[0]) * (p[3] - p[1])).min((q[2] - q[0]) * (q[3] - q[1]));
            if page == other && w > 0.0 && h > 0.0 && w * h > 0.1 * smaller {
                found.push(format!("page {page}: {a:?} over {b:?}"));
            }
        }
    }
    found
}

#[test]
fn no_line_of_the_pdf_prints_over_another() {
    let golden = build("golden");
    let demo = site_copy("demo");
    assert_eq!(roster!(demo, "build", "--print-only").code, 0);
    for pdf in [golden.join("print/roster.pdf"), demo.join("public/print/roster.pdf")] {
        let words = word_boxes(&pdf);
        assert!(words.iter().any(|(_, w, _)| w.contains("离任")), "the 本期调整 box is on the page: {pdf:?}");
        let bad = overprinted(&pdf);
        assert!(bad.is_empty(), "{} overprinted words in {pdf:?}, e.g. {:?}", bad.len(), &bad[..bad.len().min(5)]);
    }
}
