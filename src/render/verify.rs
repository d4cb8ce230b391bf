//! What the site says about how true its numbers are: a mark next to each stale or failed
//! number, a district's coverage, the call-check rounds with their answer rates, and the
//! site-wide `/checks/` page.
//!
//! Everything here works on a channel's redacted roster, whose rounds hold only the calls of
//! numbers the channel publishes: a withheld number is neither shown nor counted.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Ctx, links};
use crate::diag::Diagnostic;
use crate::model::verify::{self, CallResult, NumberState, Policy, Tally};
use crate::model::{District, FieldSet, Member, Roster};
use crate::output::Sink;

/// A mark next to a number: 待核实 (stale) or the failed result of its last call.
#[derive(Debug, Clone, Serialize)]
pub struct Mark {
    /// `stale`, `no-answer`, `unreachable` or `wrong-person`: the CSS class.
    pub kind: &'static str,
    /// What is shown: 待核实, or 未接通 followed by `date`.
    pub label: String,
    /// The day of the failed call.
    pub date: Option<String>,
    /// The age in days, or the date of the call (`title`).
    pub title: String,
}

fn label<'a>(labels: &'a BTreeMap<String, String>, key: &str) -> &'a str {
    labels.get(key).map_or("", String::as_str)
}

/// The label of a call result (`call_answered`, `call_no_answer`…).
pub fn result_label(labels: &BTreeMap<String, String>, r: CallResult) -> &str {
    label(labels, &format!("call_{}", r.as_str().replace('-', "_")))
}

impl Mark {
    /// The mark of a number in this state, if it needs one.
    pub fn of(state: &NumberState, labels: &BTreeMap<String, String>) -> Option<Mark> {
        if let Some((result, date)) = state.failed {
            let name = result_label(labels, result);
            return Some(Mark {
                kind: result.as_str(),
                label: name.to_owned(),
                date: Some(date.to_string()),
                title: label(labels, "mark_failed_title")
                    .replace("{date}", &date.to_string())
                    .replace("{result}", name),
            });
        }
        if !state.stale {
            return None;
        }
        let title = match (state.age_days, state.verified) {
            (Some(days), Some(date)) => label(labels, "mark_stale_title")
                .replace("{days}", &days.to_string())
                .replace("{date}", &date.to_string()),
            _ => label(labels, "mark_never_title").to_owned(),
        };
        Some(Mark { kind: "stale", label: label(labels, "mark_stale").to_owned(), date: None, title })
    }
}

/// How many of a district's published numbers are verified within the window.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Coverage {
    pub numbers: usize,
    pub fresh: usize,
    pub stale: usize,
    pub failed: usize,
    /// Numbers with citizens' reports not yet answered by a call.
    pub reported: usize,
    /// Fresh per numbers, in whole percent, rounded down.
    pub percent: Option<usize>,
    pub window_days: u32,
    /// The district's last round.
    pub last_round: Option<RoundView>,
    /// One sentence of it (labels `coverage_*`), for the district page.
    pub summary: String,
    /// The last round in words, for the district page.
    pub round_summary: Option<String>,
    /// A few words of it: the numbers verified (the `/checks/` table, whose row has the date).
    pub brief: String,
    /// The district tree's words: `brief` and the date of the last round, if there is one.
    pub tree: String,
}

/// Each district's coverage at its last render, by path, with the window and day it was
/// worked out for (see [`super::Ctx::coverage`]).
#[derive(Default)]
pub struct Coverages(std::sync::Mutex<rustc_hash::FxHashMap<String, (Policy, Option<Coverage>)>>);

impl Coverages {
    fn lock(&self) -> std::sync::MutexGuard<'_, rustc_hash::FxHashMap<String, (Policy, Option<Coverage>)>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The coverage kept for `path` under `policy`.
    pub fn get(&self, path: &str, policy: Policy) -> Option<Option<Coverage>> {
        self.lock().get(path).filter(|(p, _)| *p == policy).map(|(_, c)| c.clone())
    }

    pub fn keep(&self, path: &str, policy: Policy, coverage: Option<Coverage>) {
        self.lock().insert(path.to_owned(), (policy, coverage));
    }

    /// Forgets every district (before a full render, which keeps each district again).
    pub fn clear(&self) {
        self.lock().clear();
    }
}

/// The numbers of `m` that `allowed` publishes, with their state.
pub fn states(d: &District, m: &Member, allowed: FieldSet, policy: Policy) -> Vec<NumberState> {
    verify::NUMBERS.iter().filter(|f| allowed.contains(**f)).filter_map(|f| d.number_state(m, *f, policy)).collect()
}

/// The coverage of district `i`'s current edition (`None` without one).
pub fn coverage(r: &Roster, i: usize, allowed: FieldSet, labels: &BTreeMap<String, String>) -> Option<Coverage> {
    let d = &r.districts[i];
    let e = d.current()?;
    let mut c = Coverage { window_days: r.verify.max_age_days, ..Default::default() };
    for (_, m) in e.members() {
        for s in states(d, m, allowed, r.verify) {
            c.numbers += 1;
            c.reported += usize::from(s.open_reports > 0);
            match (s.failed.is_some(), s.stale) {
                (true, _) => c.failed += 1,
                (false, true) => c.stale += 1,
                (false, false) => c.fresh += 1,
            }
        }
    }
    c.percent = (c.numbers > 0).then(|| c.fresh * 100 / c.numbers);
    c.last_round = rounds(r, i).into_iter().next();
    words(&mut c, labels);
    Some(c)
}

