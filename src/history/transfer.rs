//! Transfers (调任): a person who leaves one district and joins another at the same date, or
//! within `[history] transfer_window_days`, is linked at both ends.

use rustc_hash::FxHashMap;

use std::sync::Arc;

use super::{Changes, Kind, Place};
use crate::model::Roster;
use chrono::NaiveDate;

/// Where a change is: district, edition, index in the edition's changes, and its date.
type At = (usize, usize, usize, NaiveDate);

/// Clears every transfer link (before linking again after an edit).
pub fn unlink(changes: &mut [Vec<Changes>]) {
    for edition in changes.iter_mut().flatten() {
        let linked = edition
            .iter()
            .any(|c| matches!(c.kind, Kind::Joined { from: Some(_), .. } | Kind::Left { to: Some(_), .. }));
        if !linked {
            continue;
        }
        let list = Arc::make_mut(edition);
        for c in list.iter_mut() {
            match &mut c.kind {
                Kind::Joined { from, .. } => *from = None,
                Kind::Left { to, .. } => *to = None,
                _ => {}
            }
        }
        list.sort_by_key(|c| c.kind.rank());
    }
}

/// Sets `to` on Left changes and `from` on Joined changes that form a transfer. Each Left is
/// paired with at most one Joined of the same person in another district: the closest in time.
/// Returns the editions it changed.
pub fn link(roster: &Roster, changes: &mut [Vec<Changes>]) -> Vec<(usize, usize)> {
    let window = i64::from(roster.config.history.transfer_window_days);
    let mut lefts: Vec<(&str, At)> = Vec::new();
    let mut joins: FxHashMap<&str, Vec<(At, bool)>> = FxHashMap::default();
    for (di, d) in changes.iter().enumerate() {
        for (ei, e) in d.iter().enumerate() {
            let date = roster.districts[di].editions[ei].date;
            for (ci, c) in e.iter().enumerate() {
                match c.kind {
                    Kind::Left { .. } => lefts.push((&*c.person, (di, ei, ci, date))),
                    Kind::Joined { .. } => joins.entry(&*c.person).or_default().push(((di, ei, ci, date), false)),
                    _ => {}
                }
            }
        }
    }
    let mut links: Vec<(At, At)> = Vec::new();
    for (person, left) in &lefts {
        let Some(candidates) = joins.get_mut(person) else {
            continue;
        };
        let best = candidates
            .iter()
            .enumerate()
            .filter(|(_, (at, taken))| !taken && at.0 != left.0)
            .map(|(j, (at, _))| (j, (at.3 - left.3).num_days().abs()))
            .filter(|(_, gap)| *gap <= window)
            .min_by_key(|(j, gap)| (*gap, *j));
        if let Some((j, _)) = best {
            candidates[j].1 = true;
            links.push((*left, candidates[j].0));
        }
    }
    let mut touched = Vec::with_capacity(links.len() * 2);
    for ((ld, le, lc, ldate), (jd, je, jc, jdate)) in links {
        if let Kind::Left { to, .. } = &mut Arc::make_mut(&mut changes[ld][le])[lc].kind {
            *to = Some(Place { district: jd, date: jdate });
        }
        if let Kind::Joined { from, .. } = &mut Arc::make_mut(&mut changes[jd][je])[jc].kind {
            *from = Some(Place { district: ld, date: ldate });
        }
        touched.push((ld, le));
        touched.push((jd, je));
    }
    touched.sort_unstable();
    touched.dedup();
    touched
}
