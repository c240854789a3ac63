//! Whitelist entries and descriptions: no panics; canonical forms are fixed points.
#![no_main]
use libfuzzer_sys::fuzz_target;
use studio_keys::domain::regions::RegionId;
use studio_keys::domain::rules::{normalize_access_ips, normalize_description, parse_ip_entry};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for region in RegionId::ALL {
        if let Ok(c) = parse_ip_entry(text, region.info()) {
            assert_eq!(parse_ip_entry(&c, region.info()).unwrap(), c);
        }
        let entries: Vec<String> = text.split(',').map(str::to_string).collect();
        let _ = normalize_access_ips(&entries, region.info());
    }
    if let Ok(Some(d)) = normalize_description(text) {
        assert_eq!(normalize_description(&d).unwrap(), Some(d.clone()));
    }
});