/// Fills in the sentences of `c` from the labels.
fn words(c: &mut Coverage, labels: &BTreeMap<String, String>) {
    let fill = |key: &str, pairs: &[(&str, String)]| {
        pairs.iter().fold(label(labels, key).to_owned(), |text, (k, v)| text.replace(k, v))
    };
    let mut parts = vec![fill(
        "coverage_summary",
        &[
            ("{fresh}", c.fresh.to_string()),
            ("{numbers}", c.numbers.to_string()),
            ("{days}", c.window_days.to_string()),
        ],
    )];
    if c.stale > 0 {
        parts.push(fill("coverage_stale", &[("{n}", c.stale.to_string())]));
    }
    if c.failed > 0 {
        parts.push(fill("coverage_failed", &[("{n}", c.failed.to_string())]));
    }
    if c.reported > 0 {
        parts.push(fill("coverage_reported", &[("{n}", c.reported.to_string())]));
    }
    c.summary = parts.join(label(labels, "punct_semicolon"));
    c.round_summary = c.last_round.as_ref().map(|round| {
        fill(
            "coverage_round",
            &[
                ("{date}", round.date.clone()),
                ("{answered}", round.tally.answered.to_string()),
                ("{called}", round.tally.called.to_string()),
                ("{rate}", round.rate.unwrap_or(0).to_string()),
            ],
        )
    });
    c.brief = fill("coverage_brief", &[("{fresh}", c.fresh.to_string()), ("{numbers}", c.numbers.to_string())]);
    c.tree = match &c.last_round {
        Some(round) => fill("coverage_tree_round", &[("{brief}", c.brief.clone()), ("{date}", round.date.clone())]),
        None => c.brief.clone(),
    };
}

/// The id of a round's row on `/checks/`: `shili-dongpo-2026-11-18`.
pub fn anchor(path: &str, date: chrono::NaiveDate) -> String {
    format!("{}-{date}", path.replace('/', "-"))
}

/// One district's round as pages show it.
#[derive(Debug, Clone, Serialize)]
pub struct RoundView {
    pub anchor: String,
    pub date: String,
    pub district: String,
    pub district_url: String,
    #[serde(flatten)]
    pub tally: Tally,
    pub rate: Option<usize>,
}

impl RoundView {
    pub fn new(r: &Roster, i: usize, round: &verify::Round) -> RoundView {
        let d = &r.districts[i];
        let tally = Tally::of(&round.calls);
        RoundView {
            anchor: anchor(&d.path, round.date),
            date: round.date.to_string(),
            district: d.name.clone(),
            district_url: links::district(&d.path),
            rate: tally.rate(),
            tally,
        }
    }
}

/// A district's rounds, newest first.
pub fn rounds(r: &Roster, i: usize) -> Vec<RoundView> {
    r.districts[i].rounds.iter().rev().map(|round| RoundView::new(r, i, round)).filter(|v| v.tally.called > 0).collect()
}

/// Whether the site has any round to show.
pub fn any(r: &Roster) -> bool {
    r.districts.iter().any(|d| d.rounds.iter().any(|round| !round.calls.is_empty()))
}

/// `/checks/`: every district by the answer rate of its last round (lowest first, as the
/// follow-up reports listed them), then every round, newest first.
pub fn page(ctx: &Ctx<'_>, sink: &dyn Sink) -> Result<(), Diagnostic> {
    #[derive(Serialize)]
    struct Row {
        #[serde(flatten)]
        round: RoundView,
        coverage: Option<Coverage>,
    }
    #[derive(Serialize)]
    struct Page {
        ranking: Vec<Row>,
        unchecked: Vec<super::view::Link>,
        rounds: Vec<RoundView>,
        total: Tally,
        total_rate: Option<usize>,
        window_days: u32,
        today: String,
    }
    let r = ctx.roster;
    let mut ranking = Vec::new();
    let mut unchecked = Vec::new();
    let mut all = Vec::new();
    let mut total = Tally::default();
    for (i, d) in r.districts.iter().enumerate() {
        let list = rounds(r, i);
        match list.first() {
            Some(last) => {
                // The total is of the rows it stands under: each district's last round.
                let t = &last.tally;
                total.called += t.called;
                total.answered += t.answered;
                total.no_answer += t.no_answer;
                total.unreachable += t.unreachable;
                total.wrong_person += t.wrong_person;
                ranking.push(Row { round: last.clone(), coverage: coverage(r, i, ctx.allowed, &ctx.theme.labels) })
            }
            None if d.current().is_some() => {
                unchecked.push(super::view::Link { name: d.name.clone(), url: links::district(&d.path) })
            }
            None => {}
        }
        all.extend(list);
    }
    ranking.sort_by(|a, b| (a.round.rate, &a.round.date).cmp(&(b.round.rate, &b.round.date)));
    all.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.district_url.cmp(&b.district_url)));
    let page = Page {
        ranking,
        unchecked,
        total_rate: total.rate(),
        total,
        rounds: all,
        window_days: r.verify.max_age_days,
        today: r.verify.today.to_string(),
    };
    ctx.page("checks.html", links::CHECKS, &page, sink)
}
