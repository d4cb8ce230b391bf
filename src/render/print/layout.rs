//! Columns for the newspaper page, decided by roster rather than by Typst: Typst 0.15 fills
//! columns one after the other and has no balancing, so a short roster ran down the first
//! two columns of six and left the rest of the page blank.
//!
//! Typst measures every block of the page once at the column width (a first pass that sets
//! each block on a page of its own, see `roster.typ`); [`Heights`] reads those heights back.
//! [`Layout::new`] then fills columns in order, keeping rows whole and headings with their first
//! row, repeating a table's header (and the body's name) at the top of a column it continues
//! in, and keeping the box of changes whole when it fits a column. The last page is packed
//! again with the smallest column height that still holds it, so its columns end level. The
//! second pass sets exactly these columns.

// Without the `pdf` feature no PDF is typeset, so none of this is used.
#![cfg_attr(not(feature = "pdf"), allow(dead_code))]

use serde::Serialize;

use super::PrintData;

/// Room kept at the foot of every column for rounding between Typst's sum of block heights and ours, in points.
const EPSILON: f64 = 0.5;

/// The measured height, in points, of every block of the page, in the order of
/// [`measure_order`].
#[derive(Debug, Clone, PartialEq)]
pub struct Heights {
    pub masthead: f64,
    /// The changes box's border and padding with nothing inside, and the space below it.
    pub box_pad: f64,
    pub box_gap: f64,
    pub changes_title: f64,
    pub changes: Vec<f64>,
    pub districts: Vec<DistrictHeights>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DistrictHeights {
    pub heading: f64,
    pub bodies: Vec<BodyHeights>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BodyHeights {
    pub heading: f64,
    /// The heading repeated, marked as continued, at the top of a column.
    pub continued: f64,
    /// The table's header row.
    pub header: f64,
    pub rows: Vec<f64>,
}

/// How many blocks the measuring pass sets, in this order: the masthead; with changes, the
/// empty box, the space below it, the box title and each of its lines; then for each district its
/// heading and for each body its heading, continued heading, header row and rows.
pub fn measure_count(data: &PrintData) -> usize {
    let changes = if data.change_lines.is_empty() { 0 } else { 3 + data.change_lines.len() };
    let bodies: usize =
        data.districts.iter().map(|d| 1 + d.bodies.iter().map(|b| 3 + b.members.len()).sum::<usize>()).sum();
    1 + changes + bodies
}

impl Heights {
    /// Reads the heights of the measuring pass's pages; `None` when their number is not the
    /// one [`measure_count`] expects (a theme's template that does not measure).
    pub fn read(data: &PrintData, pages: &[f64]) -> Option<Heights> {
        if pages.len() != measure_count(data) {
            return None;
        }
        let mut next = pages.iter().copied();
        let mut take = || next.next().unwrap_or(0.0);
        let masthead = take();
        let (box_pad, box_gap, changes_title) =
            if data.change_lines.is_empty() { (0.0, 0.0, 0.0) } else { (take(), take(), take()) };
        let changes = data.change_lines.iter().map(|_| take()).collect();
        let districts = data
            .districts
            .iter()
            .map(|d| DistrictHeights {
                heading: take(),
                bodies: d
                    .bodies
                    .iter()
                    .map(|b| BodyHeights {
                        heading: take(),
                        continued: take(),
                        header: take(),
                        rows: b.members.iter().map(|_| take()).collect(),
                    })
                    .collect(),
            })
            .collect();
        Some(Heights { masthead, box_pad, box_gap, changes_title, changes, districts })
    }
}

/// The page's shape, in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometry {
    pub columns: usize,
    /// The height of a column.
    pub height: f64,
    /// The space the masthead and the gap under it take from the first page's columns,
    /// besides the masthead's own height.
    pub masthead_gap: f64,
}

/// What one column shows, from the top.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "t", rename_all = "lowercase")]
pub enum Piece {
    /// Lines `from..to` of the changes box, in one bordered box; `title` on the first,
    /// `last` when the box ends here (the space below it follows).
    Changes {
        from: usize,
        to: usize,
        title: bool,
        last: bool,
    },
    District {
        d: usize,
    },
    /// A body's heading; `cont` when it is repeated at the top of a column.
    Body {
        d: usize,
        b: usize,
        cont: bool,
    },
    /// The header row and rows `from..to` of a body's table.
    Rows {
        d: usize,
        b: usize,
        from: usize,
        to: usize,
    },
}

/// The columns of every page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Layout {
    /// Pages, each a list of columns, each a list of pieces.
    pub pages: Vec<Vec<Vec<Piece>>>,
    /// How full each column is, in points (the tests and the fitting read it).
    pub filled: Vec<Vec<f64>>,
    /// Units that did not fit an empty column: a row taller than the page.
    #[serde(skip)]
    pub overfull: Vec<Unit>,
}

