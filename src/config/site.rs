//! `[site]`: what a Chinese government website carries in every footer (主办单位, 网站标识码,
//! ICP 备案号, 公安机关备案号, 党政机关网站标识, 我为政府网站找错) and in its `SiteIDCode`
//! meta tag. Each is optional; a value that cannot be right (an identification code that is
//! not ten letters and digits, a mark that is not a file of the site) is refused with its line.

use std::ops::Range;

use crate::diag::Diagnostic;
use crate::source::reader::TableReader;

pub(crate) const KEYS: &[&str] =
    &["organizer", "site_id_code", "icp", "police_filing", "party_gov_mark", "error_report_url"];

/// `[site]` as read; every field is shown only when set.
#[derive(Debug, Clone, Default)]
pub struct SiteConfig {
    /// 主办单位.
    pub organizer: Option<String>,
    /// 网站标识码: ten letters and digits, e.g. `5101000035` or `bm04000007`.
    pub site_id_code: Option<String>,
    /// ICP 备案号 as issued, e.g. `蜀ICP备05003828号-1`; linked to the MIIT filing system.
    pub icp: Option<String>,
    /// 公安机关备案号 as issued, e.g. `川公网安备 51010402000001号`.
    pub police_filing: Option<String>,
    /// 党政机关网站标识: a file under the site's `static/` folder, as its path from the root.
    pub party_gov_mark: Option<String>,
    /// Where `party_gov_mark` was written (its file is checked when the site folder is read).
    pub party_gov_mark_span: Range<usize>,
    /// 我为政府网站找错.
    pub error_report_url: Option<String>,
}

/// The MIIT system where an ICP filing is looked up.
pub const ICP_URL: &str = "https://beian.miit.gov.cn/";

impl SiteConfig {
    /// The 公安机关备案号's query page, keyed by the filing's digits.
    pub fn police_url(&self) -> Option<String> {
        let filing = self.police_filing.as_deref()?;
        let code: String = filing.chars().filter(char::is_ascii_digit).collect();
        Some(format!("https://beian.mps.gov.cn/#/query/webSearch?code={code}"))
    }

    /// The mark's URL from the output root: its path under `static/`.
    pub fn party_gov_mark_url(&self) -> Option<&str> {
        self.party_gov_mark.as_deref().and_then(|p| p.strip_prefix("static/"))
    }
}

/// A string of `key` that `valid` accepts; else an error naming the value, with `help`.
fn checked(r: &mut TableReader<'_, '_>, key: &str, what: &str, valid: fn(&str) -> bool, help: &str) -> Option<String> {
    let t = r.string(key)?;
    if valid(&t.value) {
        return Some(t.value);
    }
    let file = r.file();
    r.diags.push(Diagnostic::at(file, t.span, format!("`{key}` is not {what}: `{}`", t.value)).with_help(help));
    None
}

pub(crate) fn read(r: &mut TableReader<'_, '_>, site: &mut SiteConfig) {
    let file = r.file().clone();
    fn digits(v: &str) -> bool {
        v.chars().any(|c| c.is_ascii_digit())
    }
    site.organizer = r.string("organizer").map(|t| t.value);
    site.site_id_code = checked(
        r,
        "site_id_code",
        "a 网站标识码",
        |v| v.len() == 10 && v.chars().all(|c| c.is_ascii_alphanumeric()),
        "a 网站标识码 is ten letters and digits, e.g. \"5101000035\" or \"bm04000007\"",
    );
    site.icp = checked(
        r,
        "icp",
        "an ICP 备案号",
        |v| v.contains("ICP") && digits(v),
        "write it as issued, e.g. \"蜀ICP备05003828号-1\"",
    );
    site.police_filing = checked(
        r,
        "police_filing",
        "a 公安机关备案号",
        |v| v.contains("公网安备") && digits(v),
        "write it as issued, e.g. \"川公网安备 51010402000001号\"",
    );
    if let Some(t) = r.string("party_gov_mark") {
        let image = [".png", ".gif", ".jpg", ".jpeg", ".svg", ".webp"]
            .iter()
            .any(|ext| t.value.to_ascii_lowercase().ends_with(ext));
        let inside = t.value.strip_prefix("static/").is_some_and(|rest| {
            !rest.is_empty() && rest.split('/').all(|part| !part.is_empty() && part != "." && part != "..")
        });
        if image && inside {
            site.party_gov_mark = Some(t.value);
            site.party_gov_mark_span = t.span;
        } else {
            r.diags.push(
                Diagnostic::at(&file, t.span, format!("`party_gov_mark` is not an image under static/: `{}`", t.value))
                    .with_help("put the 党政机关网站标识 image in the site's static/ folder and write e.g. \"static/dzjg.png\""),
            );
        }
    }
    site.error_report_url = checked(
        r,
        "error_report_url",
        "an absolute http(s) URL",
        |v| super::normalize_base_url(v).is_some(),
        "write the whole address of the 我为政府网站找错 page",
    );
}
