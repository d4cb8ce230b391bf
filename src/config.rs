//! `roster.toml`: the site's configuration.
//!
//! Read with the same spanned reader as the content, so a mistake here is reported with its
//! line like any other, and together with the content's mistakes: a field that is wrong falls
//! back to its default and the run goes on to find the rest.

use std::ops::Range;
use std::path::Path;

use chrono::NaiveDate;

use crate::diag::{Diagnostic, FileRef, did_you_mean};
use crate::field::{Field, FieldSet};
use crate::source::text::is_slug;
use crate::source::{reader, text};

mod search;
mod site;

pub use search::SearchConfig;
pub use site::{ICP_URL, SiteConfig};

pub const FILE_NAME: &str = "roster.toml";

/// Interface languages of the built-in theme.
pub const LANGUAGES: &[&str] = &["zh-CN", "en"];

#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    /// Absolute URL of the published site, always ending with `/`.
    pub base_url: String,
    pub language: String,
    pub theme: String,
    pub description: Option<String>,
    /// Region for numbers written without a country code (ISO 3166 code, e.g. `CN`).
    pub phone_region: phonenumber::country::Id,
    pub publish: Publish,
    pub print: PrintConfig,
    pub history: HistoryConfig,
    pub verify: VerifyConfig,
    pub feedback: FeedbackConfig,
    pub site: SiteConfig,
    pub search: SearchConfig,
}

/// Which fields each output channel may contain.
#[derive(Debug, Clone, Copy)]
pub struct Publish {
    pub web: FieldSet,
    pub print: FieldSet,
    pub data: FieldSet,
}

/// An output channel of the publish policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    Web,
    Print,
    Data,
}

impl Publish {
    /// Whether some channel publishes `field`; one none publishes is as private as a member's
    /// `private` list makes it.
    pub fn publishes(&self, field: Field) -> bool {
        [self.web, self.print, self.data].iter().any(|set| set.contains(field))
    }

    pub fn fields(&self, channel: Channel) -> FieldSet {
        match channel {
            Channel::Web => self.web,
            Channel::Print => self.print,
            Channel::Data => self.data,
        }
    }
}

impl Default for Publish {
    /// Everything on the web; no mobile numbers in open data.
    fn default() -> Self {
        let all = FieldSet::all();
        let no_mobile: FieldSet = all.iter().filter(|f| *f != Field::Mobile).collect();
        let print: FieldSet = all.iter().filter(|f| *f != Field::Office && *f != Field::Hours).collect();
        Publish { web: all, print, data: no_mobile }
    }
}

/// `[print]`: the newspaper layout.
#[derive(Debug, Clone)]
pub struct PrintConfig {
    pub paper: Paper,
    pub columns: u32,
    /// Body text size in points.
    pub font_size: f64,
    /// Font files (relative to the site root) or family names, tried in order.
    pub fonts: Vec<String>,
    /// Masthead; defaults to the site title.
    pub title: Option<String>,
    /// Date printed in the masthead; defaults to the latest edition date.
    pub date: Option<NaiveDate>,
    /// Print a box of the changes since the previous printing.
    pub changes: bool,
    /// The date of the previous printing: the box lists changes of editions after it
    /// (default: the changes of the newest edition date).
    pub since: Option<NaiveDate>,
    /// Write `print/roster.pdf`.
    pub pdf: bool,
    /// Page margin in millimetres.
    pub margin_mm: f64,
    /// The memory typesetting the PDF may take, in MiB: a roster whose PDF would need more is
    /// refused before typesetting starts (the estimate is `render::print::pdf_memory_mib`).
    pub max_memory_mb: u32,
    /// Fit the PDF to exactly this many pages by choosing the font size (`[print] pages`).
    pub pages: Option<u32>,
    /// The range the fitted font size stays in, in points.
    pub min_font_size: f64,
    pub max_font_size: f64,
    /// One PDF per top-level district (`split = "district"`) instead of one for the site.
    pub split: Split,
}

/// How the PDF is divided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Split {
    /// One `print/roster.pdf`.
    #[default]
    None,
    /// `print/<district>/roster.pdf` for each top-level district.
    District,
}

