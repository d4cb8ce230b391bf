//! `print/roster.pdf`, typeset in-process with Typst.
//!
//! A small [`World`] serves two files: the print template (`main.typ`) and `roster.json`,
//! the [`PrintData`]. Fonts come from the system (scanned once per process) and from the
//! font files named in `[print] fonts`. The PDF is untagged (for press), carries a document id
//! and date derived from the data, so the same input gives the same bytes, and its text is
//! 100 % black in CMYK (set by the template).

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

use super::PrintData;
use crate::diag::Diagnostic;

/// Families tried when `[print] fonts` names none that is installed: Chinese serif and sans
/// faces as installed by fonts-noto-cjk, Adobe's Source Han and the usual Windows and macOS
/// ones.
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

/// 中: a font without it cannot set a Chinese roster.
const PROBE: u32 = 0x4E2D;

fn system_fonts() -> &'static Vec<(FontPath, FontInfo)> {
    static FONTS: OnceLock<Vec<(FontPath, FontInfo)>> = OnceLock::new();
    FONTS.get_or_init(|| typst_kit::fonts::system().collect())
}

/// The fonts of one build.
pub struct Fonts {
    store: FontStore,
    /// Families for the template, in order of preference.
    pub families: Vec<String>,
}

impl Fonts {
    /// Finds the fonts: files named in `configured` (relative to the site root) and system
    /// fonts; fails when none of them can set Chinese text.
    pub fn find(root: &Path, configured: &[String]) -> Result<Fonts, Diagnostic> {
        let mut store = FontStore::new();
        let mut families: Vec<String> = Vec::new();
        for entry in configured {
            let path = root.join(entry);
            if path.is_file() {
                let found: Vec<(FontPath, FontInfo)> = typst_kit::fonts::scan(&path).collect();
                if found.is_empty() {
                    return Err(Diagnostic::error(
                        "roster.toml",
                        format!("[print] fonts: `{entry}` is not a font file Typst can read"),
                    )
                    .with_help("use an OpenType or TrueType file (.otf, .ttf, .ttc), or a family name"));
                }
                for (source, info) in found {
                    push_family(&mut families, info.family.as_str());
                    store.push((source, info));
                }
            } else {
                push_family(&mut families, entry);
            }
        }
        let system = system_fonts();
        for (source, info) in system {
            store.push((FontPath { path: source.path.clone(), index: source.index }, info.clone()));
        }
        let book = store.book();
        let cjk = |index: usize| book.info(index).is_some_and(|i| i.coverage.contains(PROBE));
        let installed = |family: &str| book.select_family(&family.to_lowercase()).any(cjk);
        families.retain(|f| book.contains_family(&f.to_lowercase()) || installed(f));
        for f in CJK_FAMILIES {
            if installed(f) {
                push_family(&mut families, f);
            }
        }
        if !families.iter().any(|f| installed(f)) {
            // Any installed font with Chinese glyphs will do.
            let any = book
                .families()
                .map(|(name, indices)| (name, indices.collect::<Vec<_>>()))
                .find(|(_, ids)| ids.iter().any(|i| cjk(*i)));
            if let Some((name, _)) = any {
                push_family(&mut families, name);
            }
        }
        if !families.iter().any(|f| installed(f)) {
            return Err(Diagnostic::error("roster.toml", "no font with Chinese characters found for print/roster.pdf")
                .with_help("install one (Debian/Ubuntu: apt-get install fonts-noto-cjk), or name a font file in [print] fonts = [\"fonts/NotoSerifCJK.otf\"], or set [print] pdf = false"));
        }
        Ok(Fonts { store, families })
    }
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

/// Typesets the print data with `template` into PDF bytes.
pub fn typeset(data: &PrintData, template: &str, fonts: &Fonts) -> Result<Vec<u8>, Diagnostic> {
    let json =
        serde_json::to_vec(data).map_err(|e| Diagnostic::error("print/roster.pdf", format!("internal error: {e}")))?;
    let world = PrintWorld {
        library: LazyHash::new(Library::default()),
        fonts,
        main: Source::new(file_id("main.typ"), template.to_owned()),
        data: Bytes::new(json),
        data_id: file_id("roster.json"),
    };
    let document: PagedDocument = typst::compile(&world).output.map_err(|errors| typst_error(&world, &errors))?;
    let options = typst_pdf::PdfOptions {
        ident: typst::foundations::Smart::Custom(format!("roster-print-{}-{}", data.publisher, data.date.text)),
        tagged: false,
        ..Default::default()
    };
    typst_pdf::pdf(&document, &options).map_err(|errors| typst_error(&world, &errors))
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
