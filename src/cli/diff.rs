//! `roster diff <district> [FROM] [TO]`: the changes between two editions, for an editor in a
//! terminal (coloured when it is one) or as JSON for scripts. Private values are hidden unless
//! `--show-private`.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use chrono::NaiveDate;
use codespan_reporting::term::termcolor::{Color, ColorChoice, ColorSpec, StandardStream, WriteColor};

use crate::diag::{did_you_mean, escape_controls};
use crate::history::{self, Change, ChangeKind, History};
use crate::model::{FieldSet, Roster};
use crate::render::{changes::describe, theme::default_labels};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Text,
    Json,
}

pub struct DiffArgs<'a> {
    pub district: &'a str,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub format: DiffFormat,
    pub show_private: bool,
}

pub fn run(root: &Path, args: &DiffArgs<'_>, as_of: Option<NaiveDate>) -> ExitCode {
    let opts = crate::BuildOptions { as_of, ..Default::default() };
    let loaded = crate::pipeline::load(root, crate::pipeline::Input::Folder(None), &opts);
    if loaded.has_errors() {
        crate::emit::report(&loaded.diagnostics, crate::diag::Format::Human, args.show_private);
        return ExitCode::from(1);
    }
    let roster = &loaded.roster;
    let (d, from, to) = match select(roster, args) {
        Ok(x) => x,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(1);
        }
    };
    let history = History::compute(roster);
    let history = if args.show_private { history } else { history.redacted(FieldSet::all()) };
    let changes = history::between(roster, &history, d, from, to);
    let result = match args.format {
        DiffFormat::Json => print_json(roster, d, from, to, &changes),
        DiffFormat::Text => print_text(roster, d, from, to, &changes),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

/// Finds the district and the two editions to compare.
fn select(roster: &Roster, args: &DiffArgs<'_>) -> Result<(usize, usize, usize), String> {
    let path = args.district.trim_start_matches("content/").trim_matches('/');
    let Some(d) = roster.district_by_path(path) else {
        let paths: Vec<&str> = roster.districts.iter().map(|d| d.path.as_str()).collect();
        let by_slug = roster.districts.iter().find(|d| d.slug == path).map(|d| d.path.as_str());
        let hint = match by_slug.or_else(|| did_you_mean(path, &paths)) {
            Some(p) => format!("; did you mean `{p}`?"),
            None => format!("; districts are: {}", paths.join(", ")),
        };
        return Err(format!("no district `{path}`{hint}"));
    };
    let editions = &roster.districts[d].editions;
    let dates = || editions.iter().map(|e| e.date.to_string()).collect::<Vec<_>>().join(", ");
    let find = |date: NaiveDate| {
        editions
            .iter()
            .position(|e| e.date == date)
            .ok_or_else(|| format!("`{path}` has no edition dated {date}; its editions are: {}", dates()))
    };
    if editions.len() < 2 && args.from.is_none() {
        return Err(format!("`{path}` has only one edition ({}): nothing to compare", dates()));
    }
    let to = match args.to {
        Some(date) => find(date)?,
        None => editions.len() - 1,
    };
    let from = match args.from {
        Some(date) => find(date)?,
        None => to.checked_sub(1).ok_or_else(|| format!("no edition of `{path}` before {}", editions[to].date))?,
    };
    if from >= to {
        return Err(format!(
            "FROM ({}) must be an earlier edition than TO ({})",
            editions[from].date, editions[to].date
        ));
    }
    Ok((d, from, to))
}

fn color_of(kind: ChangeKind) -> Color {
    match kind {
        ChangeKind::Joined => Color::Green,
        ChangeKind::Left => Color::Red,
        ChangeKind::TransferredIn | ChangeKind::TransferredOut => Color::Magenta,
        ChangeKind::Post => Color::Yellow,
        ChangeKind::Duties => Color::Cyan,
        ChangeKind::Contact => Color::Blue,
    }
}

fn print_text(roster: &Roster, d: usize, from: usize, to: usize, changes: &[Change]) -> std::io::Result<()> {
    let labels = default_labels(&roster.config.language);
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut out = StandardStream::stdout(if color { ColorChoice::Auto } else { ColorChoice::Never });
    let district = &roster.districts[d];
    let (a, b) = (&district.editions[from], &district.editions[to]);
    out.set_color(ColorSpec::new().set_bold(true))?;
    // Data never reaches the terminal raw: control characters are written as escapes.
    write!(out, "{} ({})", escape_controls(&district.name), district.path)?;
    out.reset()?;
    write!(out, ": {} → {}", a.date, b.date)?;
    if let Some(reason) = &b.reason {
        write!(out, " · {}", escape_controls(reason))?;
    }
    writeln!(out)?;
    for c in changes {
        let line = escape_controls(&describe(roster, c, &labels)).into_owned();
        let (kind, rest) =
            line.split_once(labels.get("punct_colon").map_or(":", String::as_str)).unwrap_or(("", &line));
        write!(out, "  ")?;
        out.set_color(ColorSpec::new().set_fg(Some(color_of(c.kind.kind()))).set_bold(true))?;
        write!(out, "{kind}")?;
        out.reset()?;
        writeln!(out, "{}{rest}", labels.get("punct_colon").map_or(":", String::as_str))?;
    }
    let n = changes.len();
    writeln!(out, "{n} change{}", if n == 1 { "" } else { "s" })?;
    out.flush()
}

fn print_json(roster: &Roster, d: usize, from: usize, to: usize, changes: &[Change]) -> std::io::Result<()> {
    let district = &roster.districts[d];
    let mut list = serde_json::to_value(changes).map_err(std::io::Error::other)?;
    // A transfer's other end is a district index inside the library; scripts want its path.
    if let Some(items) = list.as_array_mut() {
        for item in items {
            for key in ["from", "to"] {
                if let Some(place) = item.get_mut(key).filter(|p| p.is_object())
                    && let Some(i) = place.get("district").and_then(|v| v.as_u64())
                {
                    place["district"] = serde_json::Value::from(roster.districts[i as usize].path.clone());
                }
            }
        }
    }
    let value = serde_json::json!({
        "district": district.path,
        "name": district.name,
        "from": district.editions[from].date,
        "to": district.editions[to].date,
        "changes": list,
    });
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", serde_json::to_string_pretty(&value).map_err(std::io::Error::other)?)
}
