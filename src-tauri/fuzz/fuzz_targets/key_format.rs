//! Key classification and masking: no panics; a mask never holds the whole
//! value; a server value is never shown beyond the console's mask.
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
    // Whatever a server sends, no more than the console's mask shows: a key
    // prefix (at most `sk-ws-`), 8 characters before the stars, 12 after.
    let shown = display_server_value(text);
    assert!(shown.contains("*****"), "{shown:?}");
    let visible = shown.chars().filter(|c| *c != '*').count();
    assert!(visible <= "sk-ws-".len() + 8 + 12, "{shown:?} shows {visible}");
});
