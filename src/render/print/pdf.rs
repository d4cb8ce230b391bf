//! `print/roster.pdf`, typeset in-process with Typst.
//!
//! A small [`World`] serves two files: the print template (`main.typ`) and `roster.json`,
//! the [`PrintData`]. Fonts come, in this order of preference, from the files and families
//! named in `[print] fonts`, from the system, and from the font bundled with roster (Noto Serif
//! CJK SC, subset by `fonts/make-subset.sh`), so that a machine without any Chinese font still
//! prints. The system is scanned only when the named fonts and the bundled one do not cover
//! the text (a scan costs most of a cold build), and at most once per process. The PDF is
//! untagged (for press), carries a document id and date derived from the data, so the same
//! input gives the same bytes, and its text is 100 % black in CMYK (set by the template).

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook, FontInfo};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_kit::fonts::{FontPath, FontStore};
use typst_layout::PagedDocument;

use super::layout::{Geometry, Heights, Layout, Unit};
use super::{Pass, PrintData};
use crate::diag::Diagnostic;

/// The family of the bundled font.
pub const BUNDLED_FAMILY: &str = "Noto Serif CJK SC";

/// The bundled font files: Regular and Bold (SIL Open Font License 1.1, see `fonts/OFL.txt`).
const BUNDLED: [&[u8]; 2] = [
    include_bytes!("../../../fonts/NotoSerifCJKsc-Subset-Regular.otf"),
    include_bytes!("../../../fonts/NotoSerifCJKsc-Subset-Bold.otf"),
];

/// Set to `1` (tests only), the system's fonts are never scanned: only `[print] fonts` and the
/// bundled font are used, as on a machine without fonts.
pub const NO_SYSTEM_FONTS_ENV: &str = "ROSTER_NO_SYSTEM_FONTS";

/// Installed families preferred for Chinese text when the system is scanned: Chinese serif and
/// sans faces as installed by fonts-noto-cjk, Adobe's Source Han and the usual Windows and
/// macOS ones.
const CJK_FAMILIES: &[&str] = &[
    "Noto Serif CJK SC",
    "Noto Sans CJK SC",
    "Source Han Serif SC",
    "Source Han Sans SC",
    "Songti SC",
    "SimSun",
    "Noto Serif CJK TC",
    "Noto Sans CJK TC",
];

fn bundled_fonts() -> &'static [Font] {
    static FONTS: OnceLock<Vec<Font>> = OnceLock::new();
    FONTS.get_or_init(|| BUNDLED.iter().filter_map(|data| Font::new(Bytes::new(*data), 0)).collect())
}

fn system_fonts() -> &'static [(FontPath, FontInfo)] {
    static FONTS: OnceLock<Vec<(FontPath, FontInfo)>> = OnceLock::new();
    FONTS.get_or_init(|| typst_kit::fonts::system().collect())
}

/// Whether the system's fonts may be scanned (not with [`NO_SYSTEM_FONTS_ENV`] set).
pub fn system_scan_allowed() -> bool {
    std::env::var_os(NO_SYSTEM_FONTS_ENV).is_none_or(|v| v.is_empty() || v == "0")
}

/// The fonts of one build.
pub struct Fonts {
    store: FontStore,
    /// Families for the template, in order of preference.
    pub families: Vec<String>,
    /// Whether the system's fonts were scanned for this build (the tests check it).
    #[cfg_attr(not(test), allow(dead_code))]
    pub scanned_system: bool,
}

