//! Keeping the numbers true: call-check rounds, and which numbers are stale.
//!
//! Published numbers go dead: follow-up calls have found most of a roster's numbers
//! unanswered months after it was printed. So the office calls them in rounds and records each
//! result in `checks/YYYY-MM-DD.csv`. Here each row is tied to the number it called: the
//! member's number in the edition in force on the day of the call, so a check never vouches
//! for a number that was changed later. A check never changes contact data; fixing a number is
//! a new edition.
//!
//! A number is verified on the member's `verified` date or on the day of its last `answered`
//! call, whichever is later. It is stale (待核实) when that is more than `[verify]
//! max_age_days` before today, or never. It has failed when its last call did not reach the
//! person and nothing verified it afterwards.

use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use rustc_hash::FxHashMap;

use super::{District, Field, Member, Phone};
use crate::config::Config;
use crate::diag::{Diagnostic, did_you_mean};
use crate::source::checks::{CallSource, CheckSource};
use crate::source::{EditionSource, SiteSource};

/// What a call reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CallResult {
    Answered,
    NoAnswer,
    /// 空号 or 停机.
    Unreachable,
    WrongPerson,
}

impl CallResult {
    pub const ALL: [CallResult; 4] =
        [CallResult::Answered, CallResult::NoAnswer, CallResult::Unreachable, CallResult::WrongPerson];
    /// As written in the CSV.
    pub const NAMES: [&'static str; 4] = ["answered", "no-answer", "unreachable", "wrong-person"];
    /// What an office in China writes by hand, accepted too.
    const ZH: [&'static [&'static str]; 4] =
        [&["接通", "已接通"], &["未接通", "无人接听"], &["空号", "停机", "空号/停机"], &["非本人"]];

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn parse(text: &str) -> Option<CallResult> {
        let t = text.trim().to_ascii_lowercase().replace('_', "-");
        (0..4).find(|&i| Self::NAMES[i] == t || Self::ZH[i].contains(&text.trim())).map(|i| Self::ALL[i])
    }

    pub fn failed(self) -> bool {
        self != CallResult::Answered
    }
}

/// One number called in a round.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub id: String,
    pub field: Field,
    /// The number called, as the member's number then was.
    pub e164: String,
    pub result: CallResult,
    /// The member withheld this number (`private`): channels never count or show it.
    pub private: bool,
}

/// A citizen's report that a number is wrong (`reports/YYYY-MM-DD.csv`): open until a call on
/// or after its day is answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub date: NaiveDate,
    pub id: String,
    pub field: Field,
    pub e164: String,
    /// As [`Call::private`].
    pub private: bool,
}

/// A district's calls of one day.
#[derive(Debug, Clone, PartialEq)]
pub struct Round {
    pub date: NaiveDate,
    pub calls: Vec<Call>,
}

/// Counts of a round, by result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Tally {
    pub called: usize,
    pub answered: usize,
    pub no_answer: usize,
    pub unreachable: usize,
    pub wrong_person: usize,
}

impl Tally {
    pub fn of<'a>(calls: impl IntoIterator<Item = &'a Call>) -> Tally {
        let mut t = Tally::default();
        for c in calls {
            t.called += 1;
            match c.result {
                CallResult::Answered => t.answered += 1,
                CallResult::NoAnswer => t.no_answer += 1,
                CallResult::Unreachable => t.unreachable += 1,
                CallResult::WrongPerson => t.wrong_person += 1,
            }
        }
        t
    }

    /// Answered per called, in whole percent (rounded down: 99.6 % is not 100 %).
    pub fn rate(&self) -> Option<usize> {
        (self.called > 0).then(|| self.answered * 100 / self.called)
    }
}

/// Today and the window, for staleness.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub today: NaiveDate,
    pub max_age_days: u32,
}

/// Where a number stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberState {
    /// The later of the member's `verified` and the last answered call.
    pub verified: Option<NaiveDate>,
    /// Days from `verified` to today.
    pub age_days: Option<i64>,
    pub stale: bool,
    /// The last call, when it failed and nothing verified the number since.
    pub failed: Option<(CallResult, NaiveDate)>,
    /// The last call, whatever it reached.
    pub last_call: Option<(CallResult, NaiveDate)>,
    /// Citizens' reports since the last answered call.
    pub open_reports: usize,
}

