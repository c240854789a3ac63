//! Form/query bodies: decoding never panics, and whatever decodes re-encodes
//! to pairs that decode the same (sorted).
#![no_main]
use libfuzzer_sys::fuzz_target;
use studio_keys::protocol::codec::{decode_form, encode_form, flatten_auth, parse_auth};

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else { return };
    let Ok(pairs) = decode_form(body) else { return };
    let mut sorted = pairs.clone();
    sorted.sort();
    assert_eq!(decode_form(&encode_form(&pairs)).unwrap(), sorted);
    if let Ok(Some(auth)) = parse_auth(&pairs, "auth") {
        let mut again = Vec::new();
        flatten_auth("auth", &auth, &mut again);
        let back = parse_auth(&decode_form(&encode_form(&again)).unwrap(), "auth").unwrap();
        if auth != Default::default() {
            assert_eq!(back, Some(auth));
        }
    }
});