impl Fonts {
    /// Finds the fonts for a text made of the characters `needed`: the files and families named
    /// in `configured` (files relative to the site root), the bundled font, and the system's
    /// fonts (if `allow_system`) when those do not cover `needed` or a configured family is none
    /// of them. Returns the fonts and warnings about configured fonts that were not found, or
    /// the errors (a configured file that is no font).
    pub fn find(
        root: &Path,
        configured: &[String],
        needed: &BTreeSet<char>,
        allow_system: bool,
    ) -> Result<(Fonts, Vec<Diagnostic>), Vec<Diagnostic>> {
        let mut store = FontStore::new();
        let mut named: Vec<String> = Vec::new();
        let mut errors = Vec::new();
        for entry in configured {
            let path = root.join(entry);
            if !path.is_file() {
                push_family(&mut named, entry);
                continue;
            }
            let found: Vec<Font> =
                std::fs::read(&path).map(|data| Font::iter(Bytes::new(data)).collect()).unwrap_or_default();
            if found.is_empty() {
                errors.push(
                    Diagnostic::error(
                        "roster.toml",
                        format!("[print] fonts: `{entry}` is not a font file Typst can read"),
                    )
                    .with_help("use an OpenType or TrueType file (.otf, .ttf, .ttc), or a family name"),
                );
            }
            for font in found {
                push_family(&mut named, font.info().family.as_str());
                store.push((font.clone(), font.info().clone()));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        for font in bundled_fonts() {
            store.push((font.clone(), font.info().clone()));
        }
        let known = |store: &FontStore, family: &str| store.book().contains_family(&family.to_lowercase());
        let scan = allow_system
            && (named.iter().any(|f| !known(&store, f)) || needed.iter().any(|c| !covers(store.book(), *c)));
        if scan {
            for (source, info) in system_fonts() {
                store.push((FontPath { path: source.path.clone(), index: source.index }, info.clone()));
            }
        }
        let mut families: Vec<String> = Vec::new();
        for f in &named {
            if known(&store, f) {
                push_family(&mut families, f);
            } else {
                errors.push(
                    Diagnostic::warning("roster.toml", format!("[print] fonts: no font file or installed font `{f}`"))
                        .with_help("name a font file relative to the site folder, or the family of an installed font"),
                );
            }
        }
        if scan {
            for f in CJK_FAMILIES {
                if known(&store, f) {
                    push_family(&mut families, f);
                }
            }
        }
        push_family(&mut families, BUNDLED_FAMILY);
        Ok((Fonts { store, families, scanned_system: scan }, errors))
    }

    /// Whether some font of this build has a glyph for `c`.
    pub fn covers(&self, c: char) -> bool {
        covers(self.store.book(), c)
    }
}

fn covers(book: &FontBook, c: char) -> bool {
    (0..).map_while(|i| book.info(i)).any(|info| info.coverage.contains(c as u32))
}

fn push_family(families: &mut Vec<String>, name: &str) {
    if !families.iter().any(|f| f.eq_ignore_ascii_case(name)) {
        families.push(name.to_owned());
    }
}

struct PrintWorld<'a> {
    library: LazyHash<Library>,
    fonts: &'a Fonts,
    main: Source,
    data: Bytes,
    data_id: FileId,
}

fn file_id(name: &str) -> FileId {
    let path = VirtualPath::new(name).expect("a plain file name is a valid virtual path");
    RootedPath::new(VirtualRoot::Project, path).intern()
}

impl World for PrintWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.store.book()
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotFound(id.vpath().get_without_slash().into()))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else if id == self.main.id() {
            Ok(Bytes::from_string(self.main.text().to_owned()))
        } else {
            Err(FileError::NotFound(id.vpath().get_without_slash().into()))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.store.font(index)
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        // No clock: the same input must give the same PDF.
        None
    }
}

/// What typesetting made.
#[derive(Debug)]
pub struct Typeset {
    pub bytes: Vec<u8>,
    pub pages: usize,
    /// The font size set, in points.
    pub font_size: f64,
}

/// `[print] pages` and the font sizes it may choose from.
#[derive(Debug, Clone, Copy)]
pub struct Fit {
    pub pages: usize,
    pub min: f64,
    pub max: f64,
}

