//! Fuzzes loading and validation (roster.toml, district.toml, editions) and rendering: the
//! input is split at NUL bytes into roster.toml, district.toml and up to three editions.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\0');
    let config = parts.next().unwrap_or("");
    let district = parts.next().unwrap_or("");
    let editions: Vec<&str> = parts.take(3).collect();
    let _ = roster::fuzzing::site_from_texts(config, district, &editions);
});
