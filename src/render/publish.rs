//! A channel's view of the roster: the publish policy and each member's `private` list are
//! applied once, by removing the values, before any renderer sees the data. A renderer cannot
//! leak a field it was never given.

use std::sync::{Arc, Mutex, Weak};

use rustc_hash::FxHashMap;

use crate::config::Channel;
use crate::model::{Edition, Field, FieldSet, Member, Roster};

/// A copy of `roster` holding only what `channel` may publish. With `copies`, the redacted
/// editions are kept there and reused by the next call (`serve` renders the same editions
/// again after each edit); a one-shot build passes `None` and never holds them longer.
pub fn redact(roster: &Roster, channel: Channel, copies: Option<&Copies>) -> Roster {
    let allowed = roster.config.publish.fields(channel);
    let mut out = roster.clone();
    let mut guard = copies.map(|c| c.0.lock().unwrap_or_else(|e| e.into_inner()));
    if let Some(map) = guard.as_deref_mut() {
        map.retain(|_, (source, _)| source.strong_count() > 0);
    }
    for d in &mut out.districts {
        for e in &mut d.editions {
            *e = redact_edition(e, allowed, guard.as_deref_mut());
        }
    }
    out
}

/// Redacted copies of editions, by the address of the shared original and the fields allowed.
/// The original is held weakly: while the entry lives its address cannot be reused, and the
/// entries of editions that are gone are dropped on the next call. `None` stands for "the
/// original itself", so the cache never holds an original strongly.
#[derive(Default)]
pub struct Copies(Mutex<Redacted>);

type Redacted = FxHashMap<(usize, FieldSet), (Weak<Edition>, Option<Arc<Edition>>)>;

/// `e` as `allowed` may show it: `e` itself when it hides nothing (editions are shared).
fn redact_edition(e: &Arc<Edition>, allowed: FieldSet, mut cache: Option<&mut Redacted>) -> Arc<Edition> {
    let key = (Arc::as_ptr(e) as usize, allowed);
    if let Some((source, copy)) = cache.as_ref().and_then(|c| c.get(&key))
        && source.upgrade().is_some_and(|s| Arc::ptr_eq(&s, e))
    {
        return copy.clone().unwrap_or_else(|| e.clone());
    }
    let hides = e.members().any(|(_, m)| Field::ALL.iter().any(|f| m.get(*f).is_some() && !visible(m, *f, allowed)));
    let copy = hides.then(|| {
        let mut copy = Edition::clone(e);
        for b in &mut copy.bodies {
            for m in &mut b.members {
                redact_member(m, allowed);
            }
        }
        Arc::new(copy)
    });
    if let Some(cache) = cache.as_mut() {
        cache.insert(key, (Arc::downgrade(e), copy.clone()));
    }
    copy.unwrap_or_else(|| e.clone())
}

/// Clears every field of `m` not in `allowed` or listed in its `private`.
pub fn redact_member(m: &mut Member, allowed: FieldSet) {
    for f in Field::ALL {
        if !visible(m, f, allowed) {
            m.clear(f);
        }
    }
}

/// Whether `field` of `m` may appear in a channel that allows `allowed`.
pub fn visible(m: &Member, field: Field, allowed: FieldSet) -> bool {
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
        let m = &mut Arc::make_mut(&mut r.districts[0].editions[0]).bodies[0].members[0];
        m.office = Some("机密楼".into());
        m.private = [Field::Office].into_iter().collect();
        let first = redact(&r);
        assert_eq!(office(&first), None, "private office removed");
        let again = redact(&r);
        assert!(Arc::ptr_eq(&first.districts[0].editions[0], &again.districts[0].editions[0]), "copy reused");
        // An edit makes a new edition: its copy is made afresh, never the old one reused.
        let m = &mut Arc::make_mut(&mut r.districts[0].editions[0]).bodies[0].members[0];
        m.private = FieldSet::EMPTY;
        assert_eq!(office(&redact(&r)), Some("机密楼"));
        let m = &mut Arc::make_mut(&mut r.districts[0].editions[0]).bodies[0].members[0];
        m.private = [Field::Office].into_iter().collect();
        assert_eq!(office(&redact(&r)), None);
        // Editions that hide nothing are shared, not copied.
        let mut plain = crate::testutil::roster(&[("b", "2020-01-01", &[("y", "Y", "区长")])]);
        Arc::make_mut(&mut plain.districts[0].editions[0]).bodies[0].members[0].office = Some("101".into());
        let shown = redact(&plain);
        assert!(Arc::ptr_eq(&plain.districts[0].editions[0], &shown.districts[0].editions[0]));
    }
}