/// Typesets the print data with `template` into PDF bytes: measures every block, lays out
/// balanced columns (see [`super::layout`]) and sets them; with `fit`, first finds the font
/// size at which the roster fills exactly that many pages. A theme's template that does not
/// measure is set once, as it is.
pub fn typeset(data: &mut PrintData, template: &str, fonts: &Fonts, fit: Option<Fit>) -> Result<Typeset, Diagnostic> {
    let world = |data: &PrintData| -> Result<PrintWorld<'_>, Diagnostic> {
        let json = serde_json::to_vec(data)
            .map_err(|e| Diagnostic::error("print/roster.pdf", format!("internal error: {e}")))?;
        Ok(PrintWorld {
            library: LazyHash::new(Library::default()),
            fonts,
            main: Source::new(file_id("main.typ"), template.to_owned()),
            data: Bytes::new(json),
            data_id: file_id("roster.json"),
        })
    };
    let chosen = match fit {
        Some(fit) => fit_pages(data, fit, &|d| measure(d, &world))?,
        None => {
            let size = data.font_size;
            match measure(data, &world)? {
                Measured::Heights(h) => (size, Layout::new(data, &h, &geometry(data))),
                Measured::Final(document) => {
                    let bytes = export(data, &world(data)?, &document)?;
                    return Ok(Typeset { bytes, pages: document.pages().len(), font_size: size });
                }
            }
        }
    };
    let (font_size, layout) = chosen;
    if let Some(unit) = layout.overfull.first() {
        return Err(overfull(data, *unit));
    }
    data.font_size = font_size;
    data.keywords = vec![format!("font size {font_size:.2} pt")];
    data.pass = Pass::Place { pages: layout.pages.clone() };
    let placed = world(data)?;
    let document: PagedDocument = typst::compile(&placed).output.map_err(|errors| typst_error(&placed, &errors))?;
    if document.pages().len() != layout.page_count() {
        return Err(Diagnostic::error(
            "print/roster.pdf",
            format!(
                "internal error: the columns measured for {} pages were set on {}",
                layout.page_count(),
                document.pages().len()
            ),
        ));
    }
    let bytes = export(data, &placed, &document)?;
    comemo::evict(0);
    Ok(Typeset { bytes, pages: document.pages().len(), font_size })
}

enum Measured {
    /// The heights of a template that measures.
    Heights(Heights),
    /// A template that does not measure: its document, set once.
    Final(PagedDocument),
}

/// Sets every block alone at `data.font_size` and lays out the columns from their heights.
fn measure<'a>(
    data: &mut PrintData,
    world: &dyn Fn(&PrintData) -> Result<PrintWorld<'a>, Diagnostic>,
) -> Result<Measured, Diagnostic> {
    let _t = crate::timing::stage("print: measure");
    data.pass = Pass::Measure;
    let w = world(data)?;
    let document: PagedDocument = typst::compile(&w).output.map_err(|errors| typst_error(&w, &errors))?;
    let heights: Vec<f64> = document.pages().iter().map(|p| p.frame.height().to_pt()).collect();
    Ok(match Heights::read(data, &heights) {
        Some(h) => {
            // The measuring pass's layouts are of no use to the next pass: keep memory down.
            drop(document);
            comemo::evict(0);
            Measured::Heights(h)
        }
        None => Measured::Final(document),
    })
}

/// The page's shape in points, from the same values the template reads.
fn geometry(data: &PrintData) -> Geometry {
    let pt = |mm: f64| mm * 72.0 / 25.4;
    Geometry {
        columns: data.columns as usize,
        height: pt(data.paper.height - 2.0 * data.paper.margin - data.paper.footer),
        masthead_gap: pt(data.masthead_gap),
    }
}

