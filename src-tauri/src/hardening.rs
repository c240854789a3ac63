//! The process itself: a crash of a process holding key values must not
//! write them to a core file, and other processes of the same user must not
//! read its memory. Release builds of both binaries call
//! [`forbid_core_dumps`] first thing, and so do debug builds with the
//! `hardened` feature (the package `make test` installs, so that the package
//! tested is hardened as the shipped one is); other debug builds keep core
//! dumps for debugging.

/// No core files (`RLIMIT_CORE` 0) and, on Linux, not dumpable
/// (`PR_SET_DUMPABLE` 0: no core either way, and no `ptrace` attach or
/// `/proc/<pid>/mem` reads by the same user's other processes).
pub fn forbid_core_dumps() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let none = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: a plain syscall on a valid, initialised struct.
        if unsafe { libc::setrlimit(libc::RLIMIT_CORE, &none) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    #[cfg(target_os = "linux")]
    {
        // SAFETY: PR_SET_DUMPABLE takes one integer argument.
        if unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Release builds, and debug builds with the `hardened` feature (see the module).
pub fn harden_release_build() {
    if !cfg!(debug_assertions) || cfg!(feature = "hardened") {
        if let Err(e) = forbid_core_dumps() {
            eprintln!("studio-keys: could not turn core dumps off: {e}");
        }
    }
}
