//! The printable newspaper layout: `print/index.html` (CSS paged media, any browser prints it)
//! and `print/roster.pdf` (typeset in-process with Typst, feature `pdf`).
//!
//! Both are made from one [`PrintData`]: the district tree in order, a heading per district, a
//! sub-heading per body, one row per member with only the fields of `[publish] print`, and the
//! box of changes since the previous printing. The PDF's columns are roster's own ([`layout`]);
//! [`press`] decides which PDFs there are (one, or one per top-level district) and typesets
//! them within the memory budget.

#[cfg(feature = "pdf")]
mod glyphs;
pub(crate) mod layout;
#[cfg(feature = "pdf")]
pub(crate) mod pdf;
mod press;

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::publish::Published;
use super::{Ctx, links, markdown};
use crate::diag::Diagnostic;
use crate::history::{Change, ChangeGroup, History, Kind};
use crate::model::{Field, Roster};
use crate::output::Sink;

/// About what one official takes in the built-in print page (17 MB for 50,000), rounded up.
const PRINT_BYTES_PER_OFFICIAL: usize = 384;

#[derive(Debug, Clone, Serialize)]
pub struct PrintData {
    pub masthead: String,
    pub publisher: String,
    pub subtitle: String,
    /// Typst language and region (`zh`, `cn`).
    pub lang: String,
    pub region: Option<String>,
    pub date: DateParts,
    pub paper: PaperView,
    pub columns: u32,
    pub font_size: f64,
    /// Font families, in order of preference.
    pub fonts: Vec<String>,
    pub labels: BTreeMap<&'static str, String>,
    pub cols: PrintColumns,
    pub changes: Vec<PrintChange>,
    /// The same changes in short blocks for the PDF's columns: a long box may continue in the
    /// next column between them.
    pub change_lines: Vec<ChangeLine>,
    pub changes_since: String,
    pub districts: Vec<PrintDistrict>,
    pub count: usize,
    /// The space between columns, and under the masthead, in millimetres.
    pub gutter: f64,
    pub masthead_gap: f64,
    /// The PDF's keywords (the chosen font size).
    pub keywords: Vec<String>,
    /// Which pass of the PDF this is (see `layout`).
    pub pass: Pass,
}

/// The PDF is set twice: first each block alone, to measure it, then in the columns roster
/// chose from those heights.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "mode", rename_all = "lowercase")]
#[cfg_attr(not(feature = "pdf"), allow(dead_code))]
pub enum Pass {
    Measure,
    Place { pages: Vec<Vec<Vec<layout::Piece>>> },
}