impl Default for PrintConfig {
    fn default() -> Self {
        PrintConfig {
            paper: Paper::named("broadsheet").expect("known paper"),
            columns: 6,
            font_size: 8.0,
            fonts: Vec::new(),
            title: None,
            date: None,
            changes: true,
            since: None,
            pdf: true,
            margin_mm: 0.0,
            max_memory_mb: 1024,
            pages: None,
            min_font_size: 6.0,
            max_font_size: 10.0,
            split: Split::None,
        }
    }
}

/// A page size.
#[derive(Debug, Clone, PartialEq)]
pub struct Paper {
    pub name: String,
    pub width_mm: f64,
    pub height_mm: f64,
}

impl Paper {
    pub const NAMES: &'static [&'static str] = &["broadsheet", "tabloid", "a3", "a4"];

    /// A named size: broadsheet and tabloid are newspaper type areas.
    pub fn named(name: &str) -> Option<Paper> {
        let (w, h) = match name {
            "broadsheet" => (350.0, 500.0),
            "tabloid" => (245.0, 350.0),
            "a3" => (297.0, 420.0),
            "a4" => (210.0, 297.0),
            _ => return None,
        };
        Some(Paper { name: name.to_owned(), width_mm: w, height_mm: h })
    }

    /// `"broadsheet"` or `"WIDTHmm HEIGHTmm"`.
    pub fn parse(text: &str) -> Option<Paper> {
        let text = text.trim().to_ascii_lowercase();
        if let Some(p) = Paper::named(&text) {
            return Some(p);
        }
        let dims: Vec<f64> = text
            .split(|c: char| c.is_whitespace() || c == 'x' || c == '×')
            .filter(|s| !s.is_empty())
            .map(|s| s.trim_end_matches("mm").trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .ok()?;
        match dims[..] {
            [w, h] if (50.0..=2000.0).contains(&w) && (50.0..=2000.0).contains(&h) => {
                Some(Paper { name: format!("{w}mm {h}mm"), width_mm: w, height_mm: h })
            }
            _ => None,
        }
    }
}

/// `[history]`: how changes are detected.
#[derive(Debug, Clone, Default)]
pub struct HistoryConfig {
    /// A person who leaves one district and joins another within this many days is a transfer.
    pub transfer_window_days: u32,
}

/// `[verify]`: how old a number's last verification may be before it is stale (待核实).
#[derive(Debug, Clone)]
pub struct VerifyConfig {
    pub max_age_days: u32,
}

/// `[feedback]`: where a citizen reports a wrong number.
#[derive(Debug, Clone, Default)]
pub struct FeedbackConfig {
    /// 值班电话, as written; a `tel:` link in every footer.
    pub phone: Option<String>,
    /// The 留言 page.
    pub url: Option<String>,
    /// A 号码有误？ link beside each published number: `{id}`, `{field}` and `{district}` are
    /// filled in, URL-encoded.
    pub report_url: Option<String>,
}

impl FeedbackConfig {
    /// Whether a citizen has any way to report.
    pub fn any(&self) -> bool {
        self.phone.is_some() || self.url.is_some() || self.report_url.is_some()
    }
}

impl Default for VerifyConfig {
    fn default() -> Self {
        VerifyConfig { max_age_days: 180 }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "Roster".into(),
            base_url: "http://localhost/".into(),
            language: "zh-CN".into(),
            theme: "default".into(),
            description: None,
            phone_region: phonenumber::country::Id::CN,
            publish: Publish::default(),
            print: PrintConfig::default(),
            history: HistoryConfig::default(),
            verify: VerifyConfig::default(),
            feedback: FeedbackConfig::default(),
            site: SiteConfig::default(),
            search: SearchConfig::default(),
        }
    }
}

const TOP_KEYS: &[&str] = &[
    "title",
    "base_url",
    "language",
    "theme",
    "description",
    "phone_region",
    "publish",
    "print",
    "history",
    "verify",
    "feedback",
    "site",
    "search",
];
const PUBLISH_KEYS: &[&str] = &["web", "print", "data"];
const PRINT_KEYS: &[&str] = &[
    "paper",
    "columns",
    "font_size",
    "fonts",
    "title",
    "date",
    "changes",
    "since",
    "pdf",
    "margin",
    "max_memory_mb",
    "pages",
    "min_font_size",
    "max_font_size",
    "split",
];
const HISTORY_KEYS: &[&str] = &["transfer_window_days"];
const VERIFY_KEYS: &[&str] = &["max_age_days"];
const FEEDBACK_KEYS: &[&str] = &["phone", "url", "report_url"];