impl NumberState {
    /// Neither stale nor failed.
    pub fn fresh(&self) -> bool {
        !self.stale && self.failed.is_none()
    }
}

/// The state of `m`'s number `field` in district `d` under `policy`; `None` when `m` has no
/// such number.
pub fn state(d: &District, m: &Member, field: Field, policy: Policy) -> Option<NumberState> {
    let phone = phone(m, field)?;
    let mut answered: Option<NaiveDate> = None;
    let mut last_call: Option<(CallResult, NaiveDate)> = None;
    for round in &d.rounds {
        for c in round.calls.iter().filter(|c| c.field == field && *c.id == *m.id && *c.e164 == *phone.e164) {
            if c.result == CallResult::Answered {
                answered = Some(round.date);
            }
            last_call = Some((c.result, round.date));
        }
    }
    let verified = m.verified.max(answered);
    let age_days = verified.map(|v| (policy.today - v).num_days());
    let stale = age_days.is_none_or(|a| a > i64::from(policy.max_age_days));
    let failed = last_call.filter(|(r, date)| r.failed() && verified.is_none_or(|v| v < *date));
    let open_reports = d
        .reports
        .iter()
        .filter(|r| r.field == field && *r.id == *m.id && *r.e164 == *phone.e164)
        .filter(|r| answered.is_none_or(|a| a < r.date))
        .count();
    Some(NumberState { verified, age_days, stale, failed, last_call, open_reports })
}

/// The member's number `field`, if it has one.
pub fn phone(m: &Member, field: Field) -> Option<&Phone> {
    match m.get(field) {
        Some(super::FieldValue::Phone(p)) => Some(p),
        _ => None,
    }
}

/// The number fields, in the order pages show them.
pub const NUMBERS: [Field; 2] = [Field::OfficePhone, Field::Mobile];

/// Ties every row of `checks` (and of `reports`) to the number it called (or reported) and
/// stores the rounds (and reports) in `districts`. A row that names an unknown district, id,
/// field or result, a number the member did not have, or a day after today is an error at its
/// line.
pub fn attach(
    districts: &mut [District],
    site: &SiteSource,
    config: &Config,
    today: NaiveDate,
    diags: &mut Vec<Diagnostic>,
) {
    let by_path: FxHashMap<String, usize> = districts.iter().enumerate().map(|(i, d)| (d.path.clone(), i)).collect();
    let mut rounds: Vec<FxHashMap<NaiveDate, Vec<Call>>> = vec![FxHashMap::default(); districts.len()];
    let mut seen: FxHashMap<(usize, NaiveDate, String, Field), (String, usize)> = FxHashMap::default();
    for check in usable(&site.checks, &by_path, today, "call-check round", diags) {
        for row in &check.rows {
            let Some(result) = result(check, row, diags) else { continue };
            let Some((d, tied)) = resolve(districts, &by_path, check, row, config, diags) else { continue };
            let (line, _) = check.file.line_col(row.span.start);
            let key = (d, check.date, tied.id.clone(), tied.field);
            if let Some((file, first)) = seen.get(&key) {
                diags.push(
                    Diagnostic::at(
                        &check.file,
                        row.span.clone(),
                        format!("`{}` {} was already called on {}", tied.id, tied.field.as_str(), check.date),
                    )
                    .with_label(format!("first at {file}:{first}"))
                    .with_help("a round records one result per number; keep the row of the last call"),
                );
                continue;
            }
            seen.insert(key, (check.file.path.clone(), line));
            let Tied { id, field, e164, private } = tied;
            rounds[d].entry(check.date).or_default().push(Call { id, field, e164, result, private });
        }
    }
    let mut reports: Vec<Vec<Report>> = vec![Vec::new(); districts.len()];
    for file in usable(&site.reports, &by_path, today, "report", diags) {
        for row in &file.rows {
            let Some((d, Tied { id, field, e164, private })) = resolve(districts, &by_path, file, row, config, diags)
            else {
                continue;
            };
            reports[d].push(Report { date: file.date, id, field, e164, private });
        }
    }
    for ((district, by_date), reports) in districts.iter_mut().zip(rounds).zip(reports) {
        let mut list: Vec<Round> = by_date.into_iter().map(|(date, calls)| Round { date, calls }).collect();
        list.sort_by_key(|r| r.date);
        district.rounds = list;
        district.reports = reports;
    }
}

