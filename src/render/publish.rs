//! A channel's view of the roster: the publish policy and each member's `private` list are
//! applied once, by removing the values, before any renderer sees the data. A renderer cannot
//! leak a field it was never given.

use crate::config::Channel;
use crate::model::{Field, FieldSet, Member, Roster};

/// A copy of `roster` holding only what `channel` may publish.
pub fn redact(roster: &Roster, channel: Channel) -> Roster {
    let allowed = roster.config.publish.fields(channel);
    let mut out = roster.clone();
    for d in &mut out.districts {
        for e in &mut d.editions {
            // Editions are shared: copy only those that have something to hide.
            let hides =
                e.members().any(|(_, m)| Field::ALL.iter().any(|f| m.get(*f).is_some() && !visible(m, *f, allowed)));
            if !hides {
                continue;
            }
            for b in &mut std::sync::Arc::make_mut(e).bodies {
                for m in &mut b.members {
                    redact_member(m, allowed);
                }
            }
        }
    }
    out
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