/// The largest font size in `fit`'s range at which the roster fills `fit.pages` pages with
/// every column level, and that layout; the largest size when the roster does not fill them
/// even at that; an error when even the smallest size needs more pages.
fn fit_pages(
    data: &mut PrintData,
    fit: Fit,
    measure: &dyn Fn(&mut PrintData) -> Result<Measured, Diagnostic>,
) -> Result<(f64, Layout), Diagnostic> {
    let heights_at = |data: &mut PrintData, size: f64| -> Result<Heights, Diagnostic> {
        data.font_size = size;
        match measure(data)? {
            Measured::Heights(h) => Ok(h),
            Measured::Final(_) => Err(Diagnostic::error(
                "roster.toml",
                "[print] pages needs the print template to measure its blocks, and the theme's roster.typ does not",
            )
            .with_help("start the theme's print/roster.typ from roster's default one, or remove [print] pages")),
        }
    };
    let geometry = geometry(data);
    let largest = heights_at(data, fit.max)?;
    let greedy = Layout::new(data, &largest, &geometry);
    if greedy.page_count() < fit.pages {
        return Ok((fit.max, greedy));
    }
    if let Some(layout) = Layout::fitted(data, &largest, &geometry, fit.pages) {
        return Ok((fit.max, layout));
    }
    // Sizes are chosen to the twentieth of a point (each step changes the text area by about
    // 1 %), the same for the same input, so that the same input gives the same PDF.
    let round = |s: f64| ((s * 20.0).round() / 20.0).clamp(fit.min, fit.max);
    let height = geometry.height;
    // A probe: the column height the pages would need at a size, and the layout if it fits.
    let probe = |data: &mut PrintData, size: f64| -> Result<(f64, Option<Layout>), Diagnostic> {
        let h = heights_at(data, size)?;
        let needed = Layout::needed_height(data, &h, &geometry, fit.pages);
        Ok((needed, Layout::fitted(data, &h, &geometry, fit.pages)))
    };
    // The needed height grows about as the cube of the size (the text area grows with its
    // square, and narrow columns wrap more): aim at the page height by that power, learnt from
    // the nearest size that fits and the nearest that does not (regula falsi in log-log), and
    // halve the bracket when the aim falls outside it.
    let mut hi = (fit.max, Layout::needed_height(data, &largest, &geometry, fit.pages));
    let mut lo: Option<(f64, f64, Layout)> = None;
    for _ in 0..12 {
        let aim = match &lo {
            None => hi.0 * (height / hi.1).cbrt(),
            Some((s0, t0, _)) => {
                let k = ((hi.1 / t0).ln() / (hi.0 / s0).ln()).clamp(0.5, 6.0);
                let k = if k.is_finite() { k } else { 3.0 };
                s0 * (height / t0).powf(1.0 / k)
            }
        };
        // One step of a twentieth at least, inside the bracket.
        let (floor, ceiling) = (lo.as_ref().map_or(fit.min, |l| l.0 + 0.05), hi.0 - 0.05);
        if ceiling < floor {
            break;
        }
        let next = round(aim.clamp(floor, ceiling));
        if next >= hi.0 || lo.as_ref().is_some_and(|l| next <= l.0) {
            break;
        }
        let (needed, layout) = probe(data, next)?;
        match layout {
            Some(layout) => lo = Some((next, needed, layout)),
            None => hi = (next, needed),
        }
        if hi.0 <= fit.min || lo.as_ref().is_some_and(|l| hi.0 - l.0 <= 0.051) {
            break;
        }
    }
    let lo = lo.map(|(size, _, layout)| (size, layout));
    match lo {
        Some(lo) => Ok(lo),
        None => {
            let smallest = heights_at(data, fit.min)?;
            let needs = Layout::new(data, &smallest, &geometry).page_count().max(fit.pages + 1);
            Err(Diagnostic::error(
                "roster.toml",
                format!(
                    "[print] pages = {}: the roster needs {needs} pages even at min_font_size = {} pt",
                    fit.pages, fit.min
                ),
            )
            .with_help(format!("set pages = {needs} or more, or a smaller min_font_size")))
        }
    }
}