/// The files dated today or before, in a folder of a known district; the others are errors
/// (or already have one: a folder without district.toml).
fn usable<'a>(
    files: &'a [CheckSource],
    by_path: &FxHashMap<String, usize>,
    today: NaiveDate,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<&'a CheckSource> {
    let mut out = Vec::new();
    for f in files {
        if f.date > today {
            diags.push(
                Diagnostic::error(f.file.path.clone(), format!("{what} dated {}, after today ({today})", f.date))
                    .with_help("name the file after the day the calls were made, or the reports came in"),
            );
        } else if f.folder.is_empty() || by_path.contains_key(&f.folder) {
            out.push(f);
        }
    }
    out
}

/// The result of a round's row, or its error.
fn result(check: &CheckSource, row: &CallSource, diags: &mut Vec<Diagnostic>) -> Option<CallResult> {
    let text = row.result.as_ref()?;
    let parsed = CallResult::parse(&text.value);
    if parsed.is_none() {
        let mut e = Diagnostic::at(&check.file, text.span.clone(), format!("unknown result `{}`", text.value))
            .with_help(format!("write one of: {} (or 接通, 未接通, 空号, 停机, 非本人)", CallResult::NAMES.join(", ")));
        if let Some(m) = did_you_mean(&text.value, &CallResult::NAMES) {
            e = e.with_label(format!("did you mean `{m}`?"));
        }
        diags.push(e);
    }
    parsed
}

/// A row tied to a member's number.
struct Tied {
    id: String,
    field: Field,
    e164: String,
    private: bool,
}

/// The district and number of one row, or its error.
fn resolve(
    districts: &[District],
    by_path: &FxHashMap<String, usize>,
    check: &CheckSource,
    row: &CallSource,
    config: &Config,
    diags: &mut Vec<Diagnostic>,
) -> Option<(usize, Tied)> {
    let file = &check.file;
    let err = |span: std::ops::Range<usize>, msg: String| Diagnostic::at(file, span, msg);
    let d = match &row.district {
        Some(t) => {
            let path = t.value.trim_matches('/');
            let below =
                check.folder.is_empty() || path == check.folder || path.starts_with(&format!("{}/", check.folder));
            let Some(&d) = by_path.get(path).filter(|_| below) else {
                let paths: Vec<&str> = by_path.keys().map(String::as_str).collect();
                let mut e = err(t.span.clone(), format!("unknown district `{path}`"));
                if !below {
                    e = err(t.span.clone(), format!("district `{path}` is not `{}` or below it", check.folder))
                        .with_help(format!("save rows of `{path}` under content/{path}/checks/"));
                } else if let Some(m) = did_you_mean(path, &paths) {
                    e = e.with_help(format!("did you mean `{m}`?"));
                }
                diags.push(e);
                return None;
            };
            d
        }
        None if check.folder.is_empty() => {
            diags.push(err(row.span.clone(), "a row in content/checks/ must name its district".into()).with_help(
                "add a `district` column (the district's path, e.g. shili/dongpo), or save the file in the district's checks/ folder",
            ));
            return None;
        }
        None => by_path[&check.folder],
    };
    let district = &districts[d];
    let field = // Read as `result` is: Excel users type `Mobile` or `office-phone` as readily.
    match Field::from_name(&row.field.value.trim().to_ascii_lowercase().replace('-', "_")).filter(|f| f.is_phone()) {
        Some(f) => f,
        None => {
            diags.push(
                err(row.field.span.clone(), format!("unknown field `{}`", row.field.value))
                    .with_help("a call checks a number: `mobile` or `office_phone`"),
            );
            return None;
        }
    };
    let Some(edition) = district.editions.iter().rev().find(|e| e.date <= check.date) else {
        diags.push(err(row.span.clone(), format!("{} has no edition in force on {}", district.name, check.date)));
        return None;
    };
    let Some(member) = edition.members().map(|(_, m)| m).find(|m| *m.id == *row.id.value) else {
        let ids: Vec<&str> = edition.members().map(|(_, m)| &*m.id).collect();
        let mut e = err(
            row.id.span.clone(),
            format!("no member `{}` in {}'s edition of {}", row.id.value, district.name, edition.date),
        )
        .with_label("unknown id");
        if let Some(m) = did_you_mean(&row.id.value, &ids) {
            e = e.with_help(format!("did you mean `{m}`?"));
        }
        diags.push(e);
        return None;
    };
    let Some(number) = phone(member, field) else {
        diags.push(
            err(
                row.field.span.clone(),
                format!(
                    "{} (`{}`) has no {} in the edition of {}",
                    member.name,
                    member.id,
                    field.as_str(),
                    edition.date
                ),
            )
            .with_help("a call checks a number the member has; a new number is a new edition"),
        );
        return None;
    };
    if let Some(written) = &row.number {
        let same = Phone::parse(&written.value, config.phone_region).is_ok_and(|p| p.e164 == number.e164);
        if !same {
            let mut e = err(
                written.span.clone(),
                format!("`{}` is not {}'s {} on {}", written.value, member.name, field.as_str(), check.date),
            )
            .with_label(format!("the edition of {} has {}", edition.date, number.national))
            .with_help("the sheet was made for another number; make a new sheet with `roster calls` and call again");
            if member.private.contains(field) {
                e = e.with_private(number.national.to_string());
            }
            diags.push(e);
            return None;
        }
    }
    let private = member.private.contains(field) || !config.publish.publishes(field);
    Some((d, Tied { id: member.id.to_string(), field, e164: number.e164.to_string(), private }))
}