/// Reads `<root>/roster.toml`. Mistakes are pushed to `diags` and the field keeps its default.
pub fn load(root: &Path, diags: &mut Vec<Diagnostic>) -> Config {
    let path = root.join(FILE_NAME);
    if !path.is_file() {
        diags
            .push(Diagnostic::error(FILE_NAME, format!("the site folder has no {FILE_NAME}")).with_help(
                "run roster inside a site folder or pass `--root DIR`; `roster init DIR` starts a new site",
            ));
        return Config::default();
    }
    match text::read(&path, FILE_NAME) {
        Ok(file) => {
            let config = parse(&file, diags);
            if let Some(mark) = &config.site.party_gov_mark
                && !root.join(mark).is_file()
            {
                diags.push(
                    Diagnostic::at(
                        &file,
                        config.site.party_gov_mark_span.clone(),
                        format!("`party_gov_mark`: {mark} does not exist"),
                    )
                    .with_help("put the 党政机关网站标识 image there, or remove the line"),
                );
            }
            config
        }
        Err(d) => {
            diags.push(d);
            Config::default()
        }
    }
}

/// Parses the text of roster.toml.
pub fn parse(file: &FileRef, diags: &mut Vec<Diagnostic>) -> Config {
    let mut config = Config::default();
    let Some(table) = reader::parse(file, diags) else {
        return config;
    };
    let mut r = reader::TableReader::new(file, &table, FILE_NAME, TOP_KEYS, diags);
    match r.string("title") {
        Some(t) => config.title = t.value,
        None => {
            if r.span_of("title").is_none() {
                r.diags.push(
                    Diagnostic::at(file, 0..0, "roster.toml has no `title`")
                        .with_help("add `title = \"示例市领导干部联系方式\"`"),
                );
            }
        }
    }
    if let Some(url) = r.string("base_url") {
        match normalize_base_url(&url.value) {
            Some(u) => config.base_url = u,
            None => r.diags.push(
                Diagnostic::at(file, url.span, format!("`base_url` is not an absolute http(s) URL: `{}`", url.value))
                    .with_help("write the address where the site is published, e.g. \"https://example.org/roster/\""),
            ),
        }
    }
    if let Some(lang) = r.string("language") {
        match LANGUAGES.iter().find(|l| l.eq_ignore_ascii_case(&lang.value)) {
            Some(l) => config.language = (*l).to_owned(),
            None => r.diags.push(
                Diagnostic::at(file, lang.span, format!("unknown language `{}`", lang.value))
                    .with_help(format!("use one of: {}", LANGUAGES.join(", "))),
            ),
        }
    }
    if let Some(theme) = r.string("theme") {
        if is_slug(&theme.value) {
            config.theme = theme.value;
        } else {
            r.diags.push(
                Diagnostic::at(
                    file,
                    theme.span,
                    format!("`theme` must be a folder name under themes/: `{}`", theme.value),
                )
                .with_help("use lowercase letters, digits and `-`, e.g. \"default\""),
            );
        }
    }
    config.description = r.string("description").map(|t| t.value);
    if let Some(region) = r.string("phone_region") {
        match region.value.to_ascii_uppercase().parse::<phonenumber::country::Id>() {
            Ok(id) => config.phone_region = id,
            Err(_) => r.diags.push(
                Diagnostic::at(file, region.span, format!("unknown `phone_region`: `{}`", region.value))
                    .with_help("use a two-letter ISO 3166 country code, e.g. \"CN\""),
            ),
        }
    }
    if let Some((t, _)) = r.table("publish") {
        let mut p = reader::TableReader::new(file, t, "[publish]", PUBLISH_KEYS, r.diags);
        for (key, slot) in
            [("web", &mut config.publish.web), ("print", &mut config.publish.print), ("data", &mut config.publish.data)]
        {
            if let Some(list) = p.string_list(key) {
                *slot = field_set(file, &list, &format!("[publish] {key}"), p.diags);
                check_identity_fields(file, p.span_of(key), *slot, key, p.diags);
            }
        }
        p.finish();
    }
    if let Some((t, _)) = r.table("print") {
        let mut p = reader::TableReader::new(file, t, "[print]", PRINT_KEYS, r.diags);
        read_print(&mut p, &mut config.print);
        p.finish();
    }
    if let Some((t, _)) = r.table("history") {
        let mut h = reader::TableReader::new(file, t, "[history]", HISTORY_KEYS, r.diags);
        if let Some((n, span)) = h.integer("transfer_window_days") {
            match u32::try_from(n) {
                Ok(n) if n <= 3660 => config.history.transfer_window_days = n,
                _ => h.diags.push(Diagnostic::at(
                    file,
                    span,
                    format!("`transfer_window_days` must be between 0 and 3660, found {n}"),
                )),
            }
        }
        h.finish();
    }
    if let Some((t, _)) = r.table("verify") {
        let mut v = reader::TableReader::new(file, t, "[verify]", VERIFY_KEYS, r.diags);
        if let Some((n, span)) = v.integer("max_age_days") {
            match u32::try_from(n) {
                Ok(n @ 1..=3660) => config.verify.max_age_days = n,
                _ => v.diags.push(
                    Diagnostic::at(file, span, format!("`max_age_days` must be between 1 and 3660, found {n}"))
                        .with_help("the number of days a verified number stays fresh; the default is 180"),
                ),
            }
        }
        v.finish();
    }
    if let Some((t, _)) = r.table("feedback") {
        let mut f = reader::TableReader::new(file, t, "[feedback]", FEEDBACK_KEYS, r.diags);
        read_feedback(&mut f, &mut config.feedback);
        f.finish();
    }
    if let Some((t, _)) = r.table("site") {
        let mut s = reader::TableReader::new(file, t, "[site]", site::KEYS, r.diags);
        site::read(&mut s, &mut config.site);
        s.finish();
    }
    if let Some((t, _)) = r.table("search") {
        let mut s = reader::TableReader::new(file, t, "[search]", search::KEYS, r.diags);
        search::read(&mut s, &mut config.search);
        s.finish();
    }
    if !config.feedback.any() {
        r.diags.push(
            Diagnostic::warning(FILE_NAME, "no feedback channel: a citizen who finds a dead number cannot tell anyone")
                .with_help("add [feedback] with `phone` (值班电话), `url` (留言 page) or `report_url` (a 号码有误？ link beside each number)"),
        );
    }
    r.finish();
    config
}

