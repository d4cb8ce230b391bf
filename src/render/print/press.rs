//! The PDFs of the print layout: one `print/roster.pdf`, or with `[print] split = "district"`
//! one `print/<district>/roster.pdf` per top-level district, each with its own masthead and
//! page count. A province's cities each print their own list in their own newspaper, and one
//! PDF of 50,000 officials took 5 GiB.
//!
//! Every PDF is checked against `[print] max_memory_mb` before any is typeset. Split PDFs are
//! typeset in parallel, one per core, as many at a time as the budget left by the rest of the
//! build holds (each takes about [`super::pdf_memory_mib`]).

// Without the `pdf` feature no PDF is typeset, so none of this is used.
#![cfg_attr(not(feature = "pdf"), allow(dead_code))]

use std::sync::{Condvar, Mutex};

#[cfg(feature = "pdf")]
use super::{Ctx, pdf};
use super::{PrintData, over_budget};
use crate::config::Split;
use crate::diag::Diagnostic;
use crate::model::Roster;
#[cfg(feature = "pdf")]
use crate::output::Sink;

/// One PDF to typeset: its output path and its data.
pub(super) struct Job {
    pub path: String,
    pub data: PrintData,
}

/// The PDFs the roster prints, with their data: the whole roster, or one per top-level
/// district.
pub(super) fn jobs(roster: &Roster, data: &PrintData, labels: &std::collections::BTreeMap<String, String>) -> Vec<Job> {
    match roster.config.print.split {
        Split::None => vec![Job { path: "print/roster.pdf".to_owned(), data: data.clone() }],
        Split::District => roster
            .districts
            .iter()
            .enumerate()
            .filter(|(_, d)| d.parent.is_none())
            .map(|(top, d)| {
                let keep = |i: usize| root_of(roster, i) == top;
                Job { path: format!("print/{}/roster.pdf", d.path), data: data.subset(&keep, &d.name, labels) }
            })
            .filter(|job| job.data.count > 0)
            .collect(),
    }
}

/// The top-level district that `d` is in.
fn root_of(roster: &Roster, mut d: usize) -> usize {
    while let Some(parent) = roster.districts[d].parent {
        d = parent;
    }
    d
}

/// The errors for every PDF over the memory budget (checked before any is typeset).
pub(super) fn check_budget(roster: &Roster, jobs: &[Job]) -> Vec<Diagnostic> {
    let budget = roster.config.print.max_memory_mb;
    let split = roster.config.print.split == Split::District;
    jobs.iter()
        .filter_map(|job| {
            over_budget(&job.data, budget).map(|d| {
                let d = Diagnostic { message: d.message.replace("print/roster.pdf", &job.path), ..d };
                if split {
                    d
                } else {
                    let help = d.help.clone().unwrap_or_default();
                    d.with_help(format!("set [print] split = \"district\" for one PDF per top-level district, {help}"))
                }
            })
        })
        .collect()
}

