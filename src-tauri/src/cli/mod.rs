//! `skm`: the command line face of Studio Keys.

/// Entry point used by `src/bin/skm.rs`; returns the process exit code.
pub fn main() -> i32 {
    eprintln!("skm: not yet wired");
    70
}
