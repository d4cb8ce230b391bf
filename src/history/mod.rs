//! History: what changed between consecutive editions of each district.
//!
//! [`diff`] is a pure function of two editions that compares them person by person (by id):
//! joined, left, post changed (also across bodies), duties changed, contact changed. Display
//! order is not compared. [`History::compute`] applies it to every district and then links a
//! person who left one district and joined another within the transfer window as a transfer.
//! Changes are computed on the full data; [`History::redacted`] then removes what a publish
//! channel may not show (a private number that changed stays "changed", without values).

mod transfer;

use std::sync::Arc;

use rustc_hash::FxHashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::{Edition, Field, FieldSet, FieldValue, Member, Roster, Text};

/// One person's change between two editions of a district.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub person: Text,
    pub name: Text,
    #[serde(flatten)]
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Kind {
    /// 新任: in the new edition, not in the old. `from` is set for a transfer.
    Joined { body: Text, post: Text, from: Option<Place> },
    /// 离任: in the old edition, not in the new. `to` is set for a transfer.
    Left { body: Text, post: Text, to: Option<Place> },
    /// 职务调整: post or body changed.
    Post { from_body: Text, from_post: Text, to_body: Text, to_post: Text },
    /// 分工调整.
    Duties(FieldChange),
    /// 联系方式变更: mobile, office phone, office, hours.
    Contact { fields: Vec<FieldChange> },
}

impl Kind {
    /// Which kind of change this is, as every output names it.
    pub fn kind(&self) -> ChangeKind {
        match self {
            Kind::Joined { from: Some(_), .. } => ChangeKind::TransferredIn,
            Kind::Left { to: Some(_), .. } => ChangeKind::TransferredOut,
            Kind::Joined { .. } => ChangeKind::Joined,
            Kind::Left { .. } => ChangeKind::Left,
            Kind::Post { .. } => ChangeKind::Post,
            Kind::Duties(_) => ChangeKind::Duties,
            Kind::Contact { .. } => ChangeKind::Contact,
        }
    }

    /// Order of the groups on a change-log page: transfers, joined, left, post, duties, contact.
    pub fn rank(&self) -> u8 {
        self.kind().group() as u8
    }
}

/// The vocabulary of changes: the one list of names the pages, the CSV, the feed, the print
/// box and the tests share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    TransferredIn,
    TransferredOut,
    Joined,
    Left,
    Post,
    Duties,
    Contact,
}

/// The groups of a change-log page, in their order: a transfer in and a transfer out are one
/// group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeGroup {
    Transferred,
    Joined,
    Left,
    Post,
    Duties,
    Contact,
}

impl ChangeKind {
    /// The name in data files and page markup: `transferred_in`, `joined`, …
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::TransferredIn => "transferred_in",
            ChangeKind::TransferredOut => "transferred_out",
            ChangeKind::Joined => "joined",
            ChangeKind::Left => "left",
            ChangeKind::Post => "post",
            ChangeKind::Duties => "duties",
            ChangeKind::Contact => "contact",
        }
    }

    pub fn group(self) -> ChangeGroup {
        match self {
            ChangeKind::TransferredIn | ChangeKind::TransferredOut => ChangeGroup::Transferred,
            ChangeKind::Joined => ChangeGroup::Joined,
            ChangeKind::Left => ChangeGroup::Left,
            ChangeKind::Post => ChangeGroup::Post,
            ChangeKind::Duties => ChangeGroup::Duties,
            ChangeKind::Contact => ChangeGroup::Contact,
        }
    }
}

impl ChangeGroup {
    pub const ALL: [ChangeGroup; 6] = [
        ChangeGroup::Transferred,
        ChangeGroup::Joined,
        ChangeGroup::Left,
        ChangeGroup::Post,
        ChangeGroup::Duties,
        ChangeGroup::Contact,
    ];

