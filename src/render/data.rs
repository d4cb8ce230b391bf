//! Open data under `/data/`: the roster in the Popolo data model (`roster.json`), the current
//! roster and the change log as CSV for spreadsheets (`roster.csv`, `changes.csv`), and a page
//! that lists them. Everything here is made from the roster redacted for the `data` channel.

use rayon::prelude::*;
use serde::Serialize;

use super::changes::{Labels, describe};
use super::publish::Published;
use super::web::terms;
use super::{Ctx, links, markdown};
use crate::diag::Diagnostic;
use crate::history::{History, Kind};
use crate::model::verify::{CallResult, Policy};
use crate::model::{District, Field, Member, Person, Roster};
use crate::output::Sink;

/// Renders the data files from the data-channel roster and history.
pub fn render(ctx: &Ctx<'_>, data: &Published, sink: &dyn Sink) -> Vec<Diagnostic> {
    let (roster, history) = (data.roster(), data.history());
    let stream = |name: &str, write: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>| {
        sink.put_stream(name, write).map_err(|e| Diagnostic::error(name, format!("cannot write output: {e}")))
    };
    // Each file is written by one thread, the four side by side.
    let jobs: [&(dyn Fn() -> Result<(), Diagnostic> + Sync); 4] = [
        &|| stream("data/roster.json", &mut |w| popolo(roster, w)),
        &|| stream("data/roster.csv", &mut |w| roster_csv(roster, w)),
        &|| stream("data/changes.csv", &mut |w| changes_csv(roster, history, &ctx.theme.labels, w)),
        &|| page(ctx, roster, sink),
    ];
    jobs.par_iter().filter_map(|job| job().err()).collect()
}

fn page(ctx: &Ctx<'_>, roster: &Roster, sink: &dyn Sink) -> Result<(), Diagnostic> {
    #[derive(Serialize)]
    struct Page {
        crumbs: Vec<super::view::Link>,
        fields: Vec<String>,
        people: usize,
        districts: usize,
    }
    let t = &ctx.theme.labels;
    let fields = roster
        .config
        .publish
        .data
        .iter()
        .map(|f| t.get(f.as_str()).cloned().unwrap_or_else(|| f.to_string()))
        .collect();
    let page = Page {
        crumbs: vec![super::view::Link {
            name: t.get("data").cloned().unwrap_or_default(),
            url: "data/index.html".into(),
        }],
        fields,
        people: roster.people.len(),
        districts: roster.districts.len(),
    };
    ctx.page("data.html", "data/index.html", &page, sink)
}

/// Organisation id of a body: `<district path>:<body name>`.
fn body_id(path: &str, body: &str) -> String {
    format!("{path}:{body}")
}

#[derive(Serialize)]
struct Contact<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    label: &'static str,
    value: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
    /// roster's additions, on current numbers: the day the number was last verified (by the
    /// member's `verified` date or an answered call) and the last call check.
    #[serde(skip_serializing_if = "Option::is_none")]
    verified: Option<chrono::NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_call: Option<LastCall>,
}

#[derive(Serialize)]
struct LastCall {
    result: CallResult,
    date: chrono::NaiveDate,
}

/// A member's contact details; with `current` (the district and today's policy), each number
/// carries its verification.
fn contact_details<'a>(m: &'a Member, current: Option<(&District, Policy)>) -> Vec<Contact<'a>> {
    let mut out = Vec::new();
    let note = m.hours.as_deref();
    let state = |f: Field| current.and_then(|(d, policy)| d.number_state(m, f, policy));
    let number = |kind, f: Field, p: &'a crate::model::Phone| {
        let s = state(f);
        Contact {
            kind,
            label: f.as_str(),
            value: &p.e164,
            note,
            verified: s.and_then(|s| s.verified),
            last_call: s.and_then(|s| s.last_call).map(|(result, date)| LastCall { result, date }),
        }
    };
    if let Some(p) = &m.office_phone {
        out.push(number("voice", Field::OfficePhone, p));
    }
    if let Some(p) = &m.mobile {
        out.push(number("cell", Field::Mobile, p));
    }
    if let Some(office) = &m.office {
        out.push(Contact {
            kind: "address",
            label: "office",
            value: office,
            note: None,
            verified: None,
            last_call: None,
        });
    }
    if m.office_phone.is_none()
        && m.mobile.is_none()
        && let Some(hours) = note
    {
        out.push(Contact { kind: "note", label: "hours", value: hours, note: None, verified: None, last_call: None });
    }
    out
}

