//! Key classification and masking: no panics; a mask never holds the whole value.
#![no_main]
use libfuzzer_sys::fuzz_target;
use studio_keys::domain::keyformat::{display_server_value, mask, KeyFormat};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = KeyFormat::classify(text);
    let m = mask(text);
    assert!(m.contains("*****"));
    if text.trim().len() > 16 {
        assert_ne!(m, text.trim());
    }
    let _ = display_server_value(text);
});
