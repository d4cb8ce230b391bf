//! Writes a large synthetic roster site for benchmarks and tries:
//!
//!     cargo run --release --example gen -- --districts 1000 --members 50 --editions 3 DIR

#[path = "synth/mod.rs"]
mod synth;

use std::path::PathBuf;

fn main() {
    let mut opts = synth::Options { districts: 20, members: 50, total: None, editions: 3, seed: 1 };
    let mut dir: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut num = |name: &str| -> usize {
            args.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| {
                eprintln!("{name} needs a number");
                std::process::exit(2)
            })
        };
        match arg.as_str() {
            "--districts" => opts.districts = num("--districts"),
            "--members" => opts.members = num("--members"),
            "--total" => opts.total = Some(num("--total")),
            "--editions" => opts.editions = num("--editions").max(1),
            "--seed" => opts.seed = num("--seed") as u64,
            "-h" | "--help" => {
                println!("usage: gen [--districts N] [--members N | --total N] [--editions N] [--seed N] DIR");
                return;
            }
            other => dir = Some(PathBuf::from(other)),
        }
    }
    let Some(dir) = dir else {
        eprintln!("usage: gen [--districts N] [--members N] [--editions N] [--seed N] DIR");
        std::process::exit(2)
    };
    if dir.exists() && std::fs::read_dir(&dir).map(|mut d| d.next().is_some()).unwrap_or(true) {
        eprintln!("{} exists and is not empty", dir.display());
        std::process::exit(1)
    }
    match synth::write(&dir, &opts) {
        Ok(s) => println!(
            "wrote {} districts, {} editions, {} officials ({} files) to {}",
            s.districts,
            s.editions,
            s.officials,
            s.files,
            dir.display()
        ),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1)
        }
    }
}
