//! A channel's view of the roster: the publish policy and each member's `private` list are
//! applied once, by removing the values, before any renderer sees the data.
//!
//! The promise is a type. Renderers are given a [`Published`], and the only way to make one is
//! [`Published::new`], which redacts the roster and its history for one channel. Its fields
//! are private and it hands out shared references only, so no renderer can hold the full
//! roster through it or put a withheld value back:
//!
//! ```compile_fail
//! # fn f(roster: roster::model::Roster, history: roster::history::History) {
//! let web = roster::render::publish::Published { channel: roster::config::Channel::Web, roster, history };
//! # }
//! ```

use std::sync::{Arc, Mutex, Weak};

use rustc_hash::FxHashMap;

use crate::config::Channel;
use crate::history::{self, Change, History};
use crate::model::{Edition, Field, FieldSet, Member, Roster};

/// The roster and its history as one channel may publish them.
pub struct Published {
    channel: Channel,
    roster: Roster,
    history: History,
}

impl Published {
    /// Redacts `full` and its history for `channel`. With `copies`, the redacted editions and
    /// change lists are kept there and reused by the next call (`serve` renders the same
    /// editions again after each edit); a one-shot build passes `None` and never holds them.
    pub fn new(full: &Roster, full_history: &History, channel: Channel, copies: Option<&Copies>) -> Published {
        let allowed = full.config.publish.fields(channel);
        let mut kept = copies.map(|c| lock(&c.changes));
        if let Some(map) = kept.as_deref_mut() {
            forget_gone(map);
        }
        let history = full_history
            .redacted_with(|e| reuse(e, allowed, kept.as_deref_mut(), |e| history::redacted_changes(e, allowed)));
        Published { channel, roster: redact(full, channel, copies), history }
    }

    pub fn channel(&self) -> Channel {
        self.channel
    }

    /// The fields this channel's policy allows (a member's `private` list hides more).
    pub fn allowed(&self) -> FieldSet {
        self.roster.config.publish.fields(self.channel)
    }

    pub fn roster(&self) -> &Roster {
        &self.roster
    }

    pub fn history(&self) -> &History {
        &self.history
    }
}

/// A copy of `roster` holding only what `channel` may publish.
fn redact(roster: &Roster, channel: Channel, copies: Option<&Copies>) -> Roster {
    let allowed = roster.config.publish.fields(channel);
    let mut out = roster.clone();
    let mut kept = copies.map(|c| lock(&c.editions));
    if let Some(map) = kept.as_deref_mut() {
        forget_gone(map);
    }
    for d in &mut out.districts {
        for e in &mut d.editions {
            *e = reuse(e, allowed, kept.as_deref_mut(), |e| redact_edition(e, allowed));
        }
        for round in &mut d.rounds {
            round.calls.retain(|c| allowed.contains(c.field) && !c.private);
        }
        d.reports.retain(|r| allowed.contains(r.field) && !r.private);
    }
    out
}

/// Redacted copies of editions and of their change lists, by the address of the shared
/// original and the fields allowed. The original is held weakly: while the entry lives its
/// address cannot be reused, and the entries of originals that are gone are dropped on the
/// next call. `None` stands for "the original itself", so the memo never holds an original
/// strongly.
#[derive(Default)]
pub struct Copies {
    editions: Mutex<Redacted<Edition>>,
    changes: Mutex<Redacted<Vec<Change>>>,
}

type Redacted<T> = FxHashMap<(usize, FieldSet), (Weak<T>, Option<Arc<T>>)>;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn forget_gone<T>(map: &mut Redacted<T>) {
    map.retain(|_, (source, _)| source.strong_count() > 0);
}

/// `make(e)`, or what it made for this very `e` and `allowed` before.
fn reuse<T>(
    e: &Arc<T>,
    allowed: FieldSet,
    memo: Option<&mut Redacted<T>>,
    make: impl FnOnce(&Arc<T>) -> Arc<T>,
) -> Arc<T> {
    let Some(memo) = memo else { return make(e) };
    let key = (Arc::as_ptr(e) as usize, allowed);
    if let Some((source, copy)) = memo.get(&key)
        && source.upgrade().is_some_and(|s| Arc::ptr_eq(&s, e))
    {
        return copy.clone().unwrap_or_else(|| e.clone());
    }
    let made = make(e);
    let copy = (!Arc::ptr_eq(&made, e)).then(|| made.clone());
    memo.insert(key, (Arc::downgrade(e), copy));
    made
}