    /// The name in page markup and on person pages: `transferred`, `joined`, …
    pub fn as_str(self) -> &'static str {
        ["transferred", "joined", "left", "post", "duties", "contact"][self as usize]
    }

    /// The key of its title in the theme's labels: `kind_transferred`, …
    pub fn label(self) -> &'static str {
        ["kind_transferred", "kind_joined", "kind_left", "kind_post", "kind_duties", "kind_contact"][self as usize]
    }
}

/// The other end of a transfer: a district edition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Place {
    pub district: usize,
    pub date: NaiveDate,
}

/// A field's old and new value, as shown (phones in national format).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: Field,
    pub from: Option<String>,
    pub to: Option<String>,
    /// The field is private in the old or the new edition: publish "changed" without values.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub private: bool,
}

impl FieldChange {
    /// Redacted: "changed" is all that may be said (a real change never has two empty sides).
    pub fn hidden(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }
}

/// Compares two editions of one district, person by person. Transfers are not known here.
pub fn diff(old: &Edition, new: &Edition) -> Vec<Change> {
    let old_index: FxHashMap<&str, (&Text, &Member)> = old.members().map(|(b, m)| (&*m.id, (&b.name, m))).collect();
    let new_ids: FxHashMap<&str, ()> = new.members().map(|(_, m)| (&*m.id, ())).collect();
    let mut out = Vec::new();
    for (body, m) in new.members() {
        match old_index.get(&*m.id) {
            None => out.push(change(m, Kind::Joined { body: body.name.clone(), post: m.post.clone(), from: None })),
            Some((old_body, o)) => {
                if **old_body != body.name || o.post != m.post {
                    out.push(change(
                        m,
                        Kind::Post {
                            from_body: Text::clone(old_body),
                            from_post: o.post.clone(),
                            to_body: body.name.clone(),
                            to_post: m.post.clone(),
                        },
                    ));
                }
                if let Some(fc) = field_change(o, m, Field::Duties) {
                    out.push(change(m, Kind::Duties(fc)));
                }
                let fields: Vec<FieldChange> = [Field::Mobile, Field::OfficePhone, Field::Office, Field::Hours]
                    .into_iter()
                    .filter_map(|f| field_change(o, m, f))
                    .collect();
                if !fields.is_empty() {
                    out.push(change(m, Kind::Contact { fields }));
                }
            }
        }
    }
    for (body, o) in old.members() {
        if !new_ids.contains_key(&*o.id) {
            out.push(change(o, Kind::Left { body: body.name.clone(), post: o.post.clone(), to: None }));
        }
    }
    // Stable: within a group, new-edition order (old-edition order for those who left).
    out.sort_by_key(|c| c.kind.rank());
    out
}

fn change(m: &Member, kind: Kind) -> Change {
    Change { person: m.id.clone(), name: m.name.clone(), kind }
}

fn shown(v: Option<FieldValue<'_>>) -> Option<String> {
    v.map(|v| match v {
        FieldValue::Text(t) => t.to_owned(),
        FieldValue::Phone(p) => p.national.to_string(),
    })
}

fn field_change(old: &Member, new: &Member, field: Field) -> Option<FieldChange> {
    let (a, b) = (old.get(field), new.get(field));
    let same = match (a, b) {
        (Some(FieldValue::Phone(x)), Some(FieldValue::Phone(y))) => x.e164 == y.e164,
        _ => a == b,
    };
    (!same).then(|| FieldChange {
        field,
        from: shown(a),
        to: shown(b),
        private: old.private.contains(field) || new.private.contains(field),
    })
}

/// The changes of one edition, shared between copies of the history.
pub type Changes = Arc<Vec<Change>>;

/// The changes of every edition of every district: `changes[district][edition]` compares the
/// edition with the one before it (empty for a district's first edition, its initial
/// publication).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    pub changes: Vec<Vec<Changes>>,
}

impl History {
    pub fn compute(roster: &Roster) -> History {
        History::compute_reusing(roster, None)
    }

