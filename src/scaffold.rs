//! `roster new` (a new edition, copied from the district's latest) and `roster init` (a
//! minimal site that builds and serves at once). Both refuse to overwrite anything.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use toml::de::DeTable;

use crate::source::reader::parse_date;
use crate::source::walk::{CONTENT_DIR, DISTRICT_FILE};

/// Lines that open a new edition: what the editor must fill in.
const NEW_HEADER: &str = "reason = \"\"   # 本版事由，如：换届、人事调整、号码更新\nsource = \"\"   # 来源，如：《示例日报》2024年6月30日第3版\n";

/// Writes `content/<district>/<date>.toml` as a copy of the district's latest edition with
/// `reason` and `source` emptied and `note` removed. Returns the new file's path.
pub fn new_edition(root: &Path, district: &str, date: NaiveDate) -> Result<PathBuf, String> {
    let path = district.trim_start_matches("content/").trim_matches('/');
    let dir = root.join(CONTENT_DIR).join(path);
    if path.is_empty() || !dir.join(DISTRICT_FILE).is_file() {
        return Err(format!(
            "no district `{path}`: content/{path}/district.toml does not exist (create the folder and its district.toml first)"
        ));
    }
    let target = dir.join(format!("{date}.toml"));
    if target.exists() {
        return Err(format!("content/{path}/{date}.toml already exists; edit it, or give another date"));
    }
    let latest = latest_edition(&dir).map_err(|e| format!("cannot read content/{path}/: {e}"))?;
    let text = match &latest {
        Some((_, file)) => {
            let old = std::fs::read_to_string(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            copy_without_provenance(old.trim_start_matches('\u{feff}')).map_err(|e| {
                format!("{} is not valid TOML ({e}); run `roster check` and fix it first", file.display())
            })?
        }
        None => format!(
            "{NEW_HEADER}\n[[body]]\nname = \"\"   # 机构，如：中共某某区委\n\n[[body.member]]\nname = \"\"\npost = \"\"\n"
        ),
    };
    if let Some((last, _)) = latest
        && date <= last
    {
        eprintln!(
            "note: {date} is not after the latest edition ({last}); the new file becomes part of the history before it"
        );
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&target)
        .map_err(|e| format!("cannot create {}: {e}", target.display()))?;
    file.write_all(text.as_bytes()).map_err(|e| format!("cannot write {}: {e}", target.display()))?;
    Ok(target)
}

fn latest_edition(dir: &Path) -> std::io::Result<Option<(NaiveDate, PathBuf)>> {
    let mut best = None;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(date) = name.strip_suffix(".toml").and_then(parse_date)
            && entry.path().is_file()
            && best.as_ref().is_none_or(|(d, _)| date > *d)
        {
            best = Some((date, entry.path()));
        }
    }
    Ok(best)
}

/// The edition text with the top-level `reason`, `source` and `note` removed and fresh empty
/// ones put first; the bodies and members are kept as written, comments included.
fn copy_without_provenance(text: &str) -> Result<String, String> {
    let table = DeTable::parse(text).map_err(|e| e.message().to_owned())?;
    let mut cut: Vec<std::ops::Range<usize>> = table
        .get_ref()
        .iter()
        .filter(|(k, _)| matches!(k.get_ref().as_ref(), "reason" | "source" | "note"))
        .map(|(k, v)| {
            let mut end = v.span().end;
            // Take the rest of the line (a trailing comment) and its newline.
            end += text[end..].find('\n').map_or(text.len() - end, |i| i + 1);
            k.span().start..end
        })
        .collect();
    cut.sort_by_key(|r| r.start);
    let mut out = String::from(NEW_HEADER);
    let mut at = 0;
    for r in cut {
        out.push_str(&text[at..r.start]);
        at = r.end;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

/// Writes a minimal site into `dir`, which must be empty or absent; returns the files written.
pub fn init(dir: &Path, today: NaiveDate) -> Result<Vec<PathBuf>, String> {
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map(|mut d| d.next().is_none())
            .map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        if !empty {
            return Err(format!(
                "{} is not empty; `roster init` only writes into a new or empty folder",
                dir.display()
            ));
        }
    }
    let files = [
        ("roster.toml", ROSTER_TOML.to_owned()),
        (".gitignore", "/public\n".to_owned()),
        ("content/_index.md", INDEX_MD.to_owned()),
        ("content/example/district.toml", DISTRICT_TOML.to_owned()),
        (&*format!("content/example/{today}.toml"), EDITION_TOML.replace("{today}", &today.to_string())),
    ]
    .map(|(p, t)| (p.to_owned(), t));
    let mut written = Vec::new();
    for (rel, text) in files {
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

const ROSTER_TOML: &str = r#"# The site's settings; see the roster README for every key.
title = "某某市领导干部联系方式"
base_url = "https://example.org/roster/"   # where the site will be published
language = "zh-CN"                         # or "en"

[publish]   # which fields each output may contain
web   = ["name", "post", "duties", "office_phone", "mobile", "office", "hours"]
print = ["name", "post", "duties", "office_phone", "mobile"]
data  = ["name", "post", "duties", "office_phone", "office", "hours"]

[print]
paper = "broadsheet"
columns = 6
"#;

const INDEX_MD: &str = r#"+++
title = "通告"
+++
本名录公布各级领导干部的职务、分工和联系电话，方便群众找到负责相关工作的同志。

*（这是 `roster init` 写的示例文字，请在 content/_index.md 中修改。）*
"#;

const DISTRICT_TOML: &str = r#"name = "示例区"
kind = "区"
order = 1
intro = "把这一段换成本区的简介。文件夹名（example）就是网址。"
"#;

const EDITION_TOML: &str = r#"# An edition: the district's whole roster from this date on. For the next reshuffle run
#   roster new example
# which copies this file under a new date.
reason = "首次公开"
source = ""

[[body]]
name = "中共示例区委"

[[body.member]]
name = "张示例"
post = "区委书记"
duties = "主持区委全面工作。"
mobile = "139 0000 0001"
office_phone = "028-3812 0001"
office = "区委大楼 301 室"
hours = "24 小时"
verified = {today}

[[body]]
name = "示例区人民政府"

[[body.member]]
name = "李示例"
post = "区委副书记、区长"
duties = "主持区政府全面工作。"
mobile = "139 0000 0002"
office_phone = "028-3812 0002"
hours = "8:00—23:00"
verified = {today}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provenance_is_replaced_and_members_kept() {
        let old = "# header comment\nreason = \"换届\" # why\nsource = \"日报\"\nnote = \"\"\"\nmulti\nline\n\"\"\"\n\n[[body]]\nname = \"委\"\n# a member\n[[body.member]]\nname = \"李明\"\npost = \"书记\"\n";
        let new = copy_without_provenance(old).unwrap();
        assert!(new.starts_with(NEW_HEADER), "{new}");
        assert!(!new.contains("\"换届\"") && !new.contains("\"日报\"") && !new.contains("multi"), "{new}");
        assert!(new.contains("# header comment\n"));
        assert!(new.contains("# a member\n[[body.member]]\nname = \"李明\"\npost = \"书记\"\n"));
        let parsed: toml::Table = toml::from_str(&new).unwrap();
        assert_eq!(parsed["reason"].as_str(), Some(""));
    }
}