/// `[feedback]`: a phone number as written (digits and `+ - ( )` and spaces), URLs that are
/// absolute http(s), and in `report_url` no placeholder but `{id}`, `{field}`, `{district}`.
fn read_feedback(f: &mut reader::TableReader<'_, '_>, feedback: &mut FeedbackConfig) {
    let file = f.file().clone();
    if let Some(t) = f.string("phone") {
        if t.value.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c))
            && t.value.chars().any(|c| c.is_ascii_digit())
        {
            feedback.phone = Some(t.value);
        } else {
            f.diags.push(
                Diagnostic::at(&file, t.span, format!("`phone` is not a phone number: `{}`", t.value))
                    .with_help("write the number as it is dialled, e.g. \"12345\" or \"028-8765 4321\""),
            );
        }
    }
    for key in ["url", "report_url"] {
        let Some(t) = f.string(key) else { continue };
        let absolute = normalize_base_url(&t.value).is_some();
        let unknown = placeholders(&t.value).find(|p| !["id", "field", "district"].contains(p));
        match (absolute, unknown) {
            (false, _) => f.diags.push(
                Diagnostic::at(&file, t.span, format!("`{key}` is not an absolute http(s) URL: `{}`", t.value))
                    .with_help("write the whole address, e.g. \"https://www.example.gov.cn/liuyan/\""),
            ),
            (true, Some(p)) if key == "report_url" => f.diags.push(
                Diagnostic::at(&file, t.span, format!("unknown placeholder `{{{p}}}` in `report_url`"))
                    .with_help("`report_url` may hold {id}, {field} and {district}, filled in for each number"),
            ),
            _ if key == "url" => feedback.url = Some(t.value),
            _ => feedback.report_url = Some(t.value),
        }
    }
}

