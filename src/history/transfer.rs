//! Transfers (调任): a person who leaves one district and joins another at the same date, or
//! within `[history] transfer_window_days`, is linked at both ends.

use super::{Change, Kind, Place};
use crate::model::Roster;

/// Sets `to` on Left changes and `from` on Joined changes that form a transfer. Each Left is
/// paired with at most one Joined of the same person in another district: the closest in time.
pub fn link(roster: &Roster, changes: &mut [Vec<Vec<Change>>]) {
    let window = i64::from(roster.config.history.transfer_window_days);
    // (person, district, edition, index in the edition's changes, date)
    let mut lefts = Vec::new();
    let mut joins = Vec::new();
    for (di, d) in changes.iter().enumerate() {
        for (ei, e) in d.iter().enumerate() {
            let date = roster.districts[di].editions[ei].date;
            for (ci, c) in e.iter().enumerate() {
                match c.kind {
                    Kind::Left { .. } => lefts.push((c.person.clone(), di, ei, ci, date)),
                    Kind::Joined { .. } => joins.push((c.person.clone(), di, ei, ci, date)),
                    _ => {}
                }
            }
        }
    }
    let mut taken = vec![false; joins.len()];
    for (person, ld, le, lc, ldate) in &lefts {
        let best = joins
            .iter()
            .enumerate()
            .filter(|(j, (p, jd, ..))| !taken[*j] && p == person && jd != ld)
            .map(|(j, (.., jdate))| (j, (*jdate - *ldate).num_days().abs()))
            .filter(|(_, gap)| *gap <= window)
            .min_by_key(|(j, gap)| (*gap, *j));
        let Some((j, _)) = best else { continue };
        taken[j] = true;
        let (_, jd, je, jc, jdate) = &joins[j];
        if let Kind::Left { to, .. } = &mut changes[*ld][*le][*lc].kind {
            *to = Some(Place {
                district: *jd,
                date: *jdate,
            });
        }
        if let Kind::Joined { from, .. } = &mut changes[*jd][*je][*jc].kind {
            *from = Some(Place {
                district: *ld,
                date: *ldate,
            });
        }
    }
}
