//! Output paths and links. Pages link to each other with relative URLs ending in
//! `index.html`, so the site works from `file://`, from any sub-path and from any host;
//! only the feed, the sitemap and canonical links use the absolute `base_url`.

use chrono::NaiveDate;

/// The files a district's own pages are written to (not its children's).
pub fn district_outputs(d: &crate::model::District) -> Vec<String> {
    let mut out = vec![district(&d.path)];
    out.extend(d.editions.iter().map(|e| edition(&d.path, e.date)));
    if !d.editions.is_empty() {
        out.push(changes(&d.path));
        out.push(district_vcard(&d.path));
    }
    out
}

/// The files a person's pages are written to.
pub fn person_outputs(id: &str) -> Vec<String> {
    vec![person(id)]
}

/// The site's call-check page.
pub const CHECKS: &str = "checks/index.html";

pub fn district_vcard(path: &str) -> String {
    format!("{path}/contacts.vcf")
}

pub fn district(path: &str) -> String {
    format!("{path}/index.html")
}

pub fn edition(path: &str, date: NaiveDate) -> String {
    format!("{path}/{date}/index.html")
}

pub fn changes(path: &str) -> String {
    format!("{path}/changes/index.html")
}

pub fn person(id: &str) -> String {
    format!("people/{id}/index.html")
}

pub fn page(slug: &str) -> String {
    format!("pages/{slug}/index.html")
}

/// The prefix that leads from the folder of `out_path` back to the site root.
pub fn root_for(out_path: &str) -> String {
    "../".repeat(out_path.matches('/').count())
}

/// The public absolute URL of an output file (`…/index.html` shown as `…/`).
pub fn absolute(base_url: &str, out_path: &str) -> String {
    let pretty = out_path.strip_suffix("index.html").unwrap_or(out_path);
    format!("{base_url}{pretty}")
}

/// The path part of `base_url` (`/roster/`), for pages served at any depth such as 404.html.
pub fn base_path(base_url: &str) -> String {
    let rest = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    match rest.find('/') {
        Some(i) => rest[i..].to_owned(),
        None => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_roots() {
        assert_eq!(root_for("index.html"), "");
        assert_eq!(root_for("shili/dongpo/index.html"), "../../");
        assert_eq!(absolute("https://x.org/r/", "shili/index.html"), "https://x.org/r/shili/");
        assert_eq!(absolute("https://x.org/r/", "changes.xml"), "https://x.org/r/changes.xml");
        assert_eq!(base_path("https://x.org/r/"), "/r/");
        assert_eq!(base_path("https://x.org/"), "/");
    }
}
