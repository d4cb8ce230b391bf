//! Loads a site several times in one process (warm caches), for profiling:
//!
//!     cargo run --profile profiling --example profile_load -- DIR [N]
fn main() {
    let mut args = std::env::args().skip(1);
    let root = std::path::PathBuf::from(args.next().expect("DIR"));
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(5);
    let cache = roster::Caches::default();
    for _ in 0..n {
        let t = std::time::Instant::now();
        let input = roster::pipeline::Input::Folder(Some(&cache));
        let loaded = roster::pipeline::load(&root, input, &roster::BuildOptions::default());
        let h = roster::history::History::compute(&loaded.roster);
        eprintln!(
            "load {} ms ({} people, {} districts of changes)",
            t.elapsed().as_millis(),
            loaded.roster.people.len(),
            h.changes.len()
        );
    }
}
