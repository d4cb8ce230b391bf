//! Stage timings for profiling: with `ROSTER_TIMINGS=1` in the environment, each stage prints
//! how long it took to stderr. Off by default; costs one atomic load per stage.

use std::sync::OnceLock;
use std::time::Instant;

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("ROSTER_TIMINGS").is_some_and(|v| v != "0"))
}

/// Prints the time from its creation to its drop, labelled `name`.
pub struct Stage {
    name: &'static str,
    start: Option<Instant>,
}

pub fn stage(name: &'static str) -> Stage {
    Stage { name, start: enabled().then(Instant::now) }
}

impl Drop for Stage {
    fn drop(&mut self) {
        if let Some(start) = self.start {
            eprintln!(
                "timing: {:<22} {:>8.1} ms   rss {:>5} MiB, peak {:>5} MiB",
                self.name,
                start.elapsed().as_secs_f64() * 1000.0,
                memory("VmRSS:"),
                memory("VmHWM:")
            );
        }
    }
}

/// The memory this process holds now, in MiB (0 where /proc is not there).
#[cfg_attr(not(feature = "pdf"), allow(dead_code))]
pub(crate) fn rss_mib() -> u64 {
    memory("VmRSS:")
}

/// A memory figure of this process from /proc (Linux), in MiB; 0 elsewhere.
fn memory(key: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}
