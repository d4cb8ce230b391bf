//! Transfers (调任): a person who leaves one district and joins another at the same date, or
//! within `[history] transfer_window_days`, is linked at both ends.
//!
//! Linking is planned first and applied second, so that a rebuild in `serve` leaves every
//! change list whose links are what they were untouched (the same shared list, which the
//! redacted copies, the feed and the change-log pages recognise by its address), and gives a
//! list whose links did change exactly the order a fresh build gives it.

use rustc_hash::FxHashMap;

use std::sync::Arc;

use super::{Change, Changes, Kind, Place};
use crate::model::Roster;
use chrono::NaiveDate;

/// Where a change is: district, edition, and its date.
type At = (usize, usize, NaiveDate);

/// Which end of a transfer a change is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum End {
    Left,
    Joined,
}

/// The other end of every transfer, by the district, edition, person and end of the change.
/// A person is at most once in an edition, so the key names one change.
type Plan<'a> = FxHashMap<(usize, usize, &'a str, End), Place>;

/// Pairs each Left change with at most one Joined change of the same person in another
/// district: the closest in time. The links already set on the changes are ignored, and so is
/// their order within an edition.
fn plan<'a>(roster: &Roster, changes: &'a [Vec<Changes>]) -> Plan<'a> {
    let window = i64::from(roster.config.history.transfer_window_days);
    let mut lefts: Vec<(&str, At)> = Vec::new();
    let mut joins: FxHashMap<&str, Vec<(At, bool)>> = FxHashMap::default();
    for (di, d) in changes.iter().enumerate() {
        for (ei, e) in d.iter().enumerate() {
            let date = roster.districts[di].editions[ei].date;
            for c in e.iter() {
                match c.kind {
                    Kind::Left { .. } => lefts.push((&*c.person, (di, ei, date))),
                    Kind::Joined { .. } => joins.entry(&*c.person).or_default().push(((di, ei, date), false)),
                    _ => {}
                }
            }
        }
    }
    let mut plan = Plan::default();
    for (person, left) in &lefts {
        let Some(candidates) = joins.get_mut(person) else {
            continue;
        };
        let best = candidates
            .iter()
            .enumerate()
            .filter(|(_, (at, taken))| !taken && at.0 != left.0)
            .map(|(j, (at, _))| (j, (at.2 - left.2).num_days().abs()))
            .filter(|(_, gap)| *gap <= window)
            .min_by_key(|(j, gap)| (*gap, *j));
        if let Some((j, _)) = best {
            candidates[j].1 = true;
            let joined = candidates[j].0;
            plan.insert((left.0, left.1, person, End::Left), Place { district: joined.0, date: joined.2 });
            plan.insert((joined.0, joined.1, person, End::Joined), Place { district: left.0, date: left.2 });
        }
    }
    plan
}

/// The end a change is, and the place it links to now.
fn link_of(c: &Change) -> Option<(End, Option<Place>)> {
    match c.kind {
        Kind::Left { to, .. } => Some((End::Left, to)),
        Kind::Joined { from, .. } => Some((End::Joined, from)),
        _ => None,
    }
}

/// Links every transfer. `unlinked(d, e)` gives the list of changes of edition `e` of district
/// `d` as [`super::diff`] makes it (no links, in its order); it is asked only for the lists
/// whose links are not already the planned ones, and `fresh[d]` says that district's lists
/// are such lists already.
pub fn link(
    roster: &Roster,
    changes: &mut [Vec<Changes>],
    fresh: &[bool],
    unlinked: impl Fn(usize, usize) -> Vec<Change>,
) {
    let plan = plan(roster, changes);
    let mut redo: Vec<(usize, usize)> = Vec::new();
    for (d, district) in changes.iter().enumerate() {
        for (e, list) in district.iter().enumerate() {
            let wrong = list
                .iter()
                .any(|c| link_of(c).is_some_and(|(end, now)| now != plan.get(&(d, e, &*c.person, end)).copied()));
            if wrong {
                redo.push((d, e));
            }
        }
    }
    let made: Vec<((usize, usize), Changes)> = redo
        .into_iter()
        .map(|(d, e)| {
            let mut list = if fresh[d] { changes[d][e].to_vec() } else { unlinked(d, e) };
            for c in &mut list {
                let planned = link_of(c).and_then(|(end, _)| plan.get(&(d, e, &*c.person, end)).copied());
                match &mut c.kind {
                    Kind::Left { to, .. } => *to = planned,
                    Kind::Joined { from, .. } => *from = planned,
                    _ => {}
                }
            }
            list.sort_by_key(|c| c.kind.rank());
            ((d, e), Arc::new(list))
        })
        .collect();
    for ((d, e), list) in made {
        changes[d][e] = list;
    }
}