/// The error for a row (or heading) taller than a whole column.
fn overfull(data: &PrintData, unit: Unit) -> Diagnostic {
    let what = match unit {
        Unit::Row(d, b, r) => format!(
            "the row of {} ({}, {})",
            data.districts[d].bodies[b].members[r].name, data.districts[d].title, data.districts[d].bodies[b].name
        ),
        Unit::Body(d, b) => format!("the heading {}", data.districts[d].bodies[b].name),
        Unit::District(d) => format!("the heading {}", data.districts[d].title),
        Unit::Change(_) => "an entry of the changes box".to_owned(),
    };
    Diagnostic::error("print/roster.pdf", format!("{what} is taller than a whole column of the page"))
        .with_help("shorten its duties, or set fewer [print] columns or a larger paper")
}

fn export(data: &PrintData, world: &PrintWorld<'_>, document: &PagedDocument) -> Result<Vec<u8>, Diagnostic> {
    let options = typst_pdf::PdfOptions {
        ident: typst::foundations::Smart::Custom(format!("roster-print-{}-{}", data.publisher, data.date.text)),
        tagged: false,
        ..Default::default()
    };
    typst_pdf::pdf(document, &options).map_err(|errors| typst_error(world, &errors))
}

fn typst_error(world: &PrintWorld<'_>, errors: &[SourceDiagnostic]) -> Diagnostic {
    let first = errors.first();
    let message = first.map_or_else(|| "unknown error".to_owned(), |e| e.message.to_string());
    let mut d =
        Diagnostic::error("print template roster.typ", format!("typesetting print/roster.pdf failed: {message}"));
    if let Some(range) = first.and_then(|e| world.range(e.span)) {
        let line = world.main.text()[..range.start.min(world.main.text().len())].lines().count().max(1);
        d = d.with_help(format!("at line {line} of the print template; {}", hints(errors)));
    } else {
        d = d.with_help(hints(errors));
    }
    d
}

fn hints(errors: &[SourceDiagnostic]) -> String {
    let list: Vec<String> = errors.iter().flat_map(|e| e.hints.iter().map(|h| h.v.to_string())).collect();
    if list.is_empty() {
        "check the template against the JSON documented in the README".to_owned()
    } else {
        list.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(text: &str) -> BTreeSet<char> {
        text.chars().collect()
    }

    #[test]
    fn the_bundled_font_sets_a_roster_without_any_scan() {
        let needed = chars("示例市领导干部联系方式 李明 区委书记 刘燚 陈堃 139 0000 0001（）：、；—ABC");
        // Even with the system allowed: the bundled font covers it, so nothing is scanned.
        let (fonts, warnings) = Fonts::find(Path::new("."), &[], &needed, true).unwrap();
        assert!(warnings.is_empty());
        assert!(!fonts.scanned_system, "no scan when the bundled font covers the text");
        assert_eq!(fonts.families, [BUNDLED_FAMILY]);
        assert!(needed.iter().all(|c| fonts.covers(*c)));
        // Regular and Bold.
        let weights: Vec<u16> = bundled_fonts().iter().map(|f| f.info().variant.weight.to_number()).collect::<Vec<_>>();
        assert_eq!(weights, [400, 700]);
    }

    #[test]
    fn a_character_outside_the_bundled_font_is_found_missing() {
        // 𪚥 (U+2A6A5) is in no Noto CJK font.
        let needed = chars("高𪚥远");
        let (fonts, _) = Fonts::find(Path::new("."), &[], &needed, false).unwrap();
        assert!(!fonts.scanned_system);
        assert!(fonts.covers('高') && fonts.covers('远'));
        assert!(!fonts.covers('\u{2A6A5}'));
    }

    #[test]
    fn a_configured_family_that_is_nowhere_is_a_warning() {
        let (fonts, warnings) =
            Fonts::find(Path::new("."), &["No Such Font Family".to_owned()], &chars("李明"), false).unwrap();
        assert_eq!(fonts.families, [BUNDLED_FAMILY]);
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].message.contains("`No Such Font Family`"), "{}", warnings[0].message);
    }
}