#[derive(Serialize)]
struct Link {
    url: String,
    note: Option<String>,
}

#[derive(Serialize)]
struct Organization<'a> {
    id: String,
    name: &'a str,
    classification: Option<&'a str>,
    parent_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    links: Vec<Link>,
}

#[derive(Serialize)]
struct PopoloPost<'a> {
    id: String,
    label: &'a str,
    organization_id: String,
}

#[derive(Serialize)]
struct PopoloPerson<'a> {
    id: &'a str,
    name: &'a str,
    links: Vec<Link>,
}

#[derive(Serialize)]
struct Membership<'a> {
    id: String,
    person_id: &'a str,
    organization_id: String,
    post_id: String,
    role: crate::model::Text,
    start_date: chrono::NaiveDate,
    end_date: Option<chrono::NaiveDate>,
    responsibilities: Option<String>,
    verified: Option<chrono::NaiveDate>,
    contact_details: Vec<Contact<'a>>,
    sources: Vec<Link>,
}

#[derive(Serialize)]
struct Meta<'a> {
    title: &'a str,
    url: &'a str,
    as_of: Option<chrono::NaiveDate>,
    fields: Vec<&'static str>,
}

#[derive(Serialize)]
#[serde(bound = "Streamed<P>: Serialize, Streamed<M>: Serialize")]
struct Popolo<'a, P, M> {
    meta: Meta<'a>,
    persons: Streamed<P>,
    organizations: Vec<Organization<'a>>,
    posts: Vec<PopoloPost<'a>>,
    memberships: Streamed<M>,
}

/// A list serialised item by item as `F` makes them: the persons and memberships of a
/// province are written out without being held in memory all at once.
struct Streamed<F>(F);

impl<F, I> Serialize for Streamed<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

fn person<'a>(base: &str, p: &'a Person) -> PopoloPerson<'a> {
    PopoloPerson {
        id: &p.id,
        name: &p.name,
        links: vec![Link { url: links::absolute(base, &links::person(&p.id)), note: Some("person page".into()) }],
    }
}

/// A person's memberships: one per term in a post, by district then start.
fn memberships<'a>(r: &'a Roster, p: &'a Person) -> Vec<Membership<'a>> {
    let base = &r.config.base_url;
    let mut ts = terms(r, p);
    ts.sort_by_key(|t| (t.district, t.from));
    ts.into_iter()
        .map(|t| {
            let d = &r.districts[t.district];
            let edition = &d.editions[t.last_edition];
            // From the person's own appearances: a scan of the edition would make this
            // quadratic in the size of a district.
            let member = p
                .appearances
                .iter()
                .find(|a| a.district == t.district && a.edition == t.last_edition)
                .map(|a| r.member(*a));
            let org = body_id(&d.path, &t.body);
            Membership {
                id: format!("{}@{}:{}", p.id, d.path, t.from),
                person_id: &p.id,
                post_id: format!("{org}:{}", t.post),
                organization_id: org,
                role: t.post,
                start_date: t.from,
                end_date: t.until,
                responsibilities: member.and_then(|m| m.duties.as_deref()).map(markdown::plain),
                verified: member.and_then(|m| m.verified),
                contact_details: member
                    .map(|m| contact_details(m, t.until.is_none().then_some((d, r.verify))))
                    .unwrap_or_default(),
                sources: vec![Link {
                    url: links::absolute(base, &links::edition(&d.path, edition.date)),
                    note: edition.source.clone(),
                }],
            }
        })
        .collect()
}