/// One thing to place: a block with its keep-with-next rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Change(usize),
    District(usize),
    Body(usize, usize),
    Row(usize, usize, usize),
}

/// A column being filled.
#[derive(Debug, Clone, Default)]
struct Column {
    pieces: Vec<Piece>,
    height: f64,
    /// The index of its first unit.
    first: usize,
}

impl Column {
    fn starting_at(first: usize) -> Column {
        Column { first, ..Column::default() }
    }

    fn push(&mut self, h: &Heights, unit: Unit) {
        let last_change = h.changes.len().saturating_sub(1);
        let gap = |i: usize| if i == last_change { h.box_gap } else { 0.0 };
        match unit {
            Unit::Change(i) => match self.pieces.last_mut() {
                Some(Piece::Changes { to, last, .. }) => {
                    *to = i + 1;
                    *last = i == last_change;
                    self.height += h.changes[i] + gap(i);
                }
                _ => {
                    let title = i == 0;
                    self.pieces.push(Piece::Changes { from: i, to: i + 1, title, last: i == last_change });
                    self.height += h.box_pad + if title { h.changes_title } else { 0.0 } + h.changes[i] + gap(i);
                }
            },
            Unit::District(d) => {
                self.pieces.push(Piece::District { d });
                self.height += h.districts[d].heading;
            }
            Unit::Body(d, b) => {
                self.pieces.push(Piece::Body { d, b, cont: false });
                self.height += h.districts[d].bodies[b].heading;
            }
            Unit::Row(d, b, r) => {
                let body = &h.districts[d].bodies[b];
                match self.pieces.last_mut() {
                    Some(Piece::Rows { d: d0, b: b0, to, .. }) if (*d0, *b0) == (d, b) => {
                        *to = r + 1;
                        self.height += body.rows[r];
                    }
                    Some(Piece::Body { d: d0, b: b0, .. }) if (*d0, *b0) == (d, b) => {
                        self.pieces.push(Piece::Rows { d, b, from: r, to: r + 1 });
                        self.height += body.header + body.rows[r];
                    }
                    _ => {
                        self.pieces.push(Piece::Body { d, b, cont: true });
                        self.pieces.push(Piece::Rows { d, b, from: r, to: r + 1 });
                        self.height += body.continued + body.header + body.rows[r];
                    }
                }
            }
        }
    }
}

/// Every unit of the page in order.
pub fn units(data: &PrintData) -> Vec<Unit> {
    let mut out: Vec<Unit> = (0..data.change_lines.len()).map(Unit::Change).collect();
    for (d, district) in data.districts.iter().enumerate() {
        out.push(Unit::District(d));
        for (b, body) in district.bodies.iter().enumerate() {
            out.push(Unit::Body(d, b));
            out.extend((0..body.members.len()).map(|r| Unit::Row(d, b, r)));
        }
    }
    out
}

/// Units that must share a column with the next one: headings, and the changes box when it
/// fits one column.
fn keeps_next(units: &[Unit], h: &Heights, column: f64, k: usize) -> bool {
    match units[k] {
        Unit::District(_) | Unit::Body(..) => true,
        Unit::Change(i) => {
            let whole = h.box_pad + h.changes_title + h.changes.iter().sum::<f64>() + h.box_gap;
            i + 1 < h.changes.len() && whole <= column - EPSILON
        }
        Unit::Row(..) => false,
    }
}

/// The last unit of the atom that starts at `k`: headings and a whole-kept box bring the
/// units they keep with.
fn atom_end(units: &[Unit], h: &Heights, column: f64, k: usize) -> usize {
    let mut end = k;
    while end + 1 < units.len() && keeps_next(units, h, column, end) {
        end += 1;
    }
    end
}

/// What `atom` would add to `col`.
fn atom_cost(col: &Column, atom: &[Unit], h: &Heights) -> f64 {
    let mut probe = Column { pieces: col.pieces.last().cloned().into_iter().collect(), ..Column::default() };
    for unit in atom {
        probe.push(h, *unit);
    }
    probe.height
}

