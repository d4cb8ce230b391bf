//! Fuzzes the text validator: what it lets through has no control character (tab and line
//! breaks only in Markdown), a label no bidi control, something visible and at most 64
//! characters; HTML escaping leaves no markup or control character.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        roster::fuzzing::text(text);
    }
});
