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
            eprintln!("timing: {:<22} {:>8.1} ms", self.name, start.elapsed().as_secs_f64() * 1000.0);
        }
    }
}
