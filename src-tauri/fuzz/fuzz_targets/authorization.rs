//! `Authorization` header parsing (the sandbox's verifier input): no panics,
//! and what parses re-renders to something that parses the same.
#![no_main]
use libfuzzer_sys::fuzz_target;
use studio_keys::protocol::signer::{authorization_header, parse_authorization, parse_acs_date};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = parse_acs_date(text);
    if let Some(p) = parse_authorization(text) {
        if !p.access_key_id.contains([',', '=']) && !p.signature.contains([',', '=']) {
            let again = authorization_header(&p.access_key_id, &p.signed_headers.join(";"), &p.signature);
            let q = parse_authorization(&again).expect("re-rendered header parses");
            assert_eq!(q.access_key_id, p.access_key_id);
            assert_eq!(q.signature, p.signature);
        }
    }
});