/// The `{name}` placeholders of a URL template.
fn placeholders(text: &str) -> impl Iterator<Item = &str> {
    text.split('{').skip(1).filter_map(|part| part.split_once('}').map(|(name, _)| name))
}

fn read_print(p: &mut reader::TableReader<'_, '_>, print: &mut PrintConfig) {
    let file = p.file();
    if let Some(paper) = p.string("paper") {
        match Paper::parse(&paper.value) {
            Some(size) => {
                if !matches!(size.name.as_str(), "broadsheet" | "tabloid") {
                    print.margin_mm = 12.0;
                }
                print.paper = size;
            }
            None => p.diags.push(
                Diagnostic::at(file, paper.span, format!("unknown paper `{}`", paper.value))
                    .with_help("use broadsheet, tabloid, a3, a4, or a size like \"350mm 500mm\""),
            ),
        }
    }
    if let Some((n, span)) = p.integer("columns") {
        match u32::try_from(n) {
            Ok(n @ 1..=12) => print.columns = n,
            _ => p.diags.push(Diagnostic::at(file, span, format!("`columns` must be between 1 and 12, found {n}"))),
        }
    }
    if let Some((size, span)) = p.float("font_size") {
        if (4.0..=24.0).contains(&size) {
            print.font_size = size;
        } else {
            p.diags.push(Diagnostic::at(
                file,
                span,
                format!("`font_size` must be between 4 and 24 points, found {size}"),
            ));
        }
    }
    if let Some((margin, span)) = p.float("margin") {
        if (0.0..=50.0).contains(&margin) {
            print.margin_mm = margin;
        } else {
            p.diags.push(Diagnostic::at(file, span, format!("`margin` must be between 0 and 50 mm, found {margin}")));
        }
    }
    if let Some((n, span)) = p.integer("max_memory_mb") {
        match u32::try_from(n) {
            Ok(n @ 64..=1_048_576) => print.max_memory_mb = n,
            _ => p.diags.push(Diagnostic::at(
                file,
                span,
                format!("`max_memory_mb` must be between 64 and 1048576 (MiB), found {n}"),
            )),
        }
    }
    read_fit(p, print);
    if let Some(fonts) = p.string_list("fonts") {
        print.fonts = fonts.into_iter().map(|t| t.value).filter(|s| !s.is_empty()).collect();
    }
    print.title = p.string("title").map(|t| t.value);
    print.date = p.date("date").map(|(d, _)| d);
    print.since = p.date("since").map(|(d, _)| d);
    if let Some(b) = p.boolean("changes") {
        print.changes = b;
    }
    if let Some(b) = p.boolean("pdf") {
        print.pdf = b;
    }
}

/// `pages`, `min_font_size`, `max_font_size` and `split`.
fn read_fit(p: &mut reader::TableReader<'_, '_>, print: &mut PrintConfig) {
    let file = p.file();
    if let Some((n, span)) = p.integer("pages") {
        match u32::try_from(n) {
            Ok(n @ 1..=999) => print.pages = Some(n),
            _ => p.diags.push(Diagnostic::at(file, span, format!("`pages` must be between 1 and 999, found {n}"))),
        }
    }
    let mut size = |key: &str, into: &mut f64| {
        if let Some((size, span)) = p.float(key) {
            if (4.0..=24.0).contains(&size) {
                *into = size;
            } else {
                p.diags.push(Diagnostic::at(
                    file,
                    span,
                    format!("`{key}` must be between 4 and 24 points, found {size}"),
                ));
            }
        }
    };
    size("min_font_size", &mut print.min_font_size);
    size("max_font_size", &mut print.max_font_size);
    if print.min_font_size > print.max_font_size {
        p.diags.push(Diagnostic::error(
            file.path.clone(),
            format!(
                "[print] min_font_size ({}) is larger than max_font_size ({})",
                print.min_font_size, print.max_font_size
            ),
        ));
    }
    if let Some(split) = p.string("split") {
        match split.value.as_str() {
            "district" => print.split = Split::District,
            "none" => print.split = Split::None,
            other => p.diags.push(
                Diagnostic::at(file, split.span, format!("unknown split `{other}`"))
                    .with_help("use \"district\" (one PDF per top-level district) or \"none\""),
            ),
        }
    }
    if print.pages.is_some() && print.split == Split::District {
        p.diags.push(
            Diagnostic::error(file.path.clone(), "[print] pages cannot be combined with split = \"district\"")
                .with_help("with split, each district's PDF takes the pages it needs; fit one PDF with pages alone"),
        );
    }
}

