//! `sitemap.xml` (absolute URLs from `base_url`, `lastmod` from edition dates), `robots.txt`,
//! and the schema.org JSON-LD of district pages (GovernmentOrganization with its members).

use std::fmt::Write as _;

use chrono::NaiveDate;
use serde_json::json;

use super::theme::escape_html as esc;
use super::{Ctx, links};
use crate::diag::Diagnostic;
use crate::model::Roster;
use crate::output::Sink;

fn latest_appearance(r: &Roster, id: &str) -> Option<NaiveDate> {
    r.people.get(id)?.appearances.iter().map(|a| r.edition(*a).date).max()
}

pub fn render(ctx: &Ctx<'_>, sink: &dyn Sink) -> Vec<Diagnostic> {
    let r = ctx.roster;
    let base = &r.config.base_url;
    let mut urls: Vec<(String, Option<NaiveDate>)> = vec![("index.html".into(), r.latest_date())];
    for d in &r.districts {
        urls.push((links::district(&d.path), d.editions.last().map(|e| e.date)));
        for e in &d.editions {
            urls.push((links::edition(&d.path, e.date), Some(e.date)));
        }
        if !d.editions.is_empty() {
            urls.push((links::changes(&d.path), d.editions.last().map(|e| e.date)));
        }
    }
    for id in r.people.keys() {
        urls.push((links::person(id), latest_appearance(r, id)));
    }
    for p in &r.pages {
        urls.push((links::page(&p.slug), None));
    }
    for page in ["changes/index.html", "search/index.html", "data/index.html", "print/index.html"] {
        urls.push((page.into(), r.latest_date()));
    }
    let mut xml = String::with_capacity(urls.len() * 120);
    xml.push_str(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (path, lastmod) in urls {
        let _ = write!(xml, "<url><loc>{}</loc>", esc(&links::absolute(base, &path)));
        if let Some(date) = lastmod {
            let _ = write!(xml, "<lastmod>{date}</lastmod>");
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    let robots = format!("User-agent: *\nAllow: /\nSitemap: {}\n", links::absolute(base, "sitemap.xml"));
    [super::put(sink, "sitemap.xml", xml.into_bytes()), super::put(sink, "robots.txt", robots.into_bytes())]
        .into_iter()
        .filter_map(Result::err)
        .collect()
}

/// The JSON-LD of a district page, safe to put inside `<script>`: `<`, `>` and `&` are
/// written as JSON escapes so no data can close the element.
pub fn jsonld(ctx: &Ctx<'_>, d: usize) -> Option<String> {
    let r = ctx.roster;
    let district = &r.districts[d];
    let edition = district.current()?;
    let base = &r.config.base_url;
    let members: Vec<serde_json::Value> = edition
        .members()
        .map(|(_, m)| {
            let phone = m.office_phone.as_ref().or(m.mobile.as_ref()).map(|p| p.e164.clone());
            json!({
                "@type": "Person",
                "name": m.name,
                "jobTitle": m.post,
                "telephone": phone,
                "url": links::absolute(base, &links::person(&m.id)),
            })
        })
        .collect();
    let value = json!({
        "@context": "https://schema.org",
        "@type": "GovernmentOrganization",
        "name": district.name,
        "url": links::absolute(base, &links::district(&district.path)),
        "member": members,
    });
    let text = serde_json::to_string(&value).ok()?;
    Some(text.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026"))
}
