//! Fuzzes the Markdown renderer used for duties, notes, intros and pages.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = roster::fuzzing::markdown(text);
    }
});