/// Reads a list of field names; unknown names are diagnostics with a did-you-mean hint.
pub fn field_set(file: &FileRef, list: &[reader::Text], what: &str, diags: &mut Vec<Diagnostic>) -> FieldSet {
    let mut set = FieldSet::EMPTY;
    for item in list {
        match Field::from_name(&item.value) {
            Some(f) => set.insert(f),
            None => {
                let mut d =
                    Diagnostic::at(file, item.span.clone(), format!("unknown field `{}` in {what}", item.value));
                if let Some(hint) = did_you_mean(&item.value, &Field::NAMES) {
                    d = d.with_label(format!("did you mean `{hint}`?"));
                }
                diags.push(d.with_help(format!("fields are: {}", Field::NAMES.join(", "))));
            }
        }
    }
    set
}

fn check_identity_fields(
    file: &FileRef,
    span: Option<Range<usize>>,
    set: FieldSet,
    key: &str,
    diags: &mut Vec<Diagnostic>,
) {
    for f in [Field::Name, Field::Post] {
        if !set.contains(f) {
            diags.push(
                Diagnostic::at(file, span.clone().unwrap_or(0..0), format!("[publish] {key} must include `{f}`"))
                    .with_help("a roster entry without name and post identifies no one; add them to the list"),
            );
        }
    }
}