/// `e` as `allowed` may show it: `e` itself when it hides nothing (editions are shared).
fn redact_edition(e: &Arc<Edition>, allowed: FieldSet) -> Arc<Edition> {
    if !e.members().any(|(_, m)| hides(m, allowed)) {
        return e.clone();
    }
    // The copy shares the members it hides nothing of; the others are copied and cleared.
    let mut copy = Edition::clone(e);
    for b in &mut copy.bodies {
        for m in b.members.iter_mut().filter(|m| hides(m, allowed)) {
            redact_member(Arc::make_mut(m), allowed);
        }
    }
    Arc::new(copy)
}

/// Whether `m` has a value that a channel allowing `allowed` may not show.
fn hides(m: &Member, allowed: FieldSet) -> bool {
    Field::ALL.iter().any(|f| m.get(*f).is_some() && !visible(m, *f, allowed))
}

/// Clears every field of `m` not in `allowed` or listed in its `private`.
fn redact_member(m: &mut Member, allowed: FieldSet) {
    for f in Field::ALL {
        if !visible(m, f, allowed) {
            m.clear(f);
        }
    }
}

/// Whether `field` of `m` may appear in a channel that allows `allowed`.
fn visible(m: &Member, field: Field, allowed: FieldSet) -> bool {
    field.is_identity() || (allowed.contains(field) && !m.private.contains(field))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn office(r: &Roster) -> Option<&str> {
        r.districts[0].editions[0].bodies[0].members[0].office.as_deref()
    }

    #[test]
    fn kept_copies_follow_the_edition_they_were_made_from() {
        let copies = Copies::default();
        let redact = |r: &Roster| redact(r, Channel::Web, Some(&copies));
        let mut r = crate::testutil::roster(&[("a", "2020-01-01", &[("x", "X", "书记")])]);
        let m = Arc::make_mut(&mut Arc::make_mut(&mut r.districts[0].editions[0]).bodies[0].members[0]);
        m.office = Some("机密楼".into());
        m.private = [Field::Office].into_iter().collect();
        let first = redact(&r);
        assert_eq!(office(&first), None, "private office removed");
        let again = redact(&r);
        assert!(Arc::ptr_eq(&first.districts[0].editions[0], &again.districts[0].editions[0]), "copy reused");
        // An edit makes a new edition: its copy is made afresh, never the old one reused.
        let m = Arc::make_mut(&mut Arc::make_mut(&mut r.districts[0].editions[0]).bodies[0].members[0]);
        m.private = FieldSet::EMPTY;
        assert_eq!(office(&redact(&r)), Some("机密楼"));
        let m = Arc::make_mut(&mut Arc::make_mut(&mut r.districts[0].editions[0]).bodies[0].members[0]);
        m.private = [Field::Office].into_iter().collect();
        assert_eq!(office(&redact(&r)), None);
        // Editions that hide nothing are shared, not copied.
        let mut plain = crate::testutil::roster(&[("b", "2020-01-01", &[("y", "Y", "区长")])]);
        Arc::make_mut(&mut Arc::make_mut(&mut plain.districts[0].editions[0]).bodies[0].members[0]).office =
            Some("101".into());
        let shown = redact(&plain);
        assert!(Arc::ptr_eq(&plain.districts[0].editions[0], &shown.districts[0].editions[0]));
    }

    /// A roster of two editions from generated members: (field values present as a bit mask,
    /// private fields as a bit mask, whether the second edition changes the values).
    fn generated(members: &[(u8, u8, bool)], policy: [u8; 3]) -> Roster {
        use crate::diag::SourceFile;
        use crate::source::{DistrictSource, SiteSource, parse};
        let names = |mask: u8| -> Vec<&str> {
            Field::ALL.iter().filter(|f| mask & (1 << (**f as u8)) != 0).map(|f| f.as_str()).collect()
        };
        let list = |mask: u8| names(mask).iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ");
        let config = format!(
            "title = \"t\"\nbase_url = \"https://example.org/\"\n[publish]\nweb = [{}]\nprint = [{}]\ndata = [{}]\n",
            list(policy[0] | 3),
            list(policy[1] | 3),
            list(policy[2] | 3)
        );
        let edition = |second: bool| {
            let mut t = String::from("[[body]]\nname = \"班子\"\n");
            for (i, (values, private, changes)) in members.iter().enumerate() {
                let v = if second && *changes { 2 } else { 1 };
                t.push_str(&format!("[[body.member]]\nid = \"p{i}\"\nname = \"人{i}\"\npost = \"职务\"\n"));
                for name in names(*values & !3) {
                    let value = match name {
                        "mobile" => format!("1390000{i:02}{v:02}"),
                        "office_phone" => format!("028-3813{i:02}{v:02}"),
                        other => format!("{other} {i} {v}"),
                    };
                    t.push_str(&format!("{name} = \"{value}\"\n"));
                }
                t.push_str(&format!("private = [{}]\n", list(*private & !3)));
            }
            t
        };
        let mut diags = Vec::new();
        let config = crate::config::parse(&SourceFile::new("roster.toml", config), &mut diags);
        let meta = parse::district(&SourceFile::new("content/d/district.toml", "name = \"d\"\n"), &mut diags);
        let editions: Vec<_> = [("2020-01-01", false), ("2021-01-01", true)]
            .into_iter()
            .filter_map(|(date, second)| {
                let date = crate::source::reader::parse_date(date).expect("date");
                let file = SourceFile::new(format!("content/d/{date}.toml"), edition(second));
                parse::edition(&file, date, &mut diags).map(Arc::new)
            })
            .collect();
        let site = SiteSource {
            index: None,
            pages: Vec::new(),
            districts: vec![DistrictSource { path: "d".into(), meta, edition_files: editions.len(), editions }],
            checks: Vec::new(),
            reports: Vec::new(),
        };
        let roster = crate::model::validate(config, site, &crate::model::Options::default(), &mut diags);
        assert!(!diags.iter().any(crate::diag::Diagnostic::is_error), "{diags:?}");
        roster
    }

    #[test]
    fn texts_are_held_once_across_editions_and_copies() {
        // Two editions of one member with a mobile and an office; the data policy withholds
        // the mobile, so the data channel copies the member.
        let mobile_and_office = (1 << Field::Mobile as u8) | (1 << Field::Office as u8) | 3;
        let full = generated(&[(mobile_and_office, 0, false)], [127, 127, 1 << Field::Office as u8]);
        let member = |r: &Roster, e: usize| Arc::clone(&r.districts[0].editions[e].bodies[0].members[0]);
        let (first, second) = (member(&full, 0), member(&full, 1));
        assert!(Arc::ptr_eq(&first.post, &second.post), "the same post in two editions is one text");
        assert!(Arc::ptr_eq(&first.name, &second.name));
        let history = History::compute(&full);
        let data = Published::new(&full, &history, Channel::Data, None);
        let copy = member(data.roster(), 1);
        assert!(!Arc::ptr_eq(&copy, &second), "the member is copied: its mobile is withheld");
        assert_eq!(copy.mobile, None);
        assert!(Arc::ptr_eq(&copy.name, &second.name), "the copy shares the texts it keeps");
        assert!(Arc::ptr_eq(copy.office.as_ref().expect("office"), second.office.as_ref().expect("office")));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Whatever the members hold and the policies say, a channel's view holds no value of a
        /// field its policy withholds or the member lists as private, in the roster or in the
        /// change log.
        #[test]
        fn a_channel_view_holds_no_withheld_field(
            members in proptest::collection::vec((0u8..128, 0u8..128, proptest::bool::ANY), 1..6),
            policy in proptest::array::uniform3(0u8..128),
        ) {
            let full = generated(&members, policy);
            let history = History::compute(&full);
            for channel in [Channel::Web, Channel::Print, Channel::Data] {
                let view = Published::new(&full, &history, channel, None);
                let allowed = full.config.publish.fields(channel);
                for (d, district) in view.roster().districts.iter().enumerate() {
                    for (e, edition) in district.editions.iter().enumerate() {
                        let originals: Vec<_> = full.districts[d].editions[e].members().map(|(_, m)| m).collect();
                        for ((_, m), original) in edition.members().zip(originals) {
                            for f in Field::ALL {
                                let withheld = !f.is_identity() && (!allowed.contains(f) || original.private.contains(f));
                                proptest::prop_assert!(!(withheld && m.get(f).is_some()), "{channel:?} shows {f} of {}", m.id);
                            }
                        }
                    }
                }
                for change in view.history().changes.iter().flatten().flat_map(|e| e.iter()) {
                    let fields: Vec<&crate::history::FieldChange> = match &change.kind {
                        crate::history::Kind::Duties(fc) => vec![fc],
                        crate::history::Kind::Contact { fields } => fields.iter().collect(),
                        _ => Vec::new(),
                    };
                    for fc in fields {
                        proptest::prop_assert!(allowed.contains(fc.field), "{channel:?} logs a change of {}", fc.field);
                        proptest::prop_assert!(!fc.private || fc.hidden(), "{channel:?} logs a private value");
                    }
                }
            }
        }
    }
}