#[cfg(feature = "pdf")]
/// Typesets every job and writes it; returns the errors, and a note per PDF of its pages and
/// font size.
pub(super) fn typeset(
    ctx: &Ctx<'_>,
    roster: &Roster,
    jobs: Vec<Job>,
    fonts: &pdf::Fonts,
    sink: &dyn Sink,
) -> Vec<Diagnostic> {
    let print = &roster.config.print;
    let fit =
        print.pages.map(|pages| pdf::Fit { pages: pages as usize, min: print.min_font_size, max: print.max_font_size });
    // What the rest of the build already holds is not the PDFs' to use.
    let free = u64::from(print.max_memory_mb).saturating_sub(crate::timing::rss_mib());
    let budget = Budget::new(free);
    // The largest first (taken from the end), so that the small ones fill in around them.
    let mut jobs = jobs;
    jobs.sort_by_key(|j| super::pdf_memory_mib(&j.data));
    let queue = Mutex::new(jobs);
    let results = Mutex::new(Vec::new());
    let one = |mut job: Job| -> Vec<Diagnostic> {
        let _held = budget.take(super::pdf_memory_mib(&job.data));
        let mut out = Vec::new();
        match pdf::typeset(&mut job.data, &ctx.theme.print_template, fonts, fit) {
            Ok(done) => {
                out.extend(super::super::put(sink, &job.path, done.bytes).err());
                let pages = if done.pages == 1 { "page" } else { "pages" };
                // The size `[print] pages` chose, for the build summary.
                if fit.is_some() {
                    out.push(Diagnostic::note(
                        job.path.clone(),
                        format!("{} {pages}, set at {:.2} pt", done.pages, done.font_size),
                    ));
                }
                if let Some(fit) = fit.filter(|f| done.pages < f.pages) {
                    out.push(
                        Diagnostic::warning(
                            "roster.toml",
                            format!(
                                "[print] pages = {}: the roster fills only {} at max_font_size = {} pt",
                                fit.pages, done.pages, fit.max
                            ),
                        )
                        .with_help(format!("set pages = {}, or a larger max_font_size", done.pages)),
                    );
                }
            }
            Err(d) => out.push(Diagnostic { message: d.message.replace("print/roster.pdf", &job.path), ..d }),
        }
        out
    };
    // Plain threads, not rayon's: a worker that waits for memory must not be one that Typst's
    // own parallel work is waiting for.
    let workers =
        std::thread::available_parallelism().map_or(2, |n| n.get()).min(queue.lock().map_or(1, |q| q.len()).max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let next = queue.lock().unwrap_or_else(|e| e.into_inner()).pop();
                    let Some(job) = next else { break };
                    let out = one(job);
                    results.lock().unwrap_or_else(|e| e.into_inner()).extend(out);
                }
            });
        }
    });
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut out: Vec<Diagnostic> = results;
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// Memory for the PDFs, in MiB, taken by each while it is typeset.
struct Budget {
    free: Mutex<u64>,
    returned: Condvar,
    total: u64,
}

/// Memory held by one PDF, given back when dropped.
struct Held<'a> {
    budget: &'a Budget,
    amount: u64,
}

impl Budget {
    /// A budget of `total` MiB. One of nothing (the rest of the build already holds it all)
    /// is one of 1 MiB, so that the PDFs are typeset one at a time rather than all at once.
    fn new(total: u64) -> Budget {
        let total = total.max(1);
        Budget { free: Mutex::new(total), returned: Condvar::new(), total }
    }

    /// Waits until `need` is free (or all of it, for a PDF that needs more than there is:
    /// that one runs alone).
    fn take(&self, need: u64) -> Held<'_> {
        let amount = need.min(self.total);
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        while *free < amount {
            free = self.returned.wait(free).unwrap_or_else(|e| e.into_inner());
        }
        *free -= amount;
        Held { budget: self, amount }
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        let mut free = self.budget.free.lock().unwrap_or_else(|e| e.into_inner());
        *free += self.amount;
        self.budget.returned.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rayon::prelude::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[test]
    fn the_budget_never_holds_more_than_it_has() {
        let budget = Budget::new(1000);
        let held = AtomicU64::new(0);
        let most = AtomicU64::new(0);
        (0..40u64).into_par_iter().for_each(|i| {
            let need = 100 + (i * 37) % 500;
            let _h = budget.take(need);
            let now = held.fetch_add(need, Ordering::SeqCst) + need;
            most.fetch_max(now, Ordering::SeqCst);
            std::thread::sleep(std::time::Duration::from_millis(2));
            held.fetch_sub(need, Ordering::SeqCst);
        });
        assert!(most.load(Ordering::SeqCst) <= 1000);
        // A need past the whole budget still runs, alone.
        let _alone = budget.take(5000);
        assert_eq!(*budget.free.lock().unwrap(), 0);
    }

    #[test]
    fn a_budget_the_rest_of_the_build_has_used_up_typesets_one_pdf_at_a_time() {
        let budget = Budget::new(0);
        let (running, most) = (AtomicU64::new(0), AtomicU64::new(0));
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..5 {
                        let _h = budget.take(300);
                        most.fetch_max(running.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(2));
                        running.fetch_sub(1, Ordering::SeqCst);
                    }
                });
            }
        });
        assert_eq!(most.load(Ordering::SeqCst), 1);
    }
}