/// The roster as Popolo (<https://www.popoloproject.com/specs/>): persons, organizations
/// (districts and their bodies), posts, and memberships with start and end dates derived from
/// the editions. Contact details belong to memberships (they are the post's office numbers);
/// `responsibilities` (分工) and `verified` are roster's own additions to a membership.
pub fn popolo(r: &Roster, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let base = &r.config.base_url;
    let mut organizations = Vec::new();
    let mut posts = Vec::new();
    let mut seen_bodies = rustc_hash::FxHashSet::default();
    let mut seen_posts = rustc_hash::FxHashSet::default();
    for d in &r.districts {
        organizations.push(Organization {
            id: d.path.clone(),
            name: &d.name,
            classification: d.kind.as_deref(),
            parent_id: d.parent.map(|p| r.districts[p].path.as_str()),
            links: vec![Link {
                url: links::absolute(base, &links::district(&d.path)),
                note: Some("roster page".into()),
            }],
        });
        for e in &d.editions {
            for b in &e.bodies {
                let id = body_id(&d.path, &b.name);
                if seen_bodies.insert(id.clone()) {
                    organizations.push(Organization {
                        id: id.clone(),
                        name: &b.name,
                        classification: Some("body"),
                        parent_id: Some(&d.path),
                        links: Vec::new(),
                    });
                }
                for m in &b.members {
                    let post_id = format!("{id}:{}", m.post);
                    if seen_posts.insert(post_id.clone()) {
                        posts.push(PopoloPost { id: post_id, label: &m.post, organization_id: id.clone() });
                    }
                }
            }
        }
    }
    let doc = Popolo {
        meta: Meta {
            title: &r.config.title,
            url: base,
            as_of: r.latest_date(),
            fields: r.config.publish.data.iter().map(|f| f.as_str()).collect(),
        },
        persons: Streamed(|| r.people.values().map(|p| person(base, p))),
        organizations,
        posts,
        memberships: Streamed(|| r.people.values().flat_map(|p| memberships(r, p))),
    };
    serde_json::to_writer(&mut *out, &doc)?;
    out.write_all(b"\n")
}

/// A spreadsheet cell: text that begins with `=`, `+`, `-`, `@`, tab or carriage return would
/// be taken for a formula by Excel and LibreOffice, so it gets a leading `'`.
///
/// It is also the last guard before the file: control characters other than line breaks,
/// which validation refuses, are dropped.
pub fn cell(text: &str) -> String {
    let text: std::borrow::Cow<'_, str> = if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        text.chars().filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t')).collect::<String>().into()
    } else {
        text.into()
    };
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.into_owned(),
    }
}

/// A CSV writer after a BOM (so that Excel opens the UTF-8 file as UTF-8), with CRLF records
/// as RFC 4180 says.
pub(crate) fn csv_writer(out: &mut dyn std::io::Write) -> std::io::Result<csv::Writer<&mut dyn std::io::Write>> {
    out.write_all(b"\xEF\xBB\xBF")?;
    Ok(csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out))
}

/// One row per current member.
pub fn roster_csv(r: &Roster, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let allowed = r.config.publish.data;
    let mut w = csv_writer(out)?;
    let mut header = vec![
        "district",
        "district_name",
        "body",
        "name",
        "post",
        "duties",
        "office_phone",
        "office",
        "hours",
        "verified",
    ];
    let with_mobile = allowed.contains(crate::model::Field::Mobile);
    if with_mobile {
        header.push("mobile");
    }
    let numbers: Vec<Field> =
        [Field::OfficePhone, Field::Mobile].into_iter().filter(|f| allowed.contains(*f)).collect();
    let names: Vec<String> = numbers
        .iter()
        .flat_map(|f| ["verified", "last_call", "last_call_date"].map(|k| format!("{}_{k}", f.as_str())))
        .collect();
    header.extend(names.iter().map(String::as_str));
    w.write_record(&header)?;
    for d in &r.districts {
        let Some(e) = d.current() else { continue };
        for (b, m) in e.members() {
            let mut row = vec![
                cell(&d.path),
                cell(&d.name),
                cell(&b.name),
                cell(&m.name),
                cell(&m.post),
                cell(&m.duties.as_deref().map(markdown::plain).unwrap_or_default()),
                cell(m.office_phone.as_ref().map_or("", |p| &*p.national)),
                cell(m.office.as_deref().unwrap_or("")),
                cell(m.hours.as_deref().unwrap_or("")),
                m.verified.map(|v| v.to_string()).unwrap_or_default(),
            ];
            if with_mobile {
                row.push(cell(m.mobile.as_ref().map_or("", |p| &*p.national)));
            }
            for f in &numbers {
                let s = d.number_state(m, *f, r.verify);
                row.push(s.and_then(|s| s.verified).map(|v| v.to_string()).unwrap_or_default());
                let call = s.and_then(|s| s.last_call);
                row.push(call.map(|(c, _)| c.as_str().to_owned()).unwrap_or_default());
                row.push(call.map(|(_, d)| d.to_string()).unwrap_or_default());
            }
            w.write_record(&row)?;
        }
    }
    w.flush()
}

