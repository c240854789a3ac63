//! Finds secret values in files, in every form they could take on disk:
//! UTF-8, UTF-16 (little and big endian: WebKit and some databases keep text
//! so) and base64 (standard and URL-safe alphabets, at each of the three
//! alignments a value can have inside a longer encoded run).

use std::path::{Path, PathBuf};

/// Every regular file under `dir`, which must exist: a scan of a directory
/// that is not there would find nothing and prove nothing.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    assert!(dir.is_dir(), "{} is not a directory to scan", dir.display());
    let mut out = Vec::new();
    walk(dir, &mut out);
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => walk(&p, out),
            Ok(t) if t.is_file() => out.push(p),
            _ => {}
        }
    }
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
        }
        for _ in chunk.len()..3 {
            out.push('=');
        }
    }
    out
}

/// The byte strings `secret` shows as on disk, each with the encoding's name.
pub fn forms(secret: &str) -> Vec<(String, Vec<u8>)> {
    let utf16: Vec<u16> = secret.encode_utf16().collect();
    let mut out = vec![
        ("utf-8".to_string(), secret.as_bytes().to_vec()),
        (
            "utf-16le".to_string(),
            utf16.iter().flat_map(|u| u.to_le_bytes()).collect(),
        ),
        (
            "utf-16be".to_string(),
            utf16.iter().flat_map(|u| u.to_be_bytes()).collect(),
        ),
    ];
    // Inside a longer run the value starts 0, 1 or 2 bytes into a 3-byte
    // group; only the characters made of its own bits are the same whatever
    // surrounds it.
    let n = secret.len();
    for skew in 0..3 {
        let mut padded = vec![0u8; skew];
        padded.extend_from_slice(secret.as_bytes());
        let encoded = base64(&padded);
        let (from, to) = ((8 * skew).div_ceil(6), (8 * (skew + n)) / 6);
        let inner = &encoded[from..to];
        out.push((format!("base64+{skew}"), inner.as_bytes().to_vec()));
        let url_safe = inner.replace('+', "-").replace('/', "_");
        if url_safe != inner {
            out.push((format!("base64url+{skew}"), url_safe.into_bytes()));
        }
    }
    out
}

/// `"secret #i (encoding) in <file>"` for every form of every secret found in
/// a file under `roots`, leaving out the files in `skip`.
pub fn hits(roots: &[PathBuf], skip: &[PathBuf], secrets: &[String]) -> Vec<String> {
    let patterns: Vec<(usize, String, Vec<u8>)> = secrets
        .iter()
        .enumerate()
        .flat_map(|(i, s)| forms(s).into_iter().map(move |(name, b)| (i, name, b)))
        .collect();
    let mut found = Vec::new();
    for f in roots.iter().flat_map(|r| files_under(r)) {
        if skip.contains(&f) {
            continue;
        }
        let Ok(bytes) = std::fs::read(&f) else {
            continue;
        };
        for (i, name, p) in &patterns {
            if bytes.windows(p.len()).any(|w| w == p.as_slice()) {
                found.push(format!("secret #{i} ({name}) in {}", f.display()));
            }
        }
    }
    found
}

#[test]
fn base64_matches_the_rfc_4648_vectors() {
    for (plain, encoded) in [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ] {
        assert_eq!(base64(plain.as_bytes()), encoded, "{plain:?}");
    }
}

/// The positive control: a value planted in each form, inside other bytes,
/// is reported, and a file without it is not.
#[test]
fn the_scanner_finds_a_planted_value_in_every_form() {
    let dir = tempfile::tempdir().unwrap();
    let secret = "sk-ws-PlantedValue.0123456789abcdef+/";
    for skew in 0..3 {
        let mut around = b"{\"state\":\"".to_vec();
        around.extend(std::iter::repeat_n(b'x', skew));
        around.extend_from_slice(secret.as_bytes());
        around.extend_from_slice(b"\",\"more\":1}");
        std::fs::write(
            dir.path().join(format!("b64-{skew}")),
            format!("data:{}", base64(&around)),
        )
        .unwrap();
    }
    let utf16: Vec<u16> = format!("[{secret}]").encode_utf16().collect();
    let le: Vec<u8> = utf16.iter().flat_map(|u| u.to_le_bytes()).collect();
    let be: Vec<u8> = utf16.iter().flat_map(|u| u.to_be_bytes()).collect();
    std::fs::write(dir.path().join("utf16le"), le).unwrap();
    std::fs::write(dir.path().join("utf16be"), be).unwrap();
    std::fs::write(dir.path().join("utf8"), format!("KEY={secret}\n")).unwrap();
    std::fs::write(dir.path().join("clean"), "nothing here").unwrap();

    let found = hits(&[dir.path().to_path_buf()], &[], &[secret.to_string()]);
    let mut files: Vec<String> = found
        .iter()
        .map(|h| h.rsplit('/').next().unwrap().to_string())
        .collect();
    files.sort();
    files.dedup();
    assert_eq!(
        files,
        ["b64-0", "b64-1", "b64-2", "utf16be", "utf16le", "utf8"],
        "{found:?}"
    );
}
