//! Fuzzes the phone parser: no panic, no letter ever read as a digit, E.164 of digits only,
//! and the fast path for Chinese numbers equal to the `phonenumber` crate's result.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        roster::fuzzing::phone(text);
    }
});