/// Warnings (errors with `deny`) for the current members whose published numbers are stale or
/// whose last call failed, at their entry in the edition file. A district whose report's every
/// input is what it was in the last call with `cache` (`serve`) gets the last report again.
pub fn report(
    districts: &[District],
    site: &SiteSource,
    config: &Config,
    (policy, deny): (Policy, bool),
    cache: &ReportCache,
    diags: &mut Vec<Diagnostic>,
) {
    let sources: FxHashMap<&str, &Arc<EditionSource>> =
        site.districts.iter().flat_map(|d| &d.editions).map(|e| (e.file.path.as_str(), e)).collect();
    let publishes = NUMBERS.map(|f| config.publish.publishes(f));
    // District by district in parallel (a province has tens of thousands of stale numbers),
    // gathered in the districts' order.
    use rayon::prelude::*;
    let found: Vec<Reported> = districts
        .par_iter()
        .map(|d| {
            let Some(edition) = d.editions.last() else { return Arc::default() };
            let source = sources.get(edition.file.as_str()).copied();
            let key = ReportKey {
                edition: edition.clone(),
                source: source.cloned(),
                rounds: d.rounds.clone(),
                reports: d.reports.clone(),
                policy,
                deny,
                publishes,
            };
            if let Some(hit) = cache.get(&d.path, &key) {
                return hit;
            }
            let mut out = Vec::new();
            report_district(d, edition, source.map(|s| &**s), config, policy, deny, &mut out);
            let out = Arc::new(out);
            cache.put(&d.path, key, out.clone());
            out
        })
        .collect();
    cache.retain(districts);
    diags.reserve(found.iter().map(|f| f.len()).sum());
    diags.extend(found.iter().flat_map(|f| f.iter().cloned()));
}

/// The stale-number reports of the last call, by district path, with what each was made from.
#[derive(Default)]
pub struct ReportCache(Mutex<FxHashMap<String, (ReportKey, Reported)>>);

/// A district's stale-number report, shared by the cache and a build.
type Reported = Arc<Vec<Diagnostic>>;

/// Everything a district's report depends on.
struct ReportKey {
    /// The current edition and the source it was validated from.
    edition: Arc<super::Edition>,
    source: Option<Arc<EditionSource>>,
    rounds: Vec<Round>,
    reports: Vec<Report>,
    policy: Policy,
    deny: bool,
    /// Whether any channel publishes each of [`NUMBERS`].
    publishes: [bool; 2],
}

impl ReportKey {
    fn same(&self, other: &ReportKey) -> bool {
        let same_source = match (&self.source, &other.source) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        };
        Arc::ptr_eq(&self.edition, &other.edition)
            && same_source
            && (self.policy, self.deny, self.publishes) == (other.policy, other.deny, other.publishes)
            && self.rounds == other.rounds
            && self.reports == other.reports
    }
}