/// Fills columns from `units[start..]` in order; `capacity(n)` is the height of the `n`th
/// column filled. Returns the columns and the units that overflowed an empty column.
fn pack(
    units: &[Unit],
    start: usize,
    h: &Heights,
    column: f64,
    capacity: &dyn Fn(usize) -> f64,
) -> (Vec<Column>, Vec<Unit>) {
    let mut columns = vec![Column::starting_at(start)];
    let mut overfull = Vec::new();
    let mut k = start;
    while k < units.len() {
        let end = atom_end(units, h, column, k);
        let atom = &units[k..=end];
        let n = columns.len() - 1;
        let current = &columns[n];
        if !current.pieces.is_empty() && current.height + atom_cost(current, atom, h) > capacity(n) - EPSILON {
            columns.push(Column::starting_at(k));
        }
        let n = columns.len() - 1;
        let current = &mut columns[n];
        if current.pieces.is_empty() && atom_cost(current, atom, h) > capacity(n) - EPSILON {
            overfull.push(units[end]);
        }
        for unit in atom {
            current.push(h, *unit);
        }
        k = end + 1;
    }
    (columns, overfull)
}

/// Fills at most `m` columns of height `t` from `units[start..]` (which they hold) as evenly
/// as can be: each column takes the run of atoms closest to an equal share of what is left,
/// among those that leave a rest the other columns can still hold.
fn even(units: &[Unit], start: usize, h: &Heights, column: f64, t: f64, m: usize) -> Vec<Column> {
    let fits_in = |k: usize, columns: usize| k >= units.len() || pack(units, k, h, column, &|_| t).0.len() <= columns;
    let mut out = Vec::new();
    let mut k = start;
    for left in (1..=m).rev() {
        if k >= units.len() {
            break;
        }
        let share = pack(units, k, h, column, &|_| f64::INFINITY).0[0].height / left as f64;
        let mut col = Column::starting_at(k);
        let mut best: Option<(f64, Column, usize)> = None;
        let mut j = k;
        while j < units.len() {
            let end = atom_end(units, h, column, j);
            let atom = &units[j..=end];
            if !col.pieces.is_empty() && col.height + atom_cost(&col, atom, h) > t - EPSILON {
                break;
            }
            for unit in atom {
                col.push(h, *unit);
            }
            j = end + 1;
            if fits_in(j, left - 1) {
                let score = (col.height - share).abs();
                if best.as_ref().is_none_or(|b| score < b.0) {
                    best = Some((score, col.clone(), j));
                } else if col.height > share {
                    break;
                }
            }
        }
        match best {
            Some((_, c, next)) => {
                out.push(c);
                k = next;
            }
            // Cannot happen when `t` holds the units in `m` columns; greedy is the fallback.
            None => {
                out.extend(pack(units, k, h, column, &|_| t).0);
                break;
            }
        }
    }
    out
}

impl Layout {
    /// Fills the pages in order and balances the last one.
    pub fn new(data: &PrintData, h: &Heights, geometry: &Geometry) -> Layout {
        let units = units(data);
        let n = geometry.columns.max(1);
        let page_cap = first_page(h, geometry);
        let (mut columns, overfull) = pack(&units, 0, h, geometry.height, &page_cap);
        let last_page = (columns.len() - 1) / n;
        let start_col = last_page * n;
        let start_unit = columns[start_col].first;
        let cap = page_cap(start_col);
        let fits = |t: f64| pack(&units, start_unit, h, geometry.height, &|_| t.min(cap)).0.len() <= n;
        let t = lowest(cap, &fits);
        columns.truncate(start_col);
        columns.extend(even(&units, start_unit, h, geometry.height, t.min(cap), n));
        Layout::from_columns(&columns, n, overfull)
    }

    /// The layout on exactly `pages` pages with every column filled to the same height, as
    /// low as holds the roster; `None` when `pages` pages cannot hold it.
    pub fn fitted(data: &PrintData, h: &Heights, geometry: &Geometry, pages: usize) -> Option<Layout> {
        let units = units(data);
        let n = geometry.columns.max(1);
        let page_cap = first_page(h, geometry);
        let within = |t: f64| pack(&units, 0, h, geometry.height, &|c| t.min(page_cap(c)));
        let fits = |t: f64| within(t).0.len() <= pages * n;
        if !fits(geometry.height) {
            return None;
        }
        // Overfull is measured against the page: a row taller than the level height `t` (a
        // short roster levels its columns low) still fits in its column of the page.
        let overfull = within(geometry.height).1;
        let (columns, _) = within(lowest(geometry.height, &fits));
        Some(Layout::from_columns(&columns, n, overfull))
    }