/// `url` with a trailing `/`, if it is an absolute http(s) URL.
pub fn normalize_base_url(url: &str) -> Option<String> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let host = rest.split('/').next()?;
    if host.is_empty() || url.chars().any(|c| c.is_whitespace() || c == '"' || c == '<' || c == '>') {
        return None;
    }
    let mut u = url.to_owned();
    if !u.ends_with('/') {
        u.push('/');
    }
    Some(u)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::SourceFile;

    /// Parses `src`; the warning that a configuration without `[feedback]` gets is left out
    /// (`feedback_channel` tests it).
    fn parse_str(src: &str) -> (Config, Vec<Diagnostic>) {
        let file = SourceFile::new(FILE_NAME, src);
        let mut diags = Vec::new();
        let c = parse(&file, &mut diags);
        diags.retain(|d| !d.message.starts_with("no feedback channel"));
        (c, diags)
    }

    #[test]
    fn feedback_channel() {
        let file = SourceFile::new(FILE_NAME, "title = \"x\"\n");
        let mut diags = Vec::new();
        parse(&file, &mut diags);
        assert_eq!(diags.len(), 1);
        assert!(!diags[0].is_error() && diags[0].message.starts_with("no feedback channel"), "{diags:?}");
        let (c, diags) = parse_str(
            "title = \"x\"\n[feedback]\nphone = \"0558-12345\"\nurl = \"https://x.gov.cn/liuyan/\"\nreport_url = \"https://x.gov.cn/jiucuo/?id={id}&f={field}&d={district}\"\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(c.feedback.phone.as_deref(), Some("0558-12345"));
        assert_eq!(c.feedback.url.as_deref(), Some("https://x.gov.cn/liuyan/"));
        assert!(c.feedback.report_url.is_some());
        let (c, diags) = parse_str(
            "title = \"x\"\n[feedback]\nphone = \"call us\"\nurl = \"x.gov.cn\"\nreport_url = \"https://x.gov.cn/?n={name}\"\n",
        );
        let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`phone` is not a phone number: `call us`",
                "`url` is not an absolute http(s) URL: `x.gov.cn`",
                "unknown placeholder `{name}` in `report_url`"
            ]
        );
        assert_eq!(diags[2].line_col(), Some((5, 14)));
        assert!(!c.feedback.any());
    }

    #[test]
    fn government_footer_and_synonyms() {
        let (c, diags) = parse_str(
            "title = \"x\"\n[site]\norganizer = \"示例市人民政府办公室\"\nsite_id_code = \"5101000035\"\nicp = \"蜀ICP备05003828号-1\"\npolice_filing = \"川公网安备 51010402000001号\"\nparty_gov_mark = \"static/dzjg.png\"\nerror_report_url = \"https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=5101000035\"\n[search.synonyms]\n\"财审\" = [\"财政\", \"审计\"]\n\"一网通办\" = \"政务服务\"\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(c.site.organizer.as_deref(), Some("示例市人民政府办公室"));
        assert_eq!(
            c.site.police_url().as_deref(),
            Some("https://beian.mps.gov.cn/#/query/webSearch?code=51010402000001")
        );
        assert_eq!(c.site.party_gov_mark_url(), Some("dzjg.png"));
        assert!(c.search.synonyms.contains(&("一网通办".to_owned(), vec!["政务服务".to_owned()])), "{:?}", c.search);
        let (c, diags) = parse_str(
            "title = \"x\"\n[site]\nsite_id_code = \"51010\"\nicp = \"12345\"\npolice_filing = \"备案\"\nparty_gov_mark = \"../dzjg.png\"\nerror_report_url = \"jiucuo\"\nlogo = 1\n[search]\nsynonyms = { \"城 管\" = [\"城市管理\"], \"低保\" = [], \"社保\" = 3 }\n",
        );
        let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`site_id_code` is not a 网站标识码: `51010`",
                "`icp` is not an ICP 备案号: `12345`",
                "`police_filing` is not a 公安机关备案号: `备案`",
                "`party_gov_mark` is not an image under static/: `../dzjg.png`",
                "`error_report_url` is not an absolute http(s) URL: `jiucuo`",
                "unknown field `logo` in [site]",
                "`synonyms.社保` must be a list of strings like [\"a\", \"b\"], found integer",
                "synonym `低保` stands for nothing",
                "synonym `城 管` has a space: search splits what is typed at spaces",
            ]
        );
        assert_eq!(diags[0].line_col(), Some((3, 16)));
        assert!(c.site.site_id_code.is_none() && c.search.synonyms.is_empty());
    }

    #[test]
    fn full_config() {
        let (c, diags) = parse_str(
            r#"
title = "示例市"
base_url = "https://example.org/roster"
language = "en"
phone_region = "cn"
[publish]
web = ["name", "post", "mobile"]
print = ["name", "post"]
data = ["name", "post", "office"]
[print]
paper = "tabloid"
columns = 4
[history]
transfer_window_days = 30
"#,
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(c.base_url, "https://example.org/roster/");
        assert_eq!(c.language, "en");
        assert!(c.publish.web.contains(Field::Mobile));
        assert!(!c.publish.data.contains(Field::Mobile));
        assert_eq!(c.print.paper.width_mm, 245.0);
        assert_eq!(c.print.columns, 4);
        assert_eq!(c.history.transfer_window_days, 30);
    }

    #[test]
    fn unknown_publish_field_is_an_error_with_a_hint() {
        let (_, diags) = parse_str("title = \"x\"\n[publish]\nweb = [\"name\", \"post\", \"mobil\"]\n");
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.contains("unknown field `mobil`"));
        assert_eq!(diags[0].label.as_deref(), Some("did you mean `mobile`?"));
        assert_eq!(diags[0].line_col(), Some((3, 24)));
    }

    #[test]
    fn policy_must_keep_name_and_post() {
        let (_, diags) = parse_str("title = \"x\"\n[publish]\ndata = [\"name\"]\n");
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.contains("must include `post`"));
    }

    #[test]
    fn paper_sizes() {
        assert_eq!(Paper::parse("A4").unwrap().height_mm, 297.0);
        let p = Paper::parse("300mm 420mm").unwrap();
        assert_eq!((p.width_mm, p.height_mm), (300.0, 420.0));
        assert!(Paper::parse("letter").is_none());
        assert!(Paper::parse("10mm 10mm").is_none());
    }

    #[test]
    fn bad_values_are_reported_together() {
        let (c, diags) = parse_str(
            "title = \"x\"\nbase_url = \"example.org\"\nlanguage = \"fr\"\n[print]\ncolumns = 40\npaper = \"letter\"\n",
        );
        assert_eq!(diags.len(), 4, "{diags:?}");
        assert_eq!(c.language, "zh-CN");
        assert_eq!(c.print.columns, 6);
    }
}
