//! `/changes.xml`: an Atom feed (RFC 4287) with one entry per district edition and one per
//! call-check round, newest first (the newest [`MAX_ENTRIES`]; the site keeps the whole log).
//! Entry ids are the absolute URLs of the archive pages (of a round: its row on `/checks/`), so
//! they never change; `updated` is the edition's or round's date; all links are absolute, from
//! `base_url`.

use std::fmt::Write as _;

use chrono::NaiveDate;
use rayon::prelude::*;

use super::changes::describe;
use super::theme::escape_html as esc;
use super::{Ctx, links};
use crate::diag::Diagnostic;
use crate::output::Sink;

/// Feed readers want the recent past, not a province's whole history: the newest editions.
pub const MAX_ENTRIES: usize = 200;

fn stamp(date: NaiveDate) -> String {
    format!("{date}T00:00:00Z")
}

pub fn render(ctx: &Ctx<'_>, sink: &dyn Sink) -> Result<(), Diagnostic> {
    let r = ctx.roster;
    let t = &ctx.theme.labels;
    let base = &r.config.base_url;
    let label = |k: &str| t.get(k).map_or("", String::as_str);
    let mut entries: Vec<(NaiveDate, usize, Item)> = r
        .districts
        .iter()
        .enumerate()
        .flat_map(|(d, district)| {
            let editions = district.editions.iter().enumerate().map(move |(e, ed)| (ed.date, d, Item::Edition(e)));
            let rounds = district
                .rounds
                .iter()
                .enumerate()
                .filter(|(_, round)| !round.calls.is_empty())
                .map(move |(k, round)| (round.date, d, Item::Round(k)));
            editions.chain(rounds)
        })
        .collect();
    entries.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    entries.truncate(MAX_ENTRIES);
    let mut xml = String::with_capacity(1024 + entries.len() * 512);
    xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"");
    let _ = writeln!(xml, " xml:lang=\"{}\">", esc(&r.config.language));
    let _ = writeln!(xml, "<title>{} · {}</title>", esc(&r.config.title), esc(label("site_changes")));
    let _ = writeln!(xml, "<id>{}</id>", esc(&links::absolute(base, "changes.xml")));
    let _ = writeln!(
        xml,
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        esc(&links::absolute(base, "changes.xml"))
    );
    let _ = writeln!(
        xml,
        "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        esc(&links::absolute(base, "changes/index.html"))
    );
    let updated = entries.iter().map(|e| e.0).max().map_or_else(|| "1970-01-01T00:00:00Z".to_owned(), stamp);
    let _ = writeln!(xml, "<updated>{updated}</updated>");
    let _ = writeln!(xml, "<author><name>{}</name></author>", esc(&r.config.title));
    let _ = writeln!(xml, "<generator>roster</generator>");
    let rendered: Vec<String> = entries
        .par_iter()
        .map(|&(date, d, item)| match item {
            Item::Edition(e) => entry(ctx, date, d, e),
            Item::Round(k) => round_entry(ctx, d, k),
        })
        .collect();
    for e in rendered {
        xml.push_str(&e);
    }
    xml.push_str("</feed>\n");
    super::put(sink, "changes.xml", xml.into_bytes())
}

/// What an entry is about; on the same day, an edition comes before a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Item {
    Edition(usize),
    Round(usize),
}

/// The entry of round `k` of district `d`: its counts and answer rate.
fn round_entry(ctx: &Ctx<'_>, d: usize, k: usize) -> String {
    let r = ctx.roster;
    let t = &ctx.theme.labels;
    let label = |key: &str| t.get(key).map_or("", String::as_str);
    let district = &r.districts[d];
    let round = &district.rounds[k];
    let view = super::verify::RoundView::new(r, d, round);
    let url = links::absolute(
        &r.config.base_url,
        &format!("{}#{}", links::CHECKS, super::verify::anchor(&district.path, round.date)),
    );
    let tally = &view.tally;
    let summary = label("feed_round")
        .replace("{answered}", &tally.answered.to_string())
        .replace("{called}", &tally.called.to_string())
        .replace("{rate}", &view.rate.unwrap_or(0).to_string());
    let mut html = format!("<p>{}</p><ul>", esc(&summary));
    for (key, n) in [
        ("call_answered", tally.answered),
        ("call_no_answer", tally.no_answer),
        ("call_unreachable", tally.unreachable),
        ("call_wrong_person", tally.wrong_person),
    ] {
        let _ = write!(html, "<li>{}{}{n}</li>", esc(label(key)), esc(label("punct_colon")));
    }
    html.push_str("</ul>");
    let mut xml = String::with_capacity(1024);
    xml.push_str("<entry>\n");
    let _ = writeln!(xml, "<title>{} {} {}</title>", esc(&district.name), round.date, esc(&summary));
    let _ = writeln!(xml, "<id>{}</id>", esc(&url));
    let _ = writeln!(xml, "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>", esc(&url));
    let _ = writeln!(xml, "<updated>{}</updated>", stamp(round.date));
    let _ = writeln!(xml, "<content type=\"html\">{}</content>", esc(&html));
    xml.push_str("</entry>\n");
    xml
}

/// One `<entry>` of the feed: the edition `e` of district `d`.
fn entry(ctx: &Ctx<'_>, date: NaiveDate, d: usize, e: usize) -> String {
    let r = ctx.roster;
    let t = &ctx.theme.labels;
    let base = &r.config.base_url;
    let label = |k: &str| t.get(k).map_or("", String::as_str);
    let mut xml = String::with_capacity(1024);
    let district = &r.districts[d];
    let edition = &district.editions[e];
    let url = links::absolute(base, &links::edition(&district.path, date));
    let what = if e == 0 {
        label("feed_entry_initial")
    } else {
        edition.reason.as_deref().unwrap_or_else(|| label("change_log"))
    };
    let mut html = String::new();
    if let Some(source) = &edition.source {
        let _ = write!(html, "<p>{}{}{}</p>", esc(label("source")), esc(label("punct_colon")), esc(source));
    }
    let changes = &ctx.history.changes[d][e];
    if e > 0 && changes.is_empty() {
        let _ = write!(html, "<p>{}</p>", esc(label("no_changes")));
    }
    if !changes.is_empty() {
        html.push_str("<ul>");
        for c in changes.iter() {
            let _ = write!(html, "<li>{}</li>", esc(&describe(r, c, t)));
        }
        html.push_str("</ul>");
    }
    xml.push_str("<entry>\n");
    let _ = writeln!(xml, "<title>{} {} {}</title>", esc(&district.name), date, esc(what));
    let _ = writeln!(xml, "<id>{}</id>", esc(&url));
    let _ = writeln!(xml, "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>", esc(&url));
    let _ = writeln!(xml, "<updated>{}</updated>", stamp(date));
    let _ = writeln!(xml, "<content type=\"html\">{}</content>", esc(&html));
    xml.push_str("</entry>\n");
    xml
}
