//! Fuzz target for `repair::fix`: any UTF-8 input must not panic, and fixing twice must give
//! the same text as fixing once.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsclean::repair::{RepairOptions, fix};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let opts = RepairOptions::default();
    let (once, _) = fix(text, &opts);
    let (twice, _) = fix(&once, &opts);
    assert_eq!(once, twice, "fix is not idempotent on {text:?}");
});
