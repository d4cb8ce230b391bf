//! `/changes.xml`: an Atom feed (RFC 4287) with one entry per district edition and one per
//! call-check round, newest first (the newest [`MAX_ENTRIES`]; the site keeps the whole log).
//! Entry ids are the absolute URLs of the archive pages (of a round: its row on `/checks/`), so
//! they never change; `updated` is the edition's or round's date; all links are absolute, from
//! `base_url`.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex, Weak};

use chrono::NaiveDate;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::changes::describe;
use super::theme::escape_html as esc;
use super::{Ctx, links};
use crate::diag::Diagnostic;
use crate::history::{Change, Changes};
use crate::model::Edition;
use crate::output::Sink;

/// Feed readers want the recent past, not a province's whole history: the newest editions.
pub const MAX_ENTRIES: usize = 200;

fn stamp(date: NaiveDate) -> String {
    format!("{date}T00:00:00Z")
}

/// Edition entries kept between renders by `serve`, by district and edition index, with the
/// (web-redacted, shared) edition and change list each was made from: the same values make
/// the same entry. See [`render`] for when they may be reused.
#[derive(Default)]
pub struct Kept(Mutex<FxHashMap<(usize, usize), Made>>);

/// An entry and the values it was made from, held weakly so that their addresses stay theirs.
struct Made {
    edition: Weak<Edition>,
    changes: Weak<Vec<Change>>,
    xml: Arc<str>,
}

impl Made {
    fn of(&self, edition: &Arc<Edition>, changes: &Changes) -> bool {
        self.edition.upgrade().is_some_and(|e| Arc::ptr_eq(&e, edition))
            && self.changes.upgrade().is_some_and(|c| Arc::ptr_eq(&c, changes))
    }
}

/// Writes the feed. With `kept`, the entries made are kept there, and with `reuse` (a render
/// that keeps the district tree, the configuration and the theme of the last one) the kept
/// entries of unchanged editions are used instead of being made again.
pub fn render(ctx: &Ctx<'_>, kept: Option<(&Kept, bool)>, sink: &dyn Sink) -> Result<(), Diagnostic> {
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
    let mut memo = kept.map(|(k, _)| k.0.lock().unwrap_or_else(|e| e.into_inner()));
    let old = match (memo.as_deref_mut(), kept) {
        (Some(map), Some((_, true))) => std::mem::take(map),
        _ => FxHashMap::default(),
    };
    let rendered: Vec<Arc<str>> = entries
        .par_iter()
        .map(|&(date, d, item)| match item {
            Item::Edition(e) => {
                let (edition, changes) = (&r.districts[d].editions[e], &ctx.history.changes[d][e]);
                match old.get(&(d, e)).filter(|m| m.of(edition, changes)) {
                    Some(m) => m.xml.clone(),
                    None => Arc::from(entry(ctx, date, d, e)),
                }
            }
            Item::Round(k) => Arc::from(round_entry(ctx, d, k)),
        })
        .collect();
    for e in &rendered {
        xml.push_str(e);
    }
    if let Some(map) = memo.as_deref_mut() {
        map.clear();
        for (&(_, d, item), made) in entries.iter().zip(&rendered) {
            if let Item::Edition(e) = item {
                let (edition, changes) = (&r.districts[d].editions[e], &ctx.history.changes[d][e]);
                let made =
                    Made { edition: Arc::downgrade(edition), changes: Arc::downgrade(changes), xml: made.clone() };
                map.insert((d, e), made);
            }
        }
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