    /// The column height that `pages` pages would need for every column to be filled level:
    /// at most the page's when the roster fits (see [`Layout::fitted`]), more when it does not.
    /// It grows smoothly with the font size, so fitting can aim at the page height.
    pub fn needed_height(data: &PrintData, h: &Heights, geometry: &Geometry, pages: usize) -> f64 {
        let units = units(data);
        let n = geometry.columns.max(1);
        let top = h.masthead + geometry.masthead_gap;
        let fits = |t: f64| {
            let capacity = |c: usize| if c < n { (t - top).max(0.0) } else { t };
            pack(&units, 0, h, geometry.height, &capacity).0.len() <= pages * n
        };
        let mut cap = geometry.height;
        while !fits(cap) && cap < geometry.height * 1e4 {
            cap *= 2.0;
        }
        lowest(cap, &fits)
    }

    fn from_columns(columns: &[Column], n: usize, overfull: Vec<Unit>) -> Layout {
        let mut pages = Vec::new();
        let mut filled = Vec::new();
        // Nothing to place (no edition is in force yet) is still one page: the masthead.
        let empty = [Column::starting_at(0)];
        let columns = if columns.is_empty() { &empty[..] } else { columns };
        for page in columns.chunks(n) {
            pages.push(page.iter().map(|c| c.pieces.clone()).collect());
            filled.push(page.iter().map(|c| c.height).collect());
        }
        Layout { pages, filled, overfull }
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }
}

/// The height of the `n`th column: the first page's are shorter by the masthead.
fn first_page(h: &Heights, geometry: &Geometry) -> impl Fn(usize) -> f64 {
    let first = (geometry.height - h.masthead - geometry.masthead_gap).max(0.0);
    let (n, height) = (geometry.columns.max(1), geometry.height);
    move |col| if col < n { first } else { height }
}