#[derive(Debug, Clone, Serialize)]
pub struct DateParts {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PaperView {
    pub name: String,
    pub width: f64,
    pub height: f64,
    pub margin: f64,
    /// The room for the folio line under the columns, in millimetres.
    pub footer: f64,
}

/// Which member fields the print policy allows and someone has.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct PrintColumns {
    pub duties: bool,
    pub office_phone: bool,
    pub mobile: bool,
    pub office: bool,
    pub hours: bool,
    /// Office phone or mobile.
    pub phones: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct PrintChange {
    /// The district's index in the roster.
    #[serde(skip)]
    pub index: usize,
    pub district: String,
    pub date: String,
    /// Groups of changes: (kind, items).
    pub parts: Vec<ChangePart>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangePart {
    pub kind: String,
    pub items: String,
    /// The items one by one.
    #[serde(skip)]
    pub list: Vec<String>,
}

/// A few items of one kind of change of one district: the district's name on its first line,
/// the kind on the first line of each kind.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeLine {
    #[serde(skip)]
    pub index: usize,
    pub district: Option<String>,
    pub kind: Option<String>,
    pub items: String,
}

/// How many items a line of the changes box holds at most.
const LINE_ITEMS: usize = 6;

/// The changes box in short lines (see [`ChangeLine`]).
fn change_lines(changes: &[PrintChange], list_sep: &str) -> Vec<ChangeLine> {
    let mut out = Vec::new();
    for c in changes {
        for (p, part) in c.parts.iter().enumerate() {
            for (k, chunk) in part.list.chunks(LINE_ITEMS).enumerate() {
                out.push(ChangeLine {
                    index: c.index,
                    district: (p == 0 && k == 0).then(|| c.district.clone()),
                    kind: (k == 0).then(|| part.kind.clone()),
                    items: chunk.join(list_sep),
                });
            }
        }
    }
    out
}

#[derive(Debug, Clone, Serialize)]
pub struct PrintDistrict {
    pub title: String,
    pub depth: usize,
    /// Date of the edition printed.
    pub date: Option<String>,
    pub bodies: Vec<PrintBody>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PrintBody {
    pub name: String,
    pub members: Vec<PrintMember>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PrintMember {
    pub name: String,
    pub post: String,
    /// Plain text.
    pub duties: Option<String>,
    pub office_phone: Option<String>,
    pub mobile: Option<String>,
    pub office: Option<String>,
    pub hours: Option<String>,
}

const LABEL_KEYS: [(&str, &str); 14] = [
    ("continued", "print_continued"),
    ("semicolon", "punct_semicolon"),
    ("name", "name"),
    ("post_duties", "post_duties"),
    ("phones", "phones"),
    ("office", "office"),
    ("hours", "hours"),
    ("office_phone_short", "office_phone_short"),
    ("mobile_short", "mobile_short"),
    ("changes", "print_changes"),
    ("footer", "print_footer"),
    ("colon", "punct_colon"),
    ("office_phone", "office_phone"),
    ("mobile", "mobile"),
];

/// Builds the print data from the print-redacted roster and its redacted history.
/// Its `fonts` are left empty, for the PDF to fill in.
pub fn data(r: &Roster, history: &History, labels: &BTreeMap<String, String>) -> PrintData {
    let c = &r.config;
    let label = |k: &str| labels.get(k).cloned().unwrap_or_default();
    let date = c
        .print
        .date
        .or_else(|| r.latest_date())
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default());
    let allowed = c.publish.print;
    let has = |f: Field| {
        allowed.contains(f)
            && r.districts.iter().filter_map(|d| d.current()).any(|e| e.members().any(|(_, m)| m.get(f).is_some()))
    };
    let cols = PrintColumns {
        duties: has(Field::Duties),
        office_phone: has(Field::OfficePhone),
        mobile: has(Field::Mobile),
        office: has(Field::Office),
        hours: has(Field::Hours),
        phones: has(Field::OfficePhone) || has(Field::Mobile),
    };
    let districts: Vec<PrintDistrict> = r
        .districts
        .iter()
        .map(|d| PrintDistrict {
            title: typeset_text(&d.name),
            depth: d.depth,
            date: d.current().map(|e| label("print_in_force").replace("{date}", &e.date.to_string())),
            bodies: d
                .current()
                .map(|e| {
                    e.bodies
                        .iter()
                        .filter(|b| !b.members.is_empty())
                        .map(|b| PrintBody {
                            name: typeset_text(&b.name),
                            members: b.members.iter().map(|m| member(m)).collect(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect();
    let count: usize = districts.iter().flat_map(|d| &d.bodies).map(|b| b.members.len()).sum();
    let (changes, since) =
        if c.print.changes { changes(r, history, labels, c.print.since) } else { (Vec::new(), String::new()) };
    let (lang, region) = match c.language.split_once('-') {
        Some((l, reg)) => (l.to_owned(), Some(reg.to_ascii_lowercase())),
        None => (c.language.clone(), None),
    };
    PrintData {
        masthead: c.print.title.clone().unwrap_or_else(|| c.title.clone()),
        publisher: c.title.clone(),
        subtitle: label("print_subtitle").replace("{date}", &date.to_string()).replace("{count}", &count.to_string()),
        lang,
        region,
        date: DateParts { year: date.year(), month: date.month(), day: date.day(), text: date.to_string() },
        paper: PaperView {
            name: c.print.paper.name.clone(),
            width: c.print.paper.width_mm,
            height: c.print.paper.height_mm,
            margin: c.print.margin_mm,
            footer: 6.0,
        },
        columns: c.print.columns,
        font_size: c.print.font_size,
        fonts: Vec::new(),
        labels: LABEL_KEYS.iter().map(|(k, src)| (*k, label(src))).collect(),
        cols,
        change_lines: change_lines(&changes, labels.get("punct_list").map_or("", String::as_str)),
        changes,
        changes_since: since,
        districts,
        count,
        gutter: GUTTER_MM,
        masthead_gap: 4.0,
        keywords: Vec::new(),
        pass: Pass::Measure,
    }
}

/// The space between columns, in millimetres.
const GUTTER_MM: f64 = 3.5;

impl PrintData {
    /// The part of the roster whose districts `keep` (by index), under its own masthead.
    fn subset(&self, keep: &dyn Fn(usize) -> bool, district: &str, labels: &BTreeMap<String, String>) -> PrintData {
        let label = |k: &str| labels.get(k).cloned().unwrap_or_default();
        let districts: Vec<PrintDistrict> =
            self.districts.iter().enumerate().filter(|(i, _)| keep(*i)).map(|(_, d)| d.clone()).collect();
        let count: usize = districts.iter().flat_map(|d| &d.bodies).map(|b| b.members.len()).sum();
        // Field by field, not `..self.clone()`: that would copy the whole roster for each city.
        PrintData {
            masthead: label("print_split_masthead").replace("{district}", district).replace("{title}", &self.masthead),
            publisher: self.publisher.clone(),
            subtitle: label("print_subtitle").replace("{date}", &self.date.text).replace("{count}", &count.to_string()),
            lang: self.lang.clone(),
            region: self.region.clone(),
            date: self.date.clone(),
            paper: self.paper.clone(),
            columns: self.columns,
            font_size: self.font_size,
            fonts: self.fonts.clone(),
            labels: self.labels.clone(),
            cols: self.cols,
            changes: self.changes.iter().filter(|c| keep(c.index)).cloned().collect(),
            change_lines: self.change_lines.iter().filter(|c| keep(c.index)).cloned().collect(),
            changes_since: self.changes_since.clone(),
            districts,
            count,
            gutter: self.gutter,
            masthead_gap: self.masthead_gap,
            keywords: self.keywords.clone(),
            pass: self.pass.clone(),
        }
    }
}

fn member(m: &crate::model::Member) -> PrintMember {
    PrintMember {
        name: typeset_text(&m.name),
        post: typeset_text(&m.post),
        duties: m.duties.as_deref().map(|d| typeset_text(&markdown::plain(d))),
        office_phone: m.office_phone.as_ref().map(|p| p.national.to_string()),
        mobile: m.mobile.as_ref().map(|p| p.national.to_string()),
        office: m.office.as_deref().map(typeset_text),
        hours: m.hours.as_deref().map(typeset_text),
    }
}

/// The last guard before the page: no control character (refused by validation) is set.
fn typeset_text(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}

/// The changes of editions dated after `since` (default: the changes that took effect on the
/// newest edition date of the site), oldest district first.
fn changes(
    r: &Roster,
    history: &History,
    labels: &BTreeMap<String, String>,
    since: Option<NaiveDate>,
) -> (Vec<PrintChange>, String) {
    let Some(latest) = r.latest_date() else {
        return (Vec::new(), String::new());
    };
    let included = |date: NaiveDate| match since {
        Some(s) => date > s,
        None => date == latest,
    };
    let mut out = Vec::new();
    for (d, district) in r.districts.iter().enumerate() {
        for (e, edition) in district.editions.iter().enumerate() {
            if e == 0 || !included(edition.date) {
                continue;
            }
            let changes = &history.changes[d][e];
            if !changes.is_empty() {
                out.push(PrintChange {
                    index: d,
                    district: district.name.clone(),
                    date: edition.date.to_string(),
                    parts: compact(r, changes, labels),
                });
            }
        }
    }
    let from = since.unwrap_or(latest).to_string();
    let text = match since {
        Some(_) => labels.get("print_changes_since").cloned().unwrap_or_default().replace("{from}", &from),
        None => from,
    };
    (out, text)
}

/// One district's changes in one paragraph, grouped by kind: who joined, left or was
/// transferred with their posts, and only the names of those whose duties or numbers changed
/// (the new values are in the roster below).
fn compact(r: &Roster, changes: &[Change], labels: &BTreeMap<String, String>) -> Vec<ChangePart> {
    let l = |k: &str| labels.get(k).map_or("", String::as_str);
    let paren = |s: &str| format!("{}{s}{}", l("paren_open"), l("paren_close"));
    let district = |d: usize| r.districts.get(d).map_or("", |d| d.name.as_str());
    let mut groups: Vec<(&str, Vec<String>)> = ChangeGroup::ALL.iter().map(|g| (g.label(), Vec::new())).collect();
    for c in changes {
        let item = match &c.kind {
            Kind::Joined { from: Some(p), .. } => {
                paren(&l("transferred_from").replace("{district}", district(p.district)))
            }
            Kind::Left { to: Some(p), .. } => paren(&l("transferred_to").replace("{district}", district(p.district))),
            Kind::Joined { post, .. } | Kind::Left { post, .. } => paren(post),
            Kind::Post { from_post, to_post, .. } => paren(&format!("{from_post} → {to_post}")),
            Kind::Duties(_) => String::new(),
            Kind::Contact { fields } => {
                let names: Vec<&str> = fields.iter().map(|f| l(f.field.as_str())).collect();
                paren(&names.join(l("punct_list")))
            }
        };
        groups[c.kind.kind().group() as usize].1.push(format!("{}{item}", c.name));
    }
    groups
        .into_iter()
        .filter(|(_, items)| !items.is_empty())
        .map(|(k, items)| ChangePart { kind: l(k).to_owned(), items: items.join(l("punct_list")), list: items })
        .collect()
}

/// `content: "第 " counter(page) " 版 / 共 " counter(pages) " 版"` from a label with
/// `{page}` and `{pages}`.
fn css_counter_content(label: &str) -> String {
    let quote = |s: &str| {
        let escaped: String = s
            .chars()
            .map(|c| match c {
                '"' | '\\' => format!("\\{c}"),
                '<' => "\\3c ".to_owned(),
                c if c.is_control() => String::new(),
                c => c.to_string(),
            })
            .collect();
        format!("\"{escaped}\"")
    };
    let mut out = Vec::new();
    for (i, part) in label.split("{pages}").enumerate() {
        if i > 0 {
            out.push("counter(pages)".to_owned());
        }
        for (j, inner) in part.split("{page}").enumerate() {
            if j > 0 {
                out.push("counter(page)".to_owned());
            }
            if !inner.is_empty() {
                out.push(quote(inner));
            }
        }
    }
    out.join(" ")
}

/// About what typesetting the PDF takes, in MiB: a base of 120 MiB and 1.3 KiB for each
/// character printed, counting 10 for each row's boxes. Measured with Typst 0.15 on
/// broadsheet with rows of some 68 characters: 2,000 members 316 MiB, 8,000 members 917 MiB,
/// 50,000 about 5 GiB.
pub fn pdf_memory_mib(data: &PrintData) -> u64 {
    let len = |s: &Option<String>| s.as_deref().map_or(0, |s| s.chars().count());
    let chars: usize = data
        .districts
        .iter()
        .flat_map(|d| &d.bodies)
        .flat_map(|b| &b.members)
        .map(|m| {
            10 + m.name.chars().count()
                + m.post.chars().count()
                + len(&m.duties)
                + len(&m.office_phone)
                + len(&m.mobile)
                + len(&m.office)
                + len(&m.hours)
        })
        .sum();
    120 + (chars as u64 * 13).div_ceil(10 * 1024)
}

/// The error for a roster whose PDF would need more memory than `[print] max_memory_mb`.
fn over_budget(data: &PrintData, budget: u32) -> Option<Diagnostic> {
    let need = pdf_memory_mib(data);
    (need > u64::from(budget)).then(|| {
        Diagnostic::error(
            "roster.toml",
            format!(
                "print/roster.pdf would need about {need} MiB to typeset ({} members printed), over [print] max_memory_mb = {budget}",
                data.count
            ),
        )
        .with_help(
            "set [print] pdf = false and print print/index.html from a browser, or raise [print] max_memory_mb if this machine has that memory free",
        )
    })
}

/// A link from `print/index.html` to one of the PDFs.
#[derive(Debug, Serialize)]
struct PdfLink {
    name: String,
    /// Relative to `print/`.
    href: String,
}

/// The errors for every PDF of this build over `[print] max_memory_mb`: the build checks them
/// before it renders any page, so a roster too large to typeset is refused before its web
/// pages, not after them (and [`render`] checks them again, for a render of the print part alone).
pub fn budget_errors(ctx: &Ctx<'_>, print: &Published) -> Vec<Diagnostic> {
    let roster = print.roster();
    if !roster.config.print.pdf {
        return Vec::new();
    }
    let data = data(roster, print.history(), &ctx.theme.labels);
    press::check_budget(roster, &press::jobs(roster, &data, &ctx.theme.labels))
}

/// Renders `print/index.html` and, with the `pdf` feature, the PDFs (see [`press`]).
pub fn render(ctx: &Ctx<'_>, print: &Published, want_pdf: bool, sink: &dyn Sink) -> Vec<Diagnostic> {
    let (roster, history) = (print.roster(), print.history());
    let config = &roster.config;
    let labels = &ctx.theme.labels;
    let mut errors = Vec::new();
    #[allow(unused_mut)]
    let mut data = data(roster, history, labels);
    let want_pdf = want_pdf && config.print.pdf;
    let jobs = if want_pdf { press::jobs(roster, &data, labels) } else { Vec::new() };
    // Refused before any typesetting: a PDF past the budget would push the machine into swap.
    let over = press::check_budget(roster, &jobs);
    let within_budget = over.is_empty();
    errors.extend(over);
    #[cfg(not(feature = "pdf"))]
    let _ = within_budget;
    #[cfg(feature = "pdf")]
    let fonts = if want_pdf && within_budget {
        let _t = crate::timing::stage("print: find fonts");
        let needed = glyphs::needed(&data);
        match pdf::Fonts::find(ctx.root, &config.print.fonts, &needed, pdf::system_scan_allowed()) {
            Ok((fonts, warnings)) => {
                errors.extend(warnings);
                let missing = needed.into_iter().filter(|c| !fonts.covers(*c)).collect();
                errors.extend(glyphs::warnings(ctx.root, roster, &missing));
                data.fonts = fonts.families.clone();
                Some(fonts)
            }
            Err(e) => {
                errors.extend(e);
                None
            }
        }
    } else {
        None
    };
    #[derive(Serialize)]
    struct Page<'a> {
        p: &'a PrintData,
        footer_css: String,
        /// The PDFs, when there are several.
        pdfs: Vec<PdfLink>,
    }
    let pdfs = match config.print.split {
        crate::config::Split::District => jobs
            .iter()
            .map(|j| PdfLink { name: j.data.masthead.clone(), href: j.path.trim_start_matches("print/").to_owned() })
            .collect(),
        crate::config::Split::None => Vec::new(),
    };
    let footer_css = css_counter_content(labels.get("print_footer").map_or("", String::as_str));
    let page = Page { p: &data, footer_css, pdfs };
    let capacity = 64 * 1024 + data.count * PRINT_BYTES_PER_OFFICIAL;
    let out = "print/index.html";
    errors.extend(ctx.page_sized("print.html", out, links::root_for(out), &page, capacity, sink).err());
    #[cfg(feature = "pdf")]
    if let Some(fonts) = fonts {
        let _t = crate::timing::stage("print: typeset PDF");
        let jobs = jobs
            .into_iter()
            .map(|j| press::Job { data: PrintData { fonts: data.fonts.clone(), ..j.data }, ..j })
            .collect();
        errors.extend(press::typeset(ctx, roster, jobs, &fonts, sink));
    }
    #[cfg(not(feature = "pdf"))]
    if want_pdf {
        errors.push(
            Diagnostic::warning(
                "roster.toml",
                "this roster was built without the `pdf` feature: print/roster.pdf is not written",
            )
            .with_help("set [print] pdf = false, or install roster with its default features"),
        );
    }
    errors
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Print data with nothing in it, for the layout's tests.
    pub(crate) fn empty_data() -> PrintData {
        let r = Roster {
            config: crate::config::Config::default(),
            districts: Vec::new(),
            people: Default::default(),
            home: None,
            pages: Vec::new(),
            as_of: None,
            verify: crate::model::verify::Policy {
                today: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("date"),
                max_age_days: 180,
            },
        };
        data(&r, &History::default(), &BTreeMap::new())
    }

    pub(crate) fn change_line() -> ChangeLine {
        ChangeLine { index: 0, district: Some("区".into()), kind: None, items: "李明".into() }
    }

    /// A district with bodies of these many members.
    pub(crate) fn district(bodies: Vec<usize>) -> PrintDistrict {
        let m = || PrintMember {
            name: "李明".into(),
            post: "区长".into(),
            duties: None,
            office_phone: None,
            mobile: None,
            office: None,
            hours: None,
        };
        PrintDistrict {
            title: "区".into(),
            depth: 0,
            date: None,
            bodies: bodies
                .into_iter()
                .map(|n| PrintBody { name: "区政府".into(), members: (0..n).map(|_| m()).collect() })
                .collect(),
        }
    }

    /// The last guard: a control character validation missed is never set in the PDF.
    #[test]
    fn control_characters_are_never_typeset() {
        assert_eq!(typeset_text("控\u{1b}]0;pwned\u{7}\u{1b}[2J红"), "控]0;pwned[2J红");
        assert_eq!(typeset_text("a\u{0}b\u{b}c\u{7f}d\u{85}e\u{9f}f\ng\th"), "abcdefgh");
        assert_eq!(typeset_text("区长（兼）"), "区长（兼）");
    }

    #[test]
    fn footer_counter_css() {
        assert_eq!(
            css_counter_content("第 {page} 版 / 共 {pages} 版"),
            "\"第 \" counter(page) \" 版 / 共 \" counter(pages) \" 版\""
        );
        assert_eq!(css_counter_content("Page {page} of {pages}"), "\"Page \" counter(page) \" of \" counter(pages)");
        assert_eq!(css_counter_content("a\"</style>"), "\"a\\\"\\3c /style>\"");
    }
}
