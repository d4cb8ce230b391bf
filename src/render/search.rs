//! `/search/`: a page whose small script searches a compact index of the current roster,
//! loaded as a script (`search/index.js`) so that it works from `file://` as well as served.
//! Each entry carries the name, its pinyin in full and as initials (李明: `liming`, `lm`),
//! post, duties, district and the digits of the published numbers.

use pinyin::ToPinyin;
use serde::Serialize;

use super::{Ctx, links, markdown};
use crate::diag::Diagnostic;
use crate::output::Sink;

/// Full pinyin without tones and the initials of a name; other characters are kept in
/// lowercase (so "Li Ming" gives `liming` and `lm`).
pub fn pinyin_of(name: &str) -> (String, String) {
    let mut full = String::new();
    let mut initials = String::new();
    for (c, py) in name.chars().zip(name.to_pinyin()) {
        match py {
            Some(p) => {
                full.push_str(p.plain());
                initials.push_str(p.first_letter());
            }
            None if c.is_alphanumeric() => {
                let lower = c.to_lowercase().to_string();
                if full.is_empty() || !full.ends_with(|x: char| x.is_ascii_alphanumeric()) {
                    initials.push_str(&lower);
                }
                full.push_str(&lower);
            }
            None => {}
        }
    }
    (full, initials)
}

/// One search entry: `[name, pinyin, initials, post, duties, district, digits, person url,
/// district url, numbers]`, numbers as `national|e164` separated by spaces.
type Entry = [String; 10];

fn entries(ctx: &Ctx<'_>) -> Vec<Entry> {
    let r = ctx.roster;
    let mut out = Vec::new();
    for d in &r.districts {
        let Some(e) = d.current() else { continue };
        for (_, m) in e.members() {
            let (full, initials) = pinyin_of(&m.name);
            let digits: Vec<String> = [m.office_phone.as_ref(), m.mobile.as_ref()]
                .into_iter()
                .flatten()
                .map(|p| format!("{} {}", p.national.replace(' ', ""), p.digits()))
                .collect();
            out.push([
                m.name.clone(),
                full,
                initials,
                m.post.clone(),
                m.duties.as_deref().map(markdown::plain).unwrap_or_default(),
                d.name.clone(),
                digits.join(" "),
                links::person(&m.id),
                links::district(&d.path),
                [m.office_phone.as_ref(), m.mobile.as_ref()]
                    .into_iter()
                    .flatten()
                    .map(|p| format!("{}|{}", p.national.replace(' ', "\u{a0}"), p.e164))
                    .collect::<Vec<_>>()
                    .join(" "),
            ]);
        }
    }
    out
}

pub fn render(ctx: &Ctx<'_>, sink: &dyn Sink) -> Vec<Diagnostic> {
    #[derive(Serialize)]
    struct Index {
        v: u32,
        items: Vec<Entry>,
    }
    let index = Index { v: 1, items: entries(ctx) };
    let json = serde_json::to_string(&index).unwrap_or_default();
    // `<` and `>` as escapes: harmless in a script file, and safe should it ever be inlined.
    let json = json.replace('<', "\\u003c").replace('>', "\\u003e");
    let js = format!("window.ROSTER_SEARCH = {json};\n");
    let mut errors: Vec<Diagnostic> = super::put(sink, "search/index.js", js.into_bytes()).err().into_iter().collect();
    #[derive(Serialize)]
    struct Page {
        crumbs: Vec<super::view::Link>,
        count: usize,
    }
    let crumbs = vec![super::view::Link {
        name: ctx.theme.labels.get("search").cloned().unwrap_or_default(),
        url: "search/index.html".into(),
    }];
    errors.extend(ctx.page("search.html", "search/index.html", &Page { crumbs, count: index.items.len() }, sink).err());
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinyin_and_initials() {
        assert_eq!(pinyin_of("李明"), ("liming".into(), "lm".into()));
        assert_eq!(pinyin_of("欧阳娜娜"), ("ouyangnana".into(), "oynn".into()));
        assert_eq!(pinyin_of("买买提·艾力"), ("maimaitiaili".into(), "mmtal".into()));
    }
}