/// One row per change (one per field for a change of several contact fields).
pub fn changes_csv(r: &Roster, h: &History, labels: &Labels, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut w = csv_writer(out)?;
    w.write_record([
        "date",
        "district",
        "district_name",
        "kind",
        "person",
        "name",
        "field",
        "from",
        "to",
        "other_district",
        "description",
    ])?;
    for (di, d) in r.districts.iter().enumerate() {
        for (ei, e) in d.editions.iter().enumerate() {
            for c in h.changes[di][ei].iter() {
                let text = describe(r, c, labels);
                let path = |i: usize| r.districts.get(i).map_or(String::new(), |d| d.path.clone());
                let mut rows: Vec<[String; 5]> = Vec::new();
                match &c.kind {
                    Kind::Joined { body, post, from } => rows.push([
                        c.kind.kind().as_str().into(),
                        "post".into(),
                        String::new(),
                        format!("{body} {post}"),
                        from.map(|p| path(p.district)).unwrap_or_default(),
                    ]),
                    Kind::Left { body, post, to } => rows.push([
                        c.kind.kind().as_str().into(),
                        "post".into(),
                        format!("{body} {post}"),
                        String::new(),
                        to.map(|p| path(p.district)).unwrap_or_default(),
                    ]),
                    Kind::Post { from_body, from_post, to_body, to_post } => rows.push([
                        "post".into(),
                        "post".into(),
                        format!("{from_body} {from_post}"),
                        format!("{to_body} {to_post}"),
                        String::new(),
                    ]),
                    Kind::Duties(fc) => rows.push(field_row("duties", fc)),
                    Kind::Contact { fields } => rows.extend(fields.iter().map(|f| field_row("contact", f))),
                }
                for [kind, field, from, to, other] in rows {
                    w.write_record([
                        e.date.to_string(),
                        cell(&d.path),
                        cell(&d.name),
                        kind,
                        cell(&c.person),
                        cell(&c.name),
                        field,
                        cell(&from),
                        cell(&to),
                        cell(&other),
                        cell(&text),
                    ])?;
                }
            }
        }
    }
    w.flush()
}

fn field_row(kind: &str, fc: &crate::history::FieldChange) -> [String; 5] {
    let plain = |v: &Option<String>| {
        v.as_deref()
            .map(|s| if fc.field == crate::model::Field::Duties { markdown::plain(s) } else { s.to_owned() })
            .unwrap_or_default()
    };
    [kind.into(), fc.field.as_str().into(), plain(&fc.from), plain(&fc.to), String::new()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("+86"), "'+86");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(cell("@SUM"), "'@SUM");
        assert_eq!(cell("李明"), "李明");
        assert_eq!(cell("139 0000 0001"), "139 0000 0001");
    }

    /// The last guard: a control character validation missed never reaches a CSV file, and
    /// one dropped never uncovers a formula behind it.
    #[test]
    fn control_characters_never_reach_a_cell() {
        assert_eq!(cell("控\u{1b}]0;pwned\u{7}\u{1b}[2J红"), "控]0;pwned[2J红");
        assert_eq!(cell("a\u{0}b\u{b}c\u{7f}d\u{85}e\u{9f}f"), "abcdef");
        assert_eq!(cell("\u{1b}=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(cell("一\n二\r\n三\t四"), "一\n二\r\n三\t四");
    }
}
