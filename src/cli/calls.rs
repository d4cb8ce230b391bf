//! `roster calls [DISTRICT]`: the next call-check round's sheet, as CSV on stdout.
//!
//! The sheet is in the format `checks/YYYY-MM-DD.csv` is read in, with `result` empty: an
//! editor opens it in Excel, the office calls down the list and fills in `result` (and `note`),
//! and the file is saved under the district's `checks/`. The columns after `note` are there for
//! the caller (who, which post, the number, the answering hours) and are ignored when read
//! back, except `district` and `number`, which are checked: a sheet made before a number
//! changed cannot vouch for the new one. Numbers that citizens reported come first (most
//! reports first), then those that failed their last call, then stale ones, then the rest by how
//! long ago they were verified.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use chrono::NaiveDate;

use crate::BuildOptions;
use crate::diag::did_you_mean;
use crate::model::verify::{self, NumberState};
use crate::model::{Field, Roster};
use crate::render::data::{cell, csv_writer};

/// The columns of the sheet: what the reader reads, then what the caller needs.
const HEADER: [&str; 12] = [
    "id",
    "field",
    "result",
    "note",
    "district",
    "name",
    "post",
    "number",
    "hours",
    "last_verified",
    "last_call",
    "reports",
];

pub fn run(root: &Path, district: Option<&str>, opts: &BuildOptions) -> ExitCode {
    let loaded = crate::pipeline::load(root, crate::pipeline::Input::Folder(None), opts);
    if loaded.has_errors() {
        crate::emit::report(&loaded.diagnostics, crate::diag::Format::Human, false);
        return ExitCode::from(1);
    }
    let roster = &loaded.roster;
    let selected = match select(roster, district) {
        Ok(s) => s,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(1);
        }
    };
    let rows = rows(roster, &selected);
    let mut out = std::io::stdout().lock();
    match write(&rows, &mut out).and_then(|()| out.flush()) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    }
    let reported = rows.iter().filter(|r| r.state.open_reports > 0).count();
    let failed = rows.iter().filter(|r| r.state.failed.is_some()).count();
    let stale = rows.iter().filter(|r| r.state.failed.is_none() && r.state.stale).count();
    let folder =
        district.map_or_else(|| "content/checks/".to_owned(), |d| format!("content/{}/checks/", d.trim_matches('/')));
    eprintln!(
        "{} numbers to call: {reported} reported by citizens, {failed} failed their last call, {stale} stale (today is {}, the limit {} days). \
         Fill in `result` (answered, no-answer, unreachable, wrong-person) and save the sheet as {folder}YYYY-MM-DD.csv, \
         named after the day of the calls.",
        rows.len(),
        roster.verify.today,
        roster.verify.max_age_days
    );
    ExitCode::SUCCESS
}

/// The districts `district` names: it and those below it; every district without it.
fn select(roster: &Roster, district: Option<&str>) -> Result<Vec<usize>, String> {
    let Some(path) = district.map(|d| d.trim_matches('/')) else {
        return Ok((0..roster.districts.len()).collect());
    };
    let below = format!("{path}/");
    let selected: Vec<usize> = (0..roster.districts.len())
        .filter(|&i| roster.districts[i].path == path || roster.districts[i].path.starts_with(&below))
        .collect();
    if selected.is_empty() {
        let paths: Vec<&str> = roster.districts.iter().map(|d| d.path.as_str()).collect();
        let hint = did_you_mean(path, &paths).map(|m| format!("; did you mean `{m}`?")).unwrap_or_default();
        return Err(format!("no district `{path}`{hint}"));
    }
    Ok(selected)
}

/// One number to call.
struct Row<'a> {
    district: usize,
    order: usize,
    roster: &'a Roster,
    member: &'a crate::model::Member,
    field: Field,
    state: NumberState,
}

impl Row<'_> {
    /// Reported first (most reports first), then failed, then stale, then the longest
    /// unverified (never verified first).
    fn key(&self) -> (u8, std::cmp::Reverse<usize>, Option<NaiveDate>, usize, usize, Field) {
        let s = &self.state;
        let rank = if s.open_reports > 0 {
            0
        } else if s.failed.is_some() {
            1
        } else if s.stale {
            2
        } else {
            3
        };
        (rank, std::cmp::Reverse(s.open_reports), s.verified, self.district, self.order, self.field)
    }
}

fn rows<'a>(roster: &'a Roster, selected: &[usize]) -> Vec<Row<'a>> {
    let publish = &roster.config.publish;
    let mut rows = Vec::new();
    for &d in selected {
        let district = &roster.districts[d];
        let Some(edition) = district.current() else { continue };
        for (order, (_, m)) in edition.members().enumerate() {
            for field in verify::NUMBERS {
                if !publish.publishes(field) || m.private.contains(field) {
                    continue;
                }
                if let Some(state) = district.number_state(m, field, roster.verify) {
                    rows.push(Row { district: d, order, roster, member: m, field, state });
                }
            }
        }
    }
    rows.sort_by_key(Row::key);
    rows
}

fn write(rows: &[Row<'_>], out: &mut dyn Write) -> std::io::Result<()> {
    let mut w = csv_writer(out)?;
    w.write_record(HEADER)?;
    for r in rows {
        let m = r.member;
        let number = verify::phone(m, r.field).map(|p| &*p.national).unwrap_or_default();
        let last_call =
            r.state.last_call.map(|(result, date)| format!("{} {date}", result.as_str())).unwrap_or_default();
        let verified = r.state.verified.map(|d| d.to_string()).unwrap_or_default();
        let reports = if r.state.open_reports > 0 { r.state.open_reports.to_string() } else { String::new() };
        let record: [&str; 12] = [
            &m.id,
            r.field.as_str(),
            "",
            "",
            &r.roster.districts[r.district].path,
            &m.name,
            &m.post,
            number,
            m.hours.as_deref().unwrap_or_default(),
            &verified,
            &last_call,
            &reports,
        ];
        w.write_record(record.iter().map(|c| cell(c)))?;
    }
    w.flush()?;
    Ok(())
}