/// The smallest column height up to `cap` for which `fits` holds (it holds at `cap`), to a
/// hundredth of a point.
fn lowest(cap: f64, fits: &dyn Fn(f64) -> bool) -> f64 {
    let (mut lo, mut hi) = (0.0, cap);
    while hi - lo > 0.01 {
        let mid = (lo + hi) / 2.0;
        if fits(mid) { hi = mid } else { lo = mid }
    }
    hi
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heights(bodies: &[usize], row: f64, changes: usize) -> Heights {
        Heights {
            masthead: 100.0,
            box_pad: 10.0,
            box_gap: 10.0,
            changes_title: 12.0,
            changes: vec![11.0; changes],
            districts: bodies
                .iter()
                .map(|n| DistrictHeights {
                    heading: 25.0,
                    bodies: vec![BodyHeights { heading: 15.0, continued: 15.0, header: 12.0, rows: vec![row; *n] }],
                })
                .collect(),
        }
    }

    fn data_for(h: &Heights) -> PrintData {
        let mut data = crate::render::print::tests::empty_data();
        data.change_lines = (0..h.changes.len()).map(|_| crate::render::print::tests::change_line()).collect();
        data.districts = h
            .districts
            .iter()
            .map(|d| crate::render::print::tests::district(d.bodies.iter().map(|b| b.rows.len()).collect()))
            .collect();
        data
    }

    fn geometry() -> Geometry {
        Geometry { columns: 6, height: 1000.0, masthead_gap: 10.0 }
    }

    #[test]
    fn a_short_roster_fills_every_column_level_from_the_top() {
        let h = heights(&[40, 40, 40], 20.0, 3);
        let layout = Layout::new(&data_for(&h), &h, &geometry());
        assert_eq!(layout.page_count(), 1);
        let filled = &layout.filled[0];
        assert_eq!(filled.len(), 6, "{filled:?}");
        let (min, max) = (filled.iter().copied().fold(f64::MAX, f64::min), filled.iter().copied().fold(0.0, f64::max));
        // About 2,600 pt of content in six columns: each near 430 pt, within one atom.
        assert!(max - min <= 25.0 + 15.0 + 12.0 + 20.0 + 0.1, "{filled:?}");
        assert!(max <= 890.0 + EPSILON);
    }

    #[test]
    fn full_pages_then_a_balanced_last_page() {
        let h = heights(&[200, 200, 200], 20.0, 0);
        let layout = Layout::new(&data_for(&h), &h, &geometry());
        assert!(layout.page_count() >= 2);
        for page in &layout.filled[..layout.page_count() - 1] {
            for (i, f) in page.iter().enumerate() {
                let cap = if std::ptr::eq(page, &layout.filled[0]) { 890.0 } else { 1000.0 };
                assert!(*f <= cap + EPSILON && *f > cap - 60.0, "column {i} of a full page: {page:?}");
            }
        }
        let last = layout.filled.last().unwrap();
        assert_eq!(last.len(), 6);
        let (min, max) = (last.iter().copied().fold(f64::MAX, f64::min), last.iter().copied().fold(0.0, f64::max));
        // Within one row and its table header.
        assert!(max - min <= 20.0 + 12.0 + 15.0 + 0.1, "{last:?}");
    }

    #[test]
    fn rows_stay_whole_and_headings_stay_with_their_first_row() {
        let h = heights(&[30, 30, 30, 30, 30], 37.0, 0);
        let layout = Layout::new(&data_for(&h), &h, &geometry());
        for page in &layout.pages {
            for column in page {
                // No column ends with a heading.
                assert!(!matches!(column.last(), Some(Piece::District { .. } | Piece::Body { .. })), "{column:?}");
                // A body's rows that start a column come after its repeated heading.
                if let Some(Piece::Rows { from, .. }) = column.first() {
                    panic!("rows from {from} start a column without their heading: {column:?}");
                }
            }
        }
        // Every row is placed exactly once.
        let mut seen = vec![vec![0; 30]; 5];
        for piece in layout.pages.iter().flatten().flatten() {
            if let Piece::Rows { d, from, to, .. } = piece {
                seen[*d][*from..*to].iter_mut().for_each(|n| *n += 1);
            }
        }
        assert!(seen.iter().flatten().all(|n| *n == 1));
    }

    #[test]
    fn the_changes_box_is_kept_whole_when_it_fits_a_column() {
        let h = heights(&[10], 20.0, 30);
        let layout = Layout::new(&data_for(&h), &h, &geometry());
        let boxes: Vec<&Piece> =
            layout.pages.iter().flatten().flatten().filter(|p| matches!(p, Piece::Changes { .. })).collect();
        assert_eq!(boxes, [&Piece::Changes { from: 0, to: 30, title: true, last: true }]);
    }

    #[test]
    fn fitted_pages_end_level_near_the_foot() {
        let h = heights(&[100, 100, 100, 100, 100], 20.0, 0);
        let data = data_for(&h);
        let greedy = Layout::new(&data, &h, &geometry());
        let pages = greedy.page_count();
        let fitted = Layout::fitted(&data, &h, &geometry(), pages).unwrap();
        assert_eq!(fitted.page_count(), pages);
        let all: Vec<f64> = fitted.filled.iter().skip(1).flatten().copied().collect();
        let (min, max) = (all.iter().copied().fold(f64::MAX, f64::min), all.iter().copied().fold(0.0, f64::max));
        assert!(max - min <= 20.0 + 25.0 + 15.0 + 12.0, "{:?}", fitted.filled);
        assert!(Layout::fitted(&data, &h, &geometry(), 1).is_none(), "one page cannot hold it");
    }

    #[test]
    fn a_row_taller_than_a_column_is_reported() {
        let mut h = heights(&[3], 20.0, 0);
        h.districts[0].bodies[0].rows[1] = 5000.0;
        let layout = Layout::new(&data_for(&h), &h, &geometry());
        assert_eq!(layout.overfull, [Unit::Row(0, 0, 1)]);
    }

    /// A short roster levels its columns below its tallest row: that row still fits in its
    /// column of the page, and is not reported; one taller than the page's column is.
    #[test]
    fn a_short_roster_fitted_to_one_page_has_no_row_overfull_but_one_taller_than_the_page() {
        let mut h = heights(&[3], 20.0, 0);
        h.districts[0].bodies[0].rows[1] = 300.0;
        let fitted = Layout::fitted(&data_for(&h), &h, &geometry(), 1).unwrap();
        assert!(fitted.overfull.is_empty(), "{:?}", fitted.overfull);
        assert_eq!(fitted.page_count(), 1);
        h.districts[0].bodies[0].rows[1] = 5000.0;
        let fitted = Layout::fitted(&data_for(&h), &h, &geometry(), 1);
        assert_eq!(fitted.map(|l| l.overfull), Some(vec![Unit::Row(0, 0, 1)]));
    }
}