impl ReportCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, FxHashMap<String, (ReportKey, Reported)>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn get(&self, path: &str, key: &ReportKey) -> Option<Reported> {
        self.lock().get(path).filter(|(k, _)| k.same(key)).map(|(_, d)| d.clone())
    }

    fn put(&self, path: &str, key: ReportKey, diags: Reported) {
        self.lock().insert(path.to_owned(), (key, diags));
    }

    /// Forgets the districts that are gone.
    fn retain(&self, districts: &[District]) {
        let live: rustc_hash::FxHashSet<&str> = districts.iter().map(|d| d.path.as_str()).collect();
        self.lock().retain(|path, _| live.contains(path.as_str()));
    }
}

fn report_district(
    d: &District,
    edition: &super::Edition,
    source: Option<&EditionSource>,
    config: &Config,
    policy: Policy,
    deny: bool,
    diags: &mut Vec<Diagnostic>,
) {
    let entries = source.map(Entries::of);
    for (_, m) in edition.members() {
        let numbers: Vec<(Field, NumberState)> = NUMBERS
            .iter()
            .filter(|f| config.publish.publishes(**f) && !m.private.contains(**f))
            .filter_map(|f| state(d, m, *f, policy).map(|s| (*f, s)))
            .collect();
        let entry = source.zip(entries.as_ref()).and_then(|(s, e)| e.find(s, m));
        let stale: Vec<&(Field, NumberState)> = numbers.iter().filter(|(_, s)| s.stale && s.failed.is_none()).collect();
        if !stale.is_empty() {
            diags.push(stale_diag(&edition.file, entry.clone(), m, &stale, policy, deny));
        }
        for (f, s) in &numbers {
            if let Some((result, date)) = s.failed {
                let msg = format!(
                    "{}: the {} failed its last call check ({}, {date})",
                    m.name,
                    field_words(*f),
                    result.as_str()
                );
                let help = "call again, or fix the number in a new edition; the number stays marked on the site until a call is answered";
                diags.push(
                    located(&edition.file, entry.clone(), msg, deny).with_label("last call failed").with_help(help),
                );
            }
        }
    }
}

fn stale_diag(
    file: &str,
    entry: Option<(crate::diag::FileRef, std::ops::Range<usize>)>,
    m: &Member,
    stale: &[&(Field, NumberState)],
    policy: Policy,
    deny: bool,
) -> Diagnostic {
    let which: Vec<&str> = stale.iter().map(|(f, _)| field_words(*f)).collect();
    let msg = match stale[0].1.age_days {
        Some(age) => format!(
            "{}: {} not verified for {age} days (last {}; the limit is {} days)",
            m.name,
            which.join(" and "),
            stale[0].1.verified.map(|d| d.to_string()).unwrap_or_default(),
            policy.max_age_days
        ),
        None => format!("{}: {} never verified", m.name, which.join(" and ")),
    };
    located(file, entry, msg, deny)
        .with_label("stale (待核实)")
        .with_help("call the number (`roster calls` writes the sheet) and record the round under checks/, or set `verified` after checking it")
}

fn located(
    file: &str,
    entry: Option<(crate::diag::FileRef, std::ops::Range<usize>)>,
    msg: String,
    deny: bool,
) -> Diagnostic {
    let d = match entry {
        Some((f, span)) => Diagnostic::at(&f, span, msg),
        None => Diagnostic::error(file.to_owned(), msg),
    };
    if deny { d } else { d.as_warning() }
}

fn field_words(f: Field) -> &'static str {
    match f {
        Field::Mobile => "mobile",
        _ => "office phone",
    }
}

/// The `[[body.member]]` entries of an edition file by name and post (the first of each), so
/// that a diagnostic about a member points at its entry.
struct Entries<'a>(FxHashMap<(&'a str, &'a str), &'a std::ops::Range<usize>>);

impl<'a> Entries<'a> {
    fn of(source: &'a EditionSource) -> Entries<'a> {
        let mut map = FxHashMap::default();
        for s in source.bodies.iter().flat_map(|b| &b.members) {
            if let (Some(name), Some(post)) = (&s.name, &s.post) {
                map.entry((name.value.as_str(), post.value.as_str())).or_insert(&s.span);
            }
        }
        Entries(map)
    }

    /// The member's entry: the one with its name and post.
    fn find(&self, source: &EditionSource, m: &Member) -> Option<(crate::diag::FileRef, std::ops::Range<usize>)> {
        let span = self.0.get(&(&*m.name, &*m.post))?;
        Some((source.file.clone(), (*span).clone()))
    }
}

#[cfg(test)]
mod tests;