    /// As [`History::compute`]; districts whose editions are the very same (shared) as in
    /// `previous` reuse its comparisons. Transfers are planned again over the whole roster,
    /// and only a change list whose links differ from the plan is made again (so the others
    /// keep their address, by which later stages recognise what they made before).
    pub fn compute_reusing(roster: &Roster, previous: Option<(&Roster, &History)>) -> History {
        use rayon::prelude::*;
        let unlinked = |d: usize, e: usize| {
            let editions = &roster.districts[d].editions;
            if e == 0 { Vec::new() } else { diff(&editions[e - 1], &editions[e]) }
        };
        let (mut changes, fresh): (Vec<Vec<Changes>>, Vec<bool>) = roster
            .districts
            .par_iter()
            .enumerate()
            .map(|(i, d)| {
                if let Some((old, h)) = previous
                    && let Some(o) = old.districts.get(i)
                    && o.path == d.path
                    && o.editions.len() == d.editions.len()
                    && o.editions.iter().zip(&d.editions).all(|(a, b)| Arc::ptr_eq(a, b))
                {
                    return (h.changes[i].clone(), false);
                }
                ((0..d.editions.len()).map(|e| Arc::new(unlinked(i, e))).collect(), true)
            })
            .unzip();
        transfer::link(roster, &mut changes, &fresh, unlinked);
        History { changes }
    }

    /// A copy holding only what a channel that allows `allowed` may show.
    pub fn redacted(&self, allowed: FieldSet) -> History {
        self.redacted_with(|e| redacted_changes(e, allowed))
    }

    /// A copy whose every edition's changes are `redact(changes)`; [`redacted_changes`] or a
    /// memo of it.
    pub fn redacted_with(&self, mut redact: impl FnMut(&Changes) -> Changes) -> History {
        let changes = self.changes.iter().map(|d| d.iter().map(&mut redact).collect()).collect();
        History { changes }
    }

    /// The date of the district's last edition that changed something, if any.
    pub fn last_change(&self, roster: &Roster, district: usize) -> Option<NaiveDate> {
        let d = &roster.districts[district];
        self.changes[district].iter().enumerate().rev().find(|(_, c)| !c.is_empty()).map(|(e, _)| d.editions[e].date)
    }
}

/// One edition's changes as a channel that allows `allowed` may show them: the same list
/// (shared) when it shows nothing withheld.
pub fn redacted_changes(e: &Changes, allowed: FieldSet) -> Changes {
    if e.iter().all(|c| needs_no_redaction(c, allowed)) {
        e.clone()
    } else {
        Arc::new(e.iter().filter_map(|c| redact(c, allowed)).collect())
    }
}

fn needs_no_redaction(c: &Change, allowed: FieldSet) -> bool {
    let ok = |f: &FieldChange| allowed.contains(f.field) && !f.private;
    match &c.kind {
        Kind::Duties(f) => ok(f),
        Kind::Contact { fields } => fields.iter().all(ok),
        _ => true,
    }
}

fn redact_field(fc: &FieldChange, allowed: FieldSet) -> Option<FieldChange> {
    if !allowed.contains(fc.field) {
        return None;
    }
    if fc.private {
        return Some(FieldChange { field: fc.field, from: None, to: None, private: true });
    }
    Some(fc.clone())
}

fn redact(c: &Change, allowed: FieldSet) -> Option<Change> {
    let kind = match &c.kind {
        Kind::Duties(fc) => Kind::Duties(redact_field(fc, allowed)?),
        Kind::Contact { fields } => {
            let fields: Vec<FieldChange> = fields.iter().filter_map(|f| redact_field(f, allowed)).collect();
            if fields.is_empty() {
                return None;
            }
            Kind::Contact { fields }
        }
        other => other.clone(),
    };
    Some(Change { kind, ..c.clone() })
}

/// The changes between editions `from` and `to` (indices) of district `d`: the computed log
/// when they are consecutive (with transfers), else a direct comparison.
pub fn between(roster: &Roster, history: &History, d: usize, from: usize, to: usize) -> Vec<Change> {
    if to == from + 1 {
        return history.changes[d][to].to_vec();
    }
    let editions = &roster.districts[d].editions;
    diff(&editions[from], &editions[to])
}

#[cfg(test)]
mod tests;
